"""Editors see every record they publish: an Editor alone could not view an event's
participants and citations, so the change page showed none and refused to publish
("a published event needs at least one citation")."""

from django.db import migrations

CONTENT = [
    ("actors", ["actor", "alias", "identifier", "faction", "membership", "office", "tenure"]),
    ("events", ["event", "participation", "citation", "source", "eventtype", "participantrole"]),
]
EDITOR_VIEWS = [(app, f"view_{model}") for app, models in CONTENT for model in models]


def add_views(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    editor = group_model.objects.filter(name="Editor").first()
    if editor is None:
        return
    for app, codename in EDITOR_VIEWS:
        editor.permissions.add(permission_model.objects.get(content_type__app_label=app, codename=codename))


class Migration(migrations.Migration):
    dependencies = [("events", "0011_newest_first_indexes")]

    operations = [migrations.RunPython(add_views, migrations.RunPython.noop)]
