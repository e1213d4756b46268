"""`manage.py fetch_leads` on saved feeds (nothing is fetched from the network)."""

from io import StringIO
from pathlib import Path

import feedparser
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from leads.models import Feed, Lead
from tests.factories import ActorFactory, AliasFactory, EventTypeFactory, FeedFactory

pytestmark = pytest.mark.django_db

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"


@pytest.fixture(autouse=True)
def feeds_dir(settings):
    """The saved feeds' folder is where local feed files may be read from."""
    settings.FEEDS_DIR = FEEDS


@pytest.fixture
def tracked():
    for slug in ("sentencing", "appointment", "detention", "pardon", "dismissal"):
        EventTypeFactory(slug=slug)
    massimov = ActorFactory(slug="karim-massimov", name="Karim Massimov", sort_name="Massimov, Karim")
    AliasFactory(actor=massimov, name="Карим Масимов", lang="ru")
    tokayev = ActorFactory(
        slug="kassym-jomart-tokayev", name="Kassym-Jomart Tokayev", sort_name="Tokayev, Kassym-Jomart"
    )
    AliasFactory(actor=tokayev, name="Касым-Жомарт Токаев", lang="ru")
    ActorFactory(slug="nursultan-nazarbayev", name="Nursultan Nazarbayev", sort_name="Nazarbayev, Nursultan")
    ActorFactory(slug="dariga-nazarbayeva", name="Dariga Nazarbayeva", sort_name="Nazarbayeva, Dariga")


@pytest.fixture
def feeds(tracked):
    return {
        "english": FeedFactory(name="Steppe Wire", url=str(FEEDS / "english.rss")),
        "russian": FeedFactory(name="Степной вестник", url=str(FEEDS / "russian.atom")),
        "broken": FeedFactory(name="Broken", url=str(FEEDS / "broken.xml")),
    }


def fetch(*args):
    out, err = StringIO(), StringIO()
    call_command("fetch_leads", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def lead(title):
    found = Lead.objects.get(title=title)
    return sorted(found.actors.values_list("slug", flat=True)), found.suggested_type and found.suggested_type.slug


def test_english_and_russian_entries_naming_a_tracked_actor_become_leads(feeds):
    fetch()

    assert lead("Ex-security chief Karim Massimov sentenced after a closed trial") == (["karim-massimov"], "sentencing")
    assert lead("President Tokayev appoints a new prime minister") == (["kassym-jomart-tokayev"], "appointment")
    assert lead("Масимов задержан по подозрению в госизмене") == (["karim-massimov"], "detention")
    assert lead("Токаев помиловал группу осуждённых к празднику") == (["kassym-jomart-tokayev"], "pardon")
    cyrillic = Lead.objects.get(entry_id="urn:kzwatch:test:vestnik:1001")
    assert cyrillic.matched == ["Масимов"]
    assert cyrillic.link == "https://vestnik.example/news/1001"
    assert cyrillic.published.isoformat() == "2022-01-08T06:00:00+00:00"


def test_an_entry_naming_nobody_becomes_no_lead(feeds):
    fetch()

    assert not Lead.objects.filter(title__contains="Wheat harvest").exists()
    assert not Lead.objects.filter(title__contains="Алматы").exists()
    assert Lead.objects.count() == 6


def test_a_shared_surname_makes_every_relative_a_candidate(feeds):
    fetch()

    for title in ("Nazarbayev foundation opens a school in Turkestan", "Назарбаева освобождена от должности"):
        found = Lead.objects.get(title=title)
        both = ["dariga-nazarbayeva", "nursultan-nazarbayev"]
        assert sorted(found.candidates.values_list("slug", flat=True)) == both
        assert sorted(found.actors.values_list("slug", flat=True)) == both
        assert found.matched[0].endswith("(surname only)")
    assert lead("Назарбаева освобождена от должности")[1] == "dismissal"


def test_reading_the_feeds_again_creates_nothing(feeds):
    fetch()
    out, _ = fetch()

    assert Lead.objects.count() == 6
    assert "new leads: 0" in out
    assert "6 already read" in out


def test_an_entry_already_read_under_another_id_is_known_by_its_link(feeds):
    fetch(str(feeds["english"].pk))
    for number, row in enumerate(Lead.objects.filter(feed=feeds["english"])):
        Lead.objects.filter(pk=row.pk).update(entry_id=f"renamed-{number}")

    fetch(str(feeds["english"].pk))

    assert Lead.objects.filter(feed=feeds["english"]).count() == 3


def test_a_malformed_feed_is_reported_and_skipped_while_the_others_are_read(feeds):
    out, err = fetch()

    broken = Feed.objects.get(pk=feeds["broken"].pk)
    assert "FAILED Broken: malformed feed" in err
    assert broken.last_error.startswith("malformed feed")
    assert broken.last_fetched is not None
    assert not Lead.objects.filter(feed=broken).exists()
    assert Lead.objects.filter(feed=feeds["english"]).count() == 3
    assert Lead.objects.filter(feed=feeds["russian"]).count() == 3
    assert "Feeds read: 2 of 3; entries seen: 8; new leads: 6; skipped: 2" in out


def test_a_missing_file_is_reported_with_its_reason(tracked):
    feed = FeedFactory(name="Gone", url=str(FEEDS / "no-such-feed.xml"))

    _, err = fetch("Gone")

    feed.refresh_from_db()
    assert feed.last_error == "cannot read the file: No such file or directory"
    assert "FAILED Gone" in err


def test_a_feed_read_well_again_forgets_its_last_error(feeds):
    Feed.objects.filter(pk=feeds["english"].pk).update(last_error="unreachable: timed out")

    fetch("Steppe Wire")

    assert Feed.objects.get(pk=feeds["english"].pk).last_error == ""
    assert not Lead.objects.filter(feed=feeds["russian"]).exists()  # only the feed named was read


def test_an_unknown_feed_argument_is_an_error_that_reads_nothing(feeds):
    with pytest.raises(CommandError, match="No feed has"):
        fetch("Steppe Wire", "nonsense")
    assert not Lead.objects.exists()


def test_inactive_feeds_are_read_only_when_named(feeds):
    Feed.objects.update(active=False)

    fetch()
    assert not Lead.objects.exists()

    fetch(str(FEEDS / "russian.atom"))
    assert Lead.objects.count() == 3


def test_control_characters_in_an_entry_become_spaces_and_its_feed_is_still_read(feeds, monkeypatch):
    """feedparser reports raw ones in XML as a malformed feed; this stands for any that reach an entry."""
    parse = feedparser.parse

    def parse_with_vertical_tabs(content):
        parsed = parse(content)
        for entry in parsed.entries:
            entry["title"] = entry.get("title", "").replace("Karim ", "Karim\x0b")
            entry["summary"] = entry.get("summary", "") + "\x07"
        return parsed

    monkeypatch.setattr(feedparser, "parse", parse_with_vertical_tabs)
    fetch()

    found = Lead.objects.get(title="Ex-security chief Karim Massimov sentenced after a closed trial")
    assert "\x07" not in found.summary
    assert Feed.objects.get(name="Steppe Wire").last_error == ""
