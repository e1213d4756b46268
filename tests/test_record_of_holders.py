"""The record of who held the offices that run the country, 1991-2025 (fixtures 13-17 with the
corrections of 05-12): holders on dates through the API, one holder per seat, unbroken chains,
how current each open span is, and the upgrade of a database loaded from an earlier release.

The fixtures are loaded once for the module inside a transaction rolled back after its last
test, as in test_article_fixtures.py.
"""

import itertools
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.test import Client

from actors.models import Office, Tenure
from tests.test_record_since_article import holders_in_api

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "fixtures").glob("*.json"))

# The offices that run the country, each with an unbroken chain of holders in the record.
CHAINS = [
    "president-of-kazakhstan",
    "prime-minister-of-kazakhstan",
    "chairman-of-the-knb",
    "head-of-the-presidential-administration",
    "secretary-of-the-security-council-of-kazakhstan",
    "chairman-of-the-security-council-of-kazakhstan",
    "chair-of-the-senate-of-kazakhstan",
    "chair-of-the-mazhilis-of-kazakhstan",
    "minister-of-foreign-affairs-of-kazakhstan",
    "minister-of-defence-of-kazakhstan",
    "minister-of-internal-affairs-of-kazakhstan",
    "minister-of-finance-of-kazakhstan",
    "chairman-of-the-national-bank-of-kazakhstan",
    "prosecutor-general-of-kazakhstan",
    "akim-of-almaty",
    "akim-of-the-capital",
    "chairman-of-the-board-of-samruk-kazyna",
    "ambassador-of-kazakhstan-to-russia",
    "chairman-of-the-ruling-party",
    "state-secretary-of-kazakhstan",
]
# Where a chain has a gap of more than a month, a note says why: the post was vacant, or who
# held it is not in the reports found.
GAP_EXPLAINED = ("vacant", "not found", "unknown", "unidentified", "not in the")

HOLDERS = [
    ("1992-06-01", "prime-minister-of-kazakhstan", "sergey-tereshchenko"),
    ("1995-06-01", "prime-minister-of-kazakhstan", "akezhan-kazhegeldin"),
    ("1998-06-01", "prime-minister-of-kazakhstan", "nurlan-balgimbayev"),
    ("2000-06-01", "prime-minister-of-kazakhstan", "kassym-jomart-tokayev"),
    ("2002-06-01", "prime-minister-of-kazakhstan", "imangali-tasmagambetov"),
    ("2005-06-01", "prime-minister-of-kazakhstan", "daniyal-akhmetov"),
    ("2010-06-01", "prime-minister-of-kazakhstan", "karim-massimov"),
    ("2013-06-01", "prime-minister-of-kazakhstan", "serik-akhmetov"),
    ("2015-06-01", "prime-minister-of-kazakhstan", "karim-massimov"),
    ("2017-06-01", "prime-minister-of-kazakhstan", "bakytzhan-sagintayev"),
    ("2025-06-01", "prime-minister-of-kazakhstan", "olzhas-bektenov"),
    ("1995-06-01", "president-of-kazakhstan", "nursultan-nazarbayev"),
    ("2021-06-01", "president-of-kazakhstan", "kassym-jomart-tokayev"),
    ("2000-06-01", "chairman-of-the-knb", "alnur-musayev"),
    ("2005-06-01", "chairman-of-the-knb", "nartay-dutbayev"),
    ("2008-06-01", "chairman-of-the-knb", "amangeldy-shabdarbayev"),
    ("2012-06-01", "chairman-of-the-knb", "nurtai-abykayev"),
    ("2018-06-01", "chairman-of-the-knb", "karim-massimov"),
    ("2023-06-01", "chairman-of-the-knb", "yermek-sagimbayev"),
    ("1996-06-01", "minister-of-foreign-affairs-of-kazakhstan", "kassym-jomart-tokayev"),
    ("2008-06-01", "minister-of-foreign-affairs-of-kazakhstan", "marat-tazhin"),
    ("2014-06-01", "minister-of-foreign-affairs-of-kazakhstan", "erlan-idrissov"),
    ("2024-06-01", "minister-of-foreign-affairs-of-kazakhstan", "murat-nurtleu"),
    ("2012-06-01", "minister-of-defence-of-kazakhstan", "adilbek-zhaksybekov"),
    ("2015-06-01", "minister-of-defence-of-kazakhstan", "imangali-tasmagambetov"),
    ("2023-06-01", "minister-of-defence-of-kazakhstan", "ruslan-zhaksylykov"),
    ("2000-06-01", "akim-of-almaty", "viktor-khrapunov"),
    ("2010-06-01", "akim-of-almaty", "akhmetzhan-yessimov"),
    ("2020-06-01", "akim-of-almaty", "bakytzhan-sagintayev"),
    ("2010-06-01", "akim-of-the-capital", "imangali-tasmagambetov"),
    ("2020-06-01", "akim-of-the-capital", "altai-kulginov"),
    ("2009-06-01", "chair-of-the-senate-of-kazakhstan", "kassym-jomart-tokayev"),
    ("2012-06-01", "chair-of-the-senate-of-kazakhstan", "kairat-mami"),
    ("2016-06-01", "chair-of-the-senate-of-kazakhstan", "kassym-jomart-tokayev"),
    ("2013-06-01", "head-of-the-presidential-administration", "karim-massimov"),
    ("2017-06-01", "head-of-the-presidential-administration", "adilbek-zhaksybekov"),
    ("2021-06-01", "head-of-the-presidential-administration", "yerlan-koshanov"),
    ("2018-06-01", "chair-of-the-mazhilis-of-kazakhstan", "nurlan-nigmatulin"),
    ("2011-06-01", "chairman-of-the-national-bank-of-kazakhstan", "grigori-marchenko"),
    ("2024-06-01", "chairman-of-the-national-bank-of-kazakhstan", "timur-suleimenov"),
    ("2010-06-01", "chairman-of-the-ruling-party", "nursultan-nazarbayev"),
    ("2015-06-01", "minister-of-internal-affairs-of-kazakhstan", "kalmukhanbet-kassymov"),
    ("2018-06-01", "prosecutor-general-of-kazakhstan", "kairat-kozhamzharov"),
]


