"""Every field a curator fills in the admin says what it holds (`help_text`), relations included:
a foreign key's select or picker is where a curator most needs to know what to choose."""

from django.apps import apps

PROJECT_APPS = ("core", "actors", "events", "leads")


def test_every_editable_field_of_the_project_has_help_text():
    missing = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and not model.__name__.startswith("Historical")
        for field in model._meta.get_fields()
        if field.concrete and field.editable and not field.auto_created and not getattr(field, "help_text", "")
    ]
    assert missing == []
