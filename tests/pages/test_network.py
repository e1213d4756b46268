"""The network on a date: who is joined to what, the filters, the comparison, and places that stay put."""

import re

import pytest

from core import page_cache
from pages import network_layout
from pages.views import network
from tests.factories import (
    ActorFactory,
    CitationFactory,
    EventFactory,
    FactionFactory,
    MembershipFactory,
    OfficeFactory,
    OrganizationFactory,
    ParticipationFactory,
    SourceFactory,
    TenureFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


def edges(page):
    """The edges a page draws, as (from, to) node ids (either picture, wide or narrow)."""
    return set(re.findall(r'<line class="[^"]*" [^>]*data-from="([^"]+)" data-to="([^"]+)"', page))


def edge_classes(page, source, target):
    return re.findall(rf'<line class="([^"]*)" [^>]*data-from="{source}" data-to="{target}"', page)


def nodes(page):
    return set(re.findall(r'data-node="([^"]+)"', page))


def place(page, node):
    found = re.search(rf'data-node="{node}" data-x="([^"]+)" data-y="([^"]+)"', page)
    return found.groups()


def text(html):
    """What a reader reads of `html`: no tags, one space between words."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


@pytest.fixture
def cast():
    """Two people in a faction, one of them holding an office of an organisation, and a third
    who left office before the day."""
    clan = FactionFactory(slug="clan", name="The Clan")
    agency = OrganizationFactory(slug="agency", name="The Agency")
    chair = OfficeFactory(slug="chair", name="Chair of the Agency", organization=agency)
    other = OfficeFactory(slug="other-office", name="Minister of Something")
    boss, aide, former = (
        ActorFactory(slug=slug, name=name) for slug, name in (("boss", "Boss"), ("aide", "Aide"), ("former", "Former"))
    )
    MembershipFactory(actor=boss, faction=clan, role="leader", start_date="2010-01-01")
    MembershipFactory(actor=aide, faction=clan, start_date="2012-05-01", end_date="2019-01-01")
    TenureFactory(actor=aide, office=chair, start_date="2014-01-01", end_date="2020-06-01")
    TenureFactory(actor=former, office=other, start_date="2001-01-01", end_date="2009-12-31")
    TenureFactory(actor=boss, office=other, start_date="2010-02-01", end_date="2022-01-01")
    return {"clan": clan, "chair": chair, "boss": boss, "aide": aide, "former": former}


def test_the_network_joins_people_to_the_factions_and_offices_they_held_that_day(client, cast):
    page = get(client, "/network/2017-09-15/")

    assert edges(page) == {
        ("actor/boss", "faction/clan"),
        ("actor/aide", "faction/clan"),
        ("actor/aide", "office/chair"),
        ("actor/boss", "office/other-office"),
    }
    assert "actor/former" not in nodes(page)
    assert '<a class="node person" href="/actors/boss/"' in page
    assert 'href="/factions/clan/"' in page and 'href="/offices/chair/"' in page
    assert "leader, 1 Jan 2010 – no known end" in page


def test_the_bare_address_shows_the_last_day_the_record_knows(client, cast):
    page = get(client, "/network/")

    assert "The network on 1 Jan 2022" in page  # the latest end of a span
    assert ("actor/boss", "office/other-office") in edges(page)


def test_a_date_in_the_form_leads_to_that_days_address(client, cast):
    response = client.get("/network/?date=2017-09-15&together=1")

    assert response.status_code == 302
    assert response["Location"] == "/network/2017-09-15/?together=1"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("/network/2017-13-45/", "Not a day on the calendar"),
        ("/network/2017-09-15/?compare=2017-02-30", "Not a day on the calendar"),
        ("/network/?date=yesterday", "Not a day on the calendar"),
        ("/network/2017-09-15/?actor=nobody", "No one on record goes by “nobody”."),
        ("/network/2017-09-15/?faction=no-such-clan", "No faction on record has this slug."),
        ("/network/2017-09-15/?organization=no-such-body", "No organisation with offices on record"),
        ("/network/2017-09-15/?organization=boss", "No organisation with offices on record"),
        ("/network/2017-09-15/?depth=7&actor=boss", "Select a valid choice"),
    ],
)
def test_a_bad_date_or_an_unknown_slug_is_refused_with_the_form_and_the_reason(client, cast, url, reason):
    page = get(client, url, status=400)

    assert reason in page
    assert '<form class="filters network-form"' in page
    assert "<svg" not in page


def test_a_faction_filter_keeps_its_members_and_where_else_they_sat(client, cast):
    outsider = ActorFactory(slug="outsider")
    TenureFactory(actor=outsider, office=OfficeFactory(slug="far-office"), start_date="2015-01-01")

    page = get(client, "/network/2017-09-15/?faction=clan")

    assert nodes(page) == {"faction/clan", "actor/boss", "actor/aide", "office/chair", "office/other-office"}


def test_an_office_group_filter_keeps_the_organisations_offices_their_holders_and_where_else_they_sat(client, cast):
    page = get(client, "/network/2017-09-15/?organization=agency")

    assert nodes(page) == {"office/chair", "actor/aide", "faction/clan"}


def test_a_person_filter_reaches_one_or_two_steps(client, cast):
    one = get(client, "/network/2017-09-15/?actor=aide")
    two = get(client, "/network/2017-09-15/?actor=aide&depth=2")

    assert nodes(one) == {"actor/aide", "faction/clan", "office/chair"}
    assert nodes(two) == {"actor/aide", "faction/clan", "office/chair", "actor/boss"}


def test_a_person_linked_to_nothing_on_the_day_is_said_so(client, cast):
    page = get(client, "/network/2017-09-15/?actor=former")

    assert "Nothing on record links the chosen person to anyone on 15 Sep 2017." in page


def test_the_picture_draws_the_most_linked_and_says_how_many_more_there_are(client, cast, monkeypatch):
    monkeypatch.setattr(network, "MAX_NODES", 3)

    page = get(client, "/network/2017-09-15/")

    assert "Showing the 3 most linked of 5 people, factions and offices; filter to see the rest." in page
    wide = page.split('class="network network-wide"')[1].split("</svg>")[0]
    assert nodes(wide) == {"faction/clan", "actor/aide", "actor/boss"}


def test_compare_marks_what_differs_and_lists_it_under_the_picture(client, cast):
    newcomer = ActorFactory(slug="newcomer", name="Newcomer")
    TenureFactory(actor=newcomer, office=cast["chair"], start_date="2020-06-02")
    MembershipFactory(actor=cast["boss"], faction=FactionFactory(slug="rivals", name="Rivals"), start_date="2021-01-01")
    # The boss leaves the clan for the rivals.
    cast["boss"].memberships.filter(faction=cast["clan"]).update(end_date="2020-12-31", end_upper="2020-12-31")

    page = get(client, "/network/2021-06-01/?compare=2017-09-15")

    assert "new" in edge_classes(page, "actor/newcomer", "office/chair")[0].split()
    assert "gone" in edge_classes(page, "actor/aide", "office/chair")[0].split()
    changes = text(page.split('class="change-list network-changes"')[1].split("</ul>")[0])
    assert "Aide left office as Chair of the Agency (1 Jan 2014 – 1 Jun 2020)" in changes
    assert "Aide left The Clan (member) (1 May 2012 – 1 Jan 2019)" in changes
    assert "Boss moved from The Clan to Rivals (1 Jan 2021)" in changes
    assert "Newcomer took office as Chair of the Agency (from 2 Jun 2020)" in changes


def test_a_changed_role_is_marked_and_listed(client, cast):
    boss, clan = cast["boss"], cast["clan"]
    boss.memberships.update(end_date="2018-12-31", end_upper="2018-12-31", end_lower="2018-12-31")
    MembershipFactory(actor=boss, faction=clan, role="patron", start_date="2019-01-01")

    page = get(client, "/network/2019-06-01/?compare=2017-09-15")

    assert "changed" in edge_classes(page, "actor/boss", "faction/clan")[0].split()
    assert "Boss became patron of The Clan (was leader; from 1 Jan 2019)" in text(page)


def test_places_do_not_depend_on_the_date_or_the_filter(client, cast):
    on_one_day = get(client, "/network/2017-09-15/")
    on_another = get(client, "/network/2021-06-01/?compare=2017-09-15")
    filtered = get(client, "/network/2017-09-15/?actor=aide")

    assert place(on_one_day, "faction/clan") == place(on_another, "faction/clan") == place(filtered, "faction/clan")
    assert place(on_one_day, "actor/boss") == place(on_another, "actor/boss")
    assert place(on_one_day, "office/chair") == place(filtered, "office/chair")


def test_an_uncertain_span_is_dashed_with_its_reason(client, cast):
    TenureFactory(actor=ActorFactory(slug="maybe"), office=OfficeFactory(slug="vague"), start_date="2017-08/2017-10")

    page = get(client, "/network/2017-09-15/")

    assert "possibly" in edge_classes(page, "actor/maybe", "office/vague")[0].split()
    assert "possibly: began between Aug and Oct 2017" in page
    assert "possibly" not in edge_classes(page, "actor/aide", "office/chair")[0].split()


def test_an_open_span_past_its_latest_report_is_dotted_and_says_so(client, cast):
    tenure = TenureFactory(
        actor=ActorFactory(slug="silent"), office=OfficeFactory(slug="quiet"), start_date="2015-01-01"
    )
    CitationFactory(event=None, tenure=tenure, source=SourceFactory(published_date="2016-03-01"))

    page = get(client, "/network/2017-09-15/")

    assert "unconfirmed" in edge_classes(page, "actor/silent", "office/quiet")[0].split()
    assert "last confirmed 1 Mar 2016" in page


def test_shared_events_join_people_near_the_day_and_drafts_only_for_those_who_may_see_them(client, editor, cast):
    near = EventFactory(date="2017-03-01", published=True)
    far = EventFactory(date="2010-03-01", published=True)
    draft = EventFactory(date="2017-10-01")
    for event, people in ((near, ("boss", "aide")), (far, ("boss", "former")), (draft, ("aide", "former"))):
        for slug in people:
            ParticipationFactory(event=event, actor=cast[slug])

    anonymous = get(client, "/network/2017-09-15/?together=1")
    client.force_login(editor)
    for_editor = get(client, "/network/2017-09-15/?together=1")

    assert {pair for pair in edges(anonymous) if pair[1].startswith("actor/")} == {("actor/boss", "actor/aide")}
    assert len({pair for pair in edges(for_editor) if pair[1].startswith("actor/")}) == 2
    assert "1 shared event within a year of the day" in anonymous
    assert "actor/former" not in nodes(anonymous)


def test_names_are_escaped_in_the_picture(client):
    TenureFactory(
        actor=ActorFactory(slug="xss", name="<script>alert(1)</script>"),
        office=OfficeFactory(name='A "quoted" <b>office</b>'),
    )

    page = get(client, "/network/2017-09-15/")

    assert "<script>alert" not in page and "<b>office" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_layout_is_made_once_and_kept(client, cast, monkeypatch):
    made = []
    lay_out = network_layout.lay_out
    monkeypatch.setattr(network_layout, "lay_out", lambda: made.append(1) or lay_out())
    network_layout._kept.clear()

    first = get(client, "/network/2017-09-15/")
    network_layout._kept.clear()  # another process: reads the kept layout from the cache
    second = get(client, "/network/2017-09-15/")
    page_cache.changed()  # the record changed, but nobody new came
    third = get(client, "/network/2017-09-15/")

    assert made == [1]
    assert place(first, "actor/boss") == place(second, "actor/boss") == place(third, "actor/boss")


def test_a_newcomer_is_placed_near_their_neighbours_and_nobody_moves(client, cast):
    before = get(client, "/network/2017-09-15/?faction=clan")
    kept = dict(network_layout.positions())

    newcomer = ActorFactory(slug="newcomer")
    MembershipFactory(actor=newcomer, faction=cast["clan"], start_date="2017-01-01")
    after = get(client, "/network/2017-09-15/?faction=clan")
    placed = network_layout.positions()

    for node in ("actor/boss", "actor/aide", "faction/clan", "office/chair"):
        assert place(before, node) == place(after, node)
    assert {node: placed[node] for node in kept} == kept
    clan = placed["faction/clan"]
    assert abs(placed["actor/newcomer"][0] - clan[0]) <= network_layout.NEAR + 1e-6
    assert abs(placed["actor/newcomer"][1] - clan[1]) <= network_layout.NEAR + 1e-6
    assert "actor/newcomer" in nodes(after)


def test_past_its_bound_the_force_layout_takes_the_most_linked_and_places_the_rest_near_them(cast, monkeypatch):
    whole = network_layout.lay_out()
    monkeypatch.setattr(network_layout, "FORCED_NODES", 3)

    placed = network_layout.lay_out()

    # Every node has two links: the first three by id are laid out by force, and the rest placed
    # beside a neighbour (the former's office beside the boss, who holds it later, then the former).
    assert set(placed) == set(whole)
    core = network_layout.most_linked(network_layout.record_graph(), 3)
    assert set(core) == {"actor/aide", "actor/boss", "faction/clan"}
    for node, neighbour in (
        ("office/chair", "actor/aide"),
        ("office/other-office", "actor/boss"),
        ("actor/former", "office/other-office"),
    ):
        for axis in (0, 1):
            assert abs(placed[node][axis] - placed[neighbour][axis]) <= network_layout.NEAR + 1e-4, node


def test_the_layout_command_lays_out_the_whole_record(cast, capsys):
    from django.core.management import call_command

    call_command("layout_network")

    assert "Laid out 6 nodes" in capsys.readouterr().out
    assert set(network_layout.positions()) == {
        "actor/boss",
        "actor/aide",
        "actor/former",
        "faction/clan",
        "office/chair",
        "office/other-office",
    }


def test_the_layout_command_if_missing_keeps_a_kept_layout(cast, capsys, monkeypatch):
    from django.core.management import call_command

    call_command("layout_network", "--if-missing")
    assert "Laid out 6 nodes" in capsys.readouterr().out
    kept = dict(network_layout.positions())
    monkeypatch.setattr(network_layout, "lay_out", lambda: pytest.fail("a kept layout was made again"))
    call_command("layout_network", "--if-missing")
    assert "A layout is kept" in capsys.readouterr().out
    assert network_layout.positions() == kept


def test_the_actor_page_shows_their_neighbourhood_on_a_chosen_day(client, cast):
    default = get(client, "/actors/aide/")
    chosen = get(client, "/actors/aide/?network_on=2013-01-01")
    bad = get(client, "/actors/aide/?network_on=2013-02-30", status=400)

    assert "Linked on 1 Jun 2020" in default  # the last day of their spans
    assert nodes(default) == {"actor/aide", "office/chair"}
    assert nodes(chosen) == {"actor/aide", "faction/clan"}
    assert "Not a day on the calendar" in bad


def test_a_person_is_found_by_a_name_in_any_script(client, cast):
    by_name = get(client, "/network/2017-09-15/?actor=" + cast["aide"].name.split()[-1])
    assert "actor/aide" in nodes(by_name)
    ActorFactory(slug="aide-twin", name=cast["aide"].name)
    both = client.get("/network/2017-09-15/?actor=" + cast["aide"].name.split()[-1])
    assert both.status_code == 400
    assert "Several people answer to" in both.content.decode() and "(aide-twin)" in both.content.decode()


def test_the_actor_pages_neighbourhood_keeps_the_ties_among_those_they_met_and_no_one_further(client, cast):
    """The actor's page reads only the person, those they met and the ties among them: the
    picture is still the whole day's within one step of them."""
    third, fourth = ActorFactory(slug="third", name="Third"), ActorFactory(slug="fourth", name="Fourth")
    MembershipFactory(actor=third, faction=cast["clan"], start_date="2016-01-01")
    MembershipFactory(actor=fourth, faction=cast["clan"], start_date="2016-01-01")
    meetings = (("boss", "aide"), ("aide", "third"), ("boss", "third"), ("aide", "fourth"))
    people = {**cast, "third": third, "fourth": fourth}
    for pair in meetings:
        event = EventFactory(date="2017-03-01", published=True)
        for slug in pair:
            ParticipationFactory(event=event, actor=people[slug])

    page = get(client, "/actors/boss/?network_on=2017-09-15")

    assert nodes(page) == {"actor/boss", "actor/aide", "actor/third", "faction/clan", "office/other-office"}
    drawn = {tuple(sorted(pair)) for pair in edges(page)}
    assert ("actor/aide", "actor/third") in drawn  # two people the boss met, who met each other
    assert ("actor/third", "faction/clan") in drawn  # one they met, in the boss's faction
    assert not any("actor/fourth" in pair for pair in drawn)  # met only someone the boss met
