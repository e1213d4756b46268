"""A curator enters a detention in the admin, an editor publishes it, and readers see it, in Chromium."""

import importlib

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from actors.models import Office, Tenure
from tests.factories import ActorFactory, EventTypeFactory, OfficeFactory, ParticipantRoleFactory, TenureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-42"
GROUPS = importlib.import_module("events.migrations.0008_curator_and_editor_groups").GROUPS
GROUPS = {
    **GROUPS,
    "Editor": GROUPS["Editor"]
    + importlib.import_module("events.migrations.0012_editor_views_what_it_publishes").EDITOR_VIEWS,
}


def member_of(django_user_model, username, group_name):
    """A staff user in one of the groups the migration makes (made again here: a transactional
    test's database is flushed between tests, and the migration's rows with it)."""
    group, _ = Group.objects.get_or_create(name=group_name)
    group.permissions.set(
        Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in GROUPS[group_name]
    )
    user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(group)
    return user


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(username)


def console_error(message):
    """An error the page's own code logged; the browser's own fetch of /favicon.ico (none served) aside."""
    return message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")


def choose(page, container, search, option):
    """Pick `option` in the autocomplete (select2) widget inside `container`."""
    page.locator(f"{container} .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).first.click()


def test_curator_enters_a_detention_that_an_editor_publishes_and_readers_find(
    live_server, page, django_user_model, tmp_path
):
    EventTypeFactory(slug="detention")
    ParticipantRoleFactory(slug="detained")
    massimov = ActorFactory(slug="karim-massimov", name="Karim Massimov")
    office = OfficeFactory(slug="knb-chairman", name="Chairman of the National Security Committee", seats=1)
    TenureFactory(actor=massimov, office=office, start_date="2015-09-08")
    member_of(django_user_model, "curator", "Curator")
    member_of(django_user_model, "editor", "Editor")
    errors = []
    page.on("console", lambda message: console_error(message) and errors.append(f"{page.url}: {message.text}"))
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))

    # The curator enters the detention, a new source from the "+" pop-up, and a quote.
    log_in(page, live_server, "curator")
    page.goto(live_server.url + "/admin/events/event/add/")
    page.locator("#id_title").press_sequentially("Massimov detained")
    expect(page.locator("#id_slug")).to_have_value("massimov-detained")
    page.select_option("#id_type", label="Detention")
    page.fill("#id_date", "2022-01-06")
    choose(page, "#participations-0 .field-actor", "Massimov", "Karim Massimov")
    choose(page, "#participations-0 .field-role", "detained", "Detained")
    with page.expect_popup() as popup_info:
        page.click("#add_id_citations-0-source")
    popup = popup_info.value
    popup.fill("#id_title", "Former KNB chief Massimov detained")
    popup.fill("#id_publisher", "Example Wire")
    popup.fill("#id_url", "https://example.org/massimov-detained")
    popup.screenshot(path=tmp_path / "1-source-popup.png")
    popup.click("input[name=_save]")
    expect(page.locator("#citations-0 .field-source .select2-selection")).to_contain_text("Massimov detained")
    page.fill("#id_citations-0-quote", "Karim Massimov was detained on suspicion of high treason")
    # A draft changes nothing readers see: asking it to end his office is refused, and says why.
    page.check("#id_end_open_spans")
    page.screenshot(path=tmp_path / "2-curator-event-form.png", full_page=True)
    page.click("input[name=_save]")
    expect(page.locator(".errorlist")).to_contain_text("A draft changes nothing readers see")
    page.uncheck("#id_end_open_spans")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    page.screenshot(path=tmp_path / "3-saved-draft.png", full_page=True)

    # Nobody outside sees the draft yet.
    page.context.clear_cookies()
    assert page.request.get(live_server.url + "/api/v1/events/massimov-detained/").status == 404

    # The editor publishes it.
    log_in(page, live_server, "editor")
    page.goto(live_server.url + "/admin/events/event/")
    page.get_by_role("link", name="Massimov detained", exact=True).click()
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.screenshot(path=tmp_path / "4-published.png", full_page=True)

    # Published, the detention may end his office: the curator, who may change tenures, asks.
    log_in(page, live_server, "curator")
    page.goto(live_server.url + "/admin/events/event/")
    page.get_by_role("link", name="Massimov detained", exact=True).click()
    page.check("#id_end_open_spans")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("ended")
    assert errors == []

    # Readers find it in the API, on the timeline and on its page; the office shows the end.
    page.context.clear_cookies()
    event = page.request.get(live_server.url + "/api/v1/events/massimov-detained/").json()
    assert (event["status"], event["type"], event["date"]) == ("published", "detention", "2022-01-06")
    assert [(p["actor"], p["role"]) for p in event["participants"]] == [("karim-massimov", "detained")]
    assert event["citations"][0]["quote"] == "Karim Massimov was detained on suspicion of high treason"
    tenures = page.request.get(live_server.url + "/api/v1/tenures/?office=knb-chairman").json()["results"]
    assert [(t["actor"], t["end_date"], t["ended_by"]) for t in tenures] == [
        ("karim-massimov", "2022-01-06", "massimov-detained")
    ]
    office_json = page.request.get(live_server.url + "/api/v1/offices/knb-chairman/").json()
    assert office_json["tenures"][0]["end_date"] == "2022-01-06"
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Massimov detained", exact=True).click()
    expect(page.get_by_role("heading", name="Massimov detained")).to_be_visible()
    expect(page.get_by_text("detained on suspicion of high treason")).to_be_visible()
    page.screenshot(path=tmp_path / "5-public-page.png", full_page=True)
    # The board compared across the detention names him leaving the office, and why.
    page.goto(live_server.url + "/as-of/2022-01-07/?compare=2022-01-05")
    changes = page.locator("section", has_text="What changed")
    expect(changes).to_contain_text("Karim Massimov")
    expect(changes).to_contain_text("Massimov detained")
    page.screenshot(path=tmp_path / "6-board.png", full_page=True)
    assert Tenure.objects.get(office=Office.objects.get(slug="knb-chairman")).ended_by.slug == "massimov-detained"


