"""Leads belong to the same roles as the events they become: Curators read, triage and register
feeds; Editors see them and may delete them (events/migrations/0008 made the groups)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Curator": [f"{action}_{model}" for model in ("feed", "lead") for action in ("add", "change", "view")],
    "Editor": ["delete_feed", "delete_lead", "view_feed", "view_lead"],
}


def grant(apps, schema_editor):
    # Permissions are made after migrations run; a fresh database needs them now.
    app_config = apps.get_app_config("leads")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.add(*permission_model.objects.filter(content_type__app_label="leads", codename__in=codenames))


def revoke(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for group in group_model.objects.filter(name__in=GRANTS):
        group.permissions.remove(*group.permissions.filter(content_type__app_label="leads"))


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0001_leads_inbox"),
        ("events", "0008_curator_and_editor_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
