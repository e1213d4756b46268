"""Keys for every tenure, membership, participation and citation, and one row for each record.

Earlier releases named these rows in their fixtures by what the rows said (a tenure by its
start date, a citation by its quote), so a fixture that corrected a date or a quote loaded as a
second row beside the first: a database that loaded two releases holds Sagintayev as Prime
Minister twice and Massimov at the KNB twice. Each row gets the key that the released fixtures
now give its record (`fixtures/legacy/keys.json`), or a new one. Rows that get the same key are
one record: the row a person edited is kept (the newest, if only loads wrote them), the others'
citations move to it and they are deleted, each deletion recorded in history by the user
"fixtures". Where people edited more than one of them, each keeps its edits: the others get
keys of their own and stay, to be merged by hand.
"""

import uuid
from collections import defaultdict

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

import core.models
from core.legacy_keys import legacy_key

BATCH = 1000
FIXTURES_USERNAME = "fixtures"


class Mender:
    def __init__(self, apps):
        self.apps = apps
        user = apps.get_model("auth", "User").objects.filter(username=FIXTURES_USERNAME).first()
        self.fixtures_user_id = user.pk if user else None

    def history(self, model):
        return self.apps.get_model(model._meta.app_label, f"Historical{model.__name__}")

    def edited_at(self, model, row):
        """When a person (not a load) last wrote `row`, or None."""
        latest = self.history(model).objects.filter(id=row.pk).order_by("-history_date", "-history_id").first()
        if latest is None or latest.history_user_id in (None, self.fixtures_user_id):
            return None
        return latest.history_date

    def record_deletion(self, model, row, key, reason):
        fields = {field.attname: getattr(row, field.attname) for field in model._meta.concrete_fields}
        fields["key"] = key
        self.history(model).objects.create(
            **fields,
            history_date=timezone.now(),
            history_type="-",
            history_user_id=self.fixtures_user_id,
            history_change_reason=reason,
        )

    def assign(self, model, key_of, *, move_citations=None):
        """Give each row of `model` its key; join rows that share one. `key_of(row)` is the key an
        earlier release's natural key maps to, or None."""
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        groups = defaultdict(list)
        for row in model.objects.order_by("pk").iterator(chunk_size=BATCH):
            groups[key_of(row) or uuid.uuid4().hex].append(row)
        keyed = []
        for key, rows in groups.items():
            edited = [(self.edited_at(model, row), row) for row in rows] if len(rows) > 1 else []
            by_people = sorted((when, row.pk, row) for when, row in edited if when is not None)
            if by_people:
                keeper = by_people[-1][2]
                for _, _, row in by_people[:-1]:
                    row.key = uuid.uuid4().hex
                    keyed.append(row)
                    print(f"\n  {label} {row.pk} and {keeper.pk} were both edited by people; kept both")
            else:
                keeper = rows[-1]
            keeper.key = key
            keyed.append(keeper)
            for row in rows:
                if row is keeper or row.key:
                    continue
                if move_citations:
                    move_citations(row, keeper)
                self.record_deletion(model, row, key, "A double loaded from an earlier release's fixtures")
                row.delete()
        model.objects.bulk_update(keyed, ["key"], batch_size=BATCH)
        history = self.history(model)
        history.objects.filter(key="").update(
            key=Coalesce(Subquery(model.objects.filter(pk=OuterRef("id")).values("key")[:1]), Value(""))
        )


def mend(apps, schema_editor):
    mender = Mender(apps)
    Tenure = apps.get_model("actors", "Tenure")
    Membership = apps.get_model("actors", "Membership")
    Participation = apps.get_model("events", "Participation")
    Citation = apps.get_model("events", "Citation")
    slugs = {
        name: dict(apps.get_model(app, model).objects.values_list("pk", "slug"))
        for name, app, model in [
            ("actor", "actors", "Actor"),
            ("office", "actors", "Office"),
            ("faction", "actors", "Faction"),
            ("event", "events", "Event"),
            ("source", "events", "Source"),
        ]
    }
    roles = dict(apps.get_model("events", "ParticipantRole").objects.values_list("pk", "slug"))

    def mover(kind):
        def move(double, keeper):
            Citation.objects.filter(**{kind: double}).update(**{kind: keeper})

        return move

    mender.assign(
        Tenure,
        lambda row: legacy_key(
            "actors.tenure", (slugs["actor"][row.actor_id], slugs["office"][row.office_id], row.start_date)
        ),
        move_citations=mover("tenure"),
    )
    mender.assign(
        Membership,
        lambda row: legacy_key(
            "actors.membership",
            (slugs["actor"][row.actor_id], slugs["faction"][row.faction_id], row.role, row.start_date),
        ),
        move_citations=mover("membership"),
    )
    mender.assign(
        Participation,
        lambda row: legacy_key(
            "events.participation", (slugs["event"][row.event_id], slugs["actor"][row.actor_id], roles[row.role_id])
        ),
    )
    claim_keys = {
        "event": slugs["event"],
        "tenure": dict(Tenure.objects.values_list("pk", "key")),
        "membership": dict(Membership.objects.values_list("pk", "key")),
    }

    def citation_key(row):
        for kind in ("event", "membership", "tenure"):
            claim_id = getattr(row, f"{kind}_id")
            if claim_id:
                natural_key = (slugs["source"][row.source_id], kind, claim_keys[kind][claim_id], row.quote)
                return legacy_key("events.citation", natural_key)
        return None

    mender.assign(Citation, citation_key)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0013_event_text_trigram_indexes"),
        ("actors", "0005_record_keys"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalparticipation",
            name="key",
            field=core.models.RecordKeyField(
                blank=True,
                db_index=True,
                editable=False,
                help_text="Stable identity: set once, unchanged when the dates, quote or note are corrected; fixtures and other databases name the row by it.",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="historicalcitation",
            name="key",
            field=core.models.RecordKeyField(
                blank=True,
                db_index=True,
                editable=False,
                help_text="Stable identity: set once, unchanged when the dates, quote or note are corrected; fixtures and other databases name the row by it.",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="participation",
            name="key",
            field=models.CharField(editable=False, max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="citation",
            name="key",
            field=models.CharField(editable=False, max_length=200, null=True),
        ),
        migrations.RunPython(mend, migrations.RunPython.noop),
    ]