def test_the_retraction_reason_shows_only_while_the_menu_says_retracted(live_server, page, django_user_model):
    from tests.factories import CitationFactory

    event = CitationFactory(event__title="Bishimbayev arrested", event__status="published").event
    member_of(django_user_model, "curator", "Curator")
    editor = member_of(django_user_model, "editor", "Curator")
    editor.groups.add(member_of(django_user_model, "publisher", "Editor").groups.get())
    errors = []
    page.on("console", lambda message: console_error(message) and errors.append(f"{page.url}: {message.text}"))
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    reason = page.locator(".form-row.field-retraction_reason")

    # A curator may not retract: the menu holds only the status the event has, and no reason field.
    log_in(page, live_server, "curator")
    page.goto(live_server.url + f"/admin/events/event/{event.pk}/change/")
    expect(page.locator("#id_status option")).to_have_text(["Published"])
    expect(reason).to_have_count(0)

    # An editor may: the reason appears when the menu switches to Retracted, and goes again.
    log_in(page, live_server, "editor")
    page.goto(live_server.url + f"/admin/events/event/{event.pk}/change/")
    expect(page.locator("#id_status option")).to_have_text(["Draft", "Published", "Retracted"])
    expect(reason).to_be_hidden()
    page.select_option("#id_status", "retracted")
    expect(reason).to_be_visible()
    page.select_option("#id_status", "draft")
    expect(reason).to_be_hidden()
    page.select_option("#id_status", "retracted")
    page.fill("#id_retraction_reason", "The informant withdrew the claim.")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.goto(live_server.url + f"/admin/events/event/{event.pk}/change/")
    expect(reason).to_be_visible()
    expect(page.locator("#id_retraction_reason")).to_have_value("The informant withdrew the claim.")

    # The add form has no reason and no Retracted.
    page.goto(live_server.url + "/admin/events/event/add/")
    expect(page.locator("#id_status option")).to_have_text(["Draft", "Published"])
    expect(reason).to_have_count(0)
    assert errors == []
