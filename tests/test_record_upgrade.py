"""A database loaded from an earlier release upgrades with today's fixtures: no record twice,
a curator's edit kept, the corrections in place. The release's fixtures (of 29 Nov 2026, which
named tenures by their start dates) are kept as test data in tests/data/release_2026_11_29/."""

from pathlib import Path

import pytest
from django.core.management import call_command

from actors.models import Tenure
from core.services import fixtures_user
from events.models import Citation

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "fixtures").glob("*.json"))
EARLIER_RELEASE = sorted((ROOT / "tests" / "data" / "release_2026_11_29").glob("*.json"))


def counts():
    return {
        "Sagintayev as Prime Minister": Tenure.objects.filter(
            actor__slug="bakytzhan-sagintayev", office__slug="prime-minister-of-kazakhstan"
        ).count(),
        "Massimov at the KNB": Tenure.objects.filter(
            actor__slug="karim-massimov", office__slug="chairman-of-the-knb"
        ).count(),
    }


def test_a_database_loaded_from_an_earlier_release_upgrades_without_doubles_keeping_a_curators_edit(curator):
    assert len(EARLIER_RELEASE) == 7
    call_command("loaddata", *map(str, EARLIER_RELEASE), verbosity=0)
    knb = Tenure.objects.get(actor__slug="karim-massimov", office__slug="chairman-of-the-knb")
    assert knb.start_date == "2016-09~/2017-09~"  # that release's reading of the article
    premiership = Tenure.objects.get(actor__slug="bakytzhan-sagintayev", office__slug="prime-minister-of-kazakhstan")
    premiership.note = "Checked by a curator against the decree."
    premiership._history_user = curator
    premiership.save()
    citations_before = Citation.objects.count()

    call_command("loaddata", *map(str, FIXTURES), verbosity=0)

    assert counts() == {"Sagintayev as Prime Minister": 1, "Massimov at the KNB": 1}
    premiership.refresh_from_db()
    assert premiership.note == "Checked by a curator against the decree."  # kept, as the load says
    knb.refresh_from_db()
    assert knb.start_date == "2016-09-08"  # corrected in place: the same row, under its key
    assert knb.key == "karim-massimov-chairman-of-the-knb-2016"
    assert Citation.objects.count() > citations_before
    assert knb.history.filter(history_user=fixtures_user()).count() == 2


def test_an_earlier_releases_fixtures_loaded_over_todays_record_join_it(curator):
    call_command("loaddata", *map(str, FIXTURES), verbosity=0)
    tenures, citations = Tenure.objects.count(), Citation.objects.count()

    call_command("loaddata", *map(str, EARLIER_RELEASE), verbosity=0)

    assert counts() == {"Sagintayev as Prime Minister": 1, "Massimov at the KNB": 1}
    assert Tenure.objects.count() == tenures
    # The old release's wording comes back (it is a load like any other), but onto the same rows.
    assert Citation.objects.count() <= citations + 5
