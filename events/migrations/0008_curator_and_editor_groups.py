"""The two roles of the admin, as groups: Curator (adds and changes, drafts only) and Editor
(publishes, retracts, deletes). A person who does both belongs to both."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT = [
    ("actors", ["actor", "alias", "identifier", "faction", "membership", "office", "tenure"]),
    ("events", ["event", "participation", "citation", "source", "eventtype", "participantrole"]),
]

GROUPS = {
    "Curator": [
        (app, f"{action}_{model}")
        for app, models in CONTENT
        for model in models
        for action in ("add", "change", "view")
    ],
    "Editor": [
        ("events", "publish_event"),
        ("events", "change_event"),
        ("events", "view_event"),
        *((app, f"delete_{model}") for app, models in CONTENT for model in models),
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are made after migrations run; a fresh database needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, codes in GROUPS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        permissions = [
            permission_model.objects.get(content_type__app_label=app, codename=codename) for app, codename in codes
        ]
        group.permissions.set(permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0007_curator_vocabulary"),
        ("actors", "0004_office_seats"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