@pytest.mark.parametrize(("day", "office", "holder"), HOLDERS, ids=lambda value: str(value))
def test_the_holder_of_an_office_on_a_date_in_the_api(record, day, office, holder):
    assert holders_in_api(office, date.fromisoformat(day)) == [holder]


def test_the_sample_of_holders_spans_the_years_since_independence():
    years = sorted({int(day[:4]) for day, _, _ in HOLDERS})
    assert len(HOLDERS) >= 30 and years[0] <= 1992 and years[-1] == 2025


def certain(tenures):
    return [tenure for tenure in tenures if tenure.has_certain_start]


@pytest.mark.parametrize("slug", [office for office in CHAINS])
def test_no_two_holders_of_one_seat_on_a_certain_day(record, slug):
    office = Office.objects.get(slug=slug)
    assert office.seats == 1
    tenures = certain(Tenure.objects.filter(office=office).select_related("office", "actor").order_by_start())
    for index, tenure in enumerate(tenures):
        for rival in tenures[index + 1 :]:
            assert not tenure._shares_the_seat_with(rival), f"{tenure} and {rival}"
            # Beyond the model's rule: an open tenure is the last one of its office.
            assert tenure.end_date or rival.start_lower <= tenure.start_lower, f"{tenure} is open before {rival}"


def chain_order(tenure):
    """A start known only as a range goes by its middle day; an unknown one first."""
    if tenure.start_lower is None:
        return date.min
    if "/" in tenure.start_date and tenure.start_upper:
        return tenure.start_lower + (tenure.start_upper - tenure.start_lower) / 2
    return tenure.start_lower


@pytest.mark.parametrize("slug", CHAINS)
def test_each_office_has_an_unbroken_chain_of_holders(record, slug):
    tenures = sorted(Tenure.objects.filter(office__slug=slug), key=chain_order)
    assert len(tenures) >= 2
    assert tenures[0].start_lower is not None or tenures[0].end_upper is not None
    for before, after in itertools.pairwise(tenures):
        assert before.end_upper is not None, f"{before} has no end but is followed by {after}"
        assert after.start_lower is not None, f"{after} has no start"
        if after.start_lower - before.end_upper > timedelta(days=31):
            notes = (before.note + " " + after.note).lower()
            assert any(words in notes for words in GAP_EXPLAINED), f"gap between {before} and {after}"
    for index, tenure in enumerate(tenures):
        if tenure.predecessor_id:
            assert tenure.predecessor_id in {earlier.actor_id for earlier in tenures[:index]}, f"{tenure}'s predecessor"


