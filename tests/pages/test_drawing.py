"""Where the axes put their marks, what their legends explain, and how a span's dates read on a page."""

import datetime
from types import SimpleNamespace

import pytest
from django.http import QueryDict

from actors.models import Membership, Tenure
from pages.axis import MAX_MAJOR_TICKS, MAX_TICKS, Axis
from pages.views.drawing import MAX_LANES, event_axis, span_chart
from tests.factories import MembershipFactory, TenureFactory

D = datetime.date


def test_a_day_falls_at_its_share_of_the_axis_in_per_cent_and_is_clamped():
    axis = Axis(D(2010, 1, 1), D(2019, 12, 31))
    assert axis.x(D(2010, 1, 1)) == 0
    assert axis.x(D(2019, 12, 31)) == 100
    assert 49 < axis.x(D(2015, 1, 1)) < 51
    assert axis.x(D(1990, 5, 5)) == 0 and axis.x(D(2030, 1, 1)) == 100


@pytest.mark.parametrize("years", [1, 5, 9, 24, 36, 75, 250])
def test_year_labels_are_thinned_for_a_wide_screen_and_again_for_a_phone(years):
    axis = Axis(D(2000, 1, 1), D(2000 + years - 1, 12, 31))
    ticks = axis.ticks()
    major = [tick for tick in ticks if not tick["minor"]]
    assert 1 <= len(ticks) <= MAX_TICKS
    assert 1 <= len(major) <= MAX_MAJOR_TICKS
    # A label at either edge leans inwards, so none is cut in half.
    for tick in ticks:
        if tick["x"] < 4:
            assert tick["anchor"] == "start"
        elif tick["x"] > 94:
            assert tick["anchor"] == "end"


def test_an_open_span_is_solid_up_to_its_latest_report_and_fades_after_it():
    axis = Axis(D(2010, 1, 1), D(2019, 12, 31))
    drawn = axis.span(D(2012, 1, 1), D(2012, 1, 1), None, None, confirmed=D(2016, 1, 1))
    assert drawn["solid"]["x"] == axis.x(D(2012, 1, 1))
    assert drawn["solid"]["x"] + drawn["solid"]["width"] == pytest.approx(axis.x(D(2016, 1, 1)), abs=0.01)
    assert drawn["fades"] == [
        {"x": axis.x(D(2016, 1, 1)), "width": pytest.approx(100 - axis.x(D(2016, 1, 1))), "towards": "right"}
    ]
    assert drawn["confirmed"] == axis.x(D(2016, 1, 1))
    # Without a report, the fade begins where the record's knowledge ends: at the start.
    unreported = axis.span(D(2012, 1, 1), D(2012, 1, 1), None, None)
    assert unreported["solid"] is None and unreported["confirmed"] is None
    assert unreported["fades"][0]["x"] == axis.x(D(2012, 1, 1))


def test_an_open_span_with_no_known_start_fades_in_to_its_report_and_out_after_it():
    axis = Axis(D(2010, 1, 1), D(2019, 12, 31))
    drawn = axis.span(None, None, None, None, confirmed=D(2017, 8, 1))
    report = axis.x(D(2017, 8, 1))
    assert drawn["solid"] is None
    assert [(fade["towards"], fade["x"]) for fade in drawn["fades"]] == [("left", 0), ("right", report)]
    assert drawn["fades"][0]["width"] == pytest.approx(report)
    assert drawn["confirmed"] == report


def test_a_closed_span_ignores_its_latest_report():
    axis = Axis(D(2010, 1, 1), D(2019, 12, 31))
    drawn = axis.span(D(2011, 1, 1), D(2011, 1, 1), D(2013, 1, 1), D(2013, 1, 1), confirmed=D(2012, 1, 1))
    assert drawn["confirmed"] is None and drawn["fades"] == []
    assert drawn["solid"]["x"] + drawn["solid"]["width"] == pytest.approx(axis.x(D(2013, 1, 1)), abs=0.01)


def _membership(role, start_date, end_date="", last_confirmed=None):
    membership = Membership(role=role, start_date=start_date, end_date=end_date)
    membership.fill_date_bounds()
    membership.last_confirmed = last_confirmed
    return membership


