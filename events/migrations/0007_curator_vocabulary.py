"""Seed the words curators need from their first day; fixtures/01_vocabulary.json holds the same.

Existing rows are left as they are (a curator may have reworded them); only missing slugs are added.
"""

from django.db import migrations

EVENT_TYPES = [
    ("arrest", "Arrest", "A person is taken into custody by the police or security services."),
    (
        "detention",
        "Detention",
        "A person is held by the authorities as the source words it (“detained”), where no formal arrest is reported.",
    ),
    ("dismissal", "Dismissal", "A person is removed from an office or post without a new post being reported."),
    (
        "resignation",
        "Resignation",
        "A person or a government gives up office, or a head of state accepts a government's resignation; "
        "say in the summary who decided.",
    ),
    ("sentencing", "Sentencing", "A court sentences a person; put the term and the offence in the summary."),
    ("release", "Release", "A person is released from custody, prison or house arrest."),
    (
        "pardon",
        "Pardon or early release",
        "A pardon, amnesty, parole or other release before the end of a sentence; say which in the summary.",
    ),
    ("acquittal", "Acquittal", "A court finds a person not guilty, or drops the charges."),
    ("death", "Death", "A person dies; say in the summary what the sources report of how."),
]

ROLES = [
    ("arrested", "Arrested", "The person taken into custody."),
    ("detained", "Detained", "The person held in custody, whether or not a charge is known yet."),
    ("released", "Released", "The person let out of custody, prison or house arrest."),
    ("pardoned", "Pardoned", "The person pardoned, amnestied or paroled."),
    (
        "dismissed",
        "Dismissed",
        "The person removed from a post, or the head of a government that resigned or was dismissed.",
    ),
    ("resigned", "Resigned", "The person who gave up a post of their own accord, as the sources tell it."),
    ("sentenced", "Sentenced", "The person a court sentenced."),
    ("acquitted", "Acquitted", "The person a court found not guilty, or whose charges were dropped."),
    ("deceased", "Deceased", "The person who died."),
]


def seed(apps, schema_editor):
    for model_name, terms in (("EventType", EVENT_TYPES), ("ParticipantRole", ROLES)):
        model = apps.get_model("events", model_name)
        for slug, name, description in terms:
            model.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})


class Migration(migrations.Migration):
    dependencies = [("events", "0006_event_retraction_reason")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