def test_every_holder_in_office_at_the_end_of_2025_is_confirmed_by_a_report_of_2025_or_says_it_is_not(record):
    sitting = Tenure.objects.filter(office__slug__in=CHAINS, end_date="").with_causes(sees_unpublished=False)
    unconfirmed = [tenure for tenure in sitting if tenure.last_confirmed is None or tenure.last_confirmed.year < 2025]
    assert len(sitting) >= 19
    assert len(unconfirmed) <= 4  # the closing note of the issue names them
    for tenure in unconfirmed:
        assert "No report of 2025 or later" in tenure.note, tenure


def test_a_tenure_in_the_api_says_when_it_was_last_confirmed(record):
    tenure = Tenure.objects.get(key="olzhas-bektenov-prime-minister-of-kazakhstan-2024")
    latest = max(citation.source.published_start for citation in tenure.citations.select_related("source"))
    for url in (
        "/api/v1/tenures/?office=prime-minister-of-kazakhstan",
        "/api/v1/offices/prime-minister-of-kazakhstan/",
    ):
        body = Client().get(url).json()
        rows = body.get("results", body.get("tenures"))
        (row,) = [row for row in rows if row["id"] == tenure.pk]
        assert row["last_confirmed"] == latest.isoformat()
    actor = Client().get("/api/v1/actors/olzhas-bektenov/").json()
    (row,) = [row for row in actor["tenures"] if row["id"] == tenure.pk]
    assert row["last_confirmed"] == latest.isoformat() and latest.year >= 2025


def test_the_articles_factions_are_confirmed_to_the_article(record):
    rows = Client().get("/api/v1/memberships/?faction=old-guard").json()["results"]
    assert rows and {row["last_confirmed"][:4] for row in rows} == {"2017"}


def test_every_fixture_record_has_a_key_of_its_own():
    keys = [
        row["fields"]["key"]
        for path in FIXTURES
        for row in json.loads(path.read_text(encoding="utf-8"))
        if row["model"] in ("actors.tenure", "actors.membership", "events.participation", "events.citation")
    ]
    assert all(keys) and len(keys) == len(set(keys))


def test_the_board_on_2023_06_01_is_sure_of_the_president_and_premier_and_dates_the_2017_factions(record):
    client = Client()
    for office, holder in (
        ("president-of-kazakhstan", "Kassym-Jomart Tokayev"),
        ("prime-minister-of-kazakhstan", "Alikhan Smailov"),
    ):
        page = client.get(f"/as-of/2023-06-01/offices/{office}/").content.decode()
        (line,) = [line for line in page.split("<li") if holder in line]
        assert "possibly" not in line and "last confirmed" not in line, line
    factions = client.get("/as-of/2023-06-01/").content.decode().split("Factions</h2>")[1]
    old_guard = factions.split("Old Guard")[1].split("</ul>")[0]
    assert "possibly" not in old_guard and 'class="unconfirmed"' in old_guard
    assert re.search(r"last confirmed [^<]*2017", old_guard), old_guard


def test_the_office_and_actor_pages_say_when_a_sitting_holder_was_last_confirmed(record):
    client = Client()
    office = client.get("/offices/prime-minister-of-kazakhstan/").content.decode()
    actor = client.get("/actors/olzhas-bektenov/").content.decode()
    faction = client.get("/factions/old-guard/").content.decode()
    assert "confirmed 13 Dec 2025" in office and "confirmed 13 Dec 2025" in actor
    assert re.search(r"confirmed [^<]*2017<", faction)  # the article dates itself Aug-Dec 2017
    # Only the sitting holder's row and bar say it: the closed tenures say nothing of it.
    rows = re.findall(r"<tr.*?</tr>", office, re.S) + re.findall(r'"axis-row.*?</a>', office, re.S)
    confirmed = [row for row in rows if "last confirmed" in row]
    assert len(confirmed) == 2 and all("Olzhas Bektenov" in row for row in confirmed)