def test_a_faction_chart_colours_bars_by_role_and_its_legend_names_each_role_and_fade():
    rows = [
        ("Leader L", "/l/", _membership("leader", "", last_confirmed=D(2017, 8, 1))),
        ("Member M", "/m/", _membership("member", "2016-08/2017-12", "2022-01-05")),
        ("Candidate C", "/c/", _membership("candidate", "2015", "2016")),
    ]
    chart = span_chart(rows)
    assert [bar["role"] for bar in chart["bars"]] == ["leader", "member", "candidate"]
    assert chart["roles"] == [("leader", "Leader"), ("member", "Member"), ("candidate", "Candidate")]
    assert chart["shows"] == {"solid": True, "both": True, "left": True, "right": True, "confirmed": True}
    # A start known within a range reads as one date, and an open span says when it was last seen.
    assert chart["bars"][1]["dates"] == "between Aug 2016 and Dec 2017 – 5 Jan 2022"
    assert chart["bars"][0]["dates"] == "start unknown – no known end, last confirmed 1 Aug 2017"
    # The axis runs on a year past the latest report, so that the fade after it shows.
    alone = span_chart(rows[:1])
    assert alone["bars"][0]["confirmed"] < 50
    assert alone["bars"][0]["fades"][-1]["width"] > 50


def test_an_office_chart_has_no_roles_and_its_legend_only_what_it_draws():
    tenure = Tenure(start_date="2014-04-02", end_date="2016-09-08")
    tenure.fill_date_bounds()
    chart = span_chart([("Holder", "/h/", tenure)])
    assert chart["roles"] == []
    assert chart["shows"] == {"solid": True, "both": False, "left": False, "right": False, "confirmed": False}


def _event(number, type_id):
    day = D(2000 + number % 20, 1 + number % 12, 1)
    return {
        "lanes": [type_id],
        "date_start": day,
        "date_end": day,
        "sort_date": day,
        "slug": f"event-{number}",
        "title": f"Event {number}",
        "status": "published",
        "date": day.isoformat(),
    }


def test_the_rare_types_lane_names_the_types_it_holds_and_the_legend_lists_them():
    types = [SimpleNamespace(pk=n, slug=f"type-{n}", name=f"Type {n:02d}") for n in range(MAX_LANES + 3)]
    # Type n has n + 1 events, so the rarest are types 0 to 3.
    singles = [_event(n * 100 + k, n) for n in range(len(types)) for k in range(n + 1)]
    axis = event_axis([], singles, {t.pk: (t.slug, t.name) for t in types}, query=QueryDict())
    other = axis["lanes"][-1]
    assert len(axis["lanes"]) == MAX_LANES
    assert other["name"] == "Other types"
    assert other["holds"] == ["Type 00", "Type 01", "Type 02", "Type 03"]
    assert axis["other"] is other
    assert axis["shows"]["point"] and not axis["shows"]["range"] and not axis["shows"]["many"]
    # Every mark sits within the plot: from 0 to 100 per cent.
    for lane in axis["lanes"]:
        for mark in lane["marks"]:
            assert 0 <= mark["cx"] <= 100


@pytest.mark.django_db
def test_a_start_known_within_a_range_reads_as_one_date_on_the_office_and_faction_pages(client):
    tenure = TenureFactory(start_date="2016-08/2017-12", end_date="2022-01-05")
    membership = MembershipFactory(actor=tenure.actor, start_date="2016-08/2017-12", end_date="2022-01-05")
    for url in (
        f"/offices/{tenure.office.slug}/",
        membership.faction.get_absolute_url(),
        tenure.actor.get_absolute_url(),
    ):
        page = client.get(url).content.decode()
        assert "between Aug 2016 and Dec 2017" in page, url
        assert "Aug 2016 - Dec 2017" not in page, url
    office = client.get(f"/offices/{tenure.office.slug}/").content.decode()
    # On a phone the table is cards: each cell carries its column's name.
    assert 'data-label="From"' in office and 'data-label="To"' in office
