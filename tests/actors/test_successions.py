"""A new holder of a one-seat office ends the open tenure, in the admin and the API."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from actors.models import Tenure
from tests.factories import ActorFactory, OfficeFactory, TenureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def presidency():
    office = OfficeFactory(slug="president", name="President of Kazakhstan", seats=1)
    nazarbayev = ActorFactory(slug="nursultan-nazarbayev", name="Nursultan Nazarbayev")
    return office, TenureFactory(office=office, actor=nazarbayev, start_date="1991-12-16")


def test_a_successor_added_in_the_admin_closes_the_open_tenure(client, curator, presidency):
    office, previous = presidency
    tokayev = ActorFactory(slug="kassym-jomart-tokayev", name="Kassym-Jomart Tokayev")
    client.force_login(curator)
    response = client.post(
        "/admin/actors/tenure/add/",
        {"actor": tokayev.pk, "office": office.pk, "start_date": "2019-03-20", "end_date": "", "note": ""},
        follow=True,
    )
    assert response.status_code == 200
    previous.refresh_from_db()
    assert previous.end_date == "2019-03-20"
    assert previous.history.first().history_user == curator
    assert Tenure.objects.get(actor=tokayev).predecessor.slug == "nursultan-nazarbayev"
    assert "Ended Nursultan Nazarbayev&#x27;s tenure as President of Kazakhstan" in response.content.decode()
    assert Tenure.objects.filter(office=office, end_date="").count() == 1


def test_a_successor_created_through_the_api_closes_the_open_tenure(curator, presidency):
    _, previous = presidency
    ActorFactory(slug="kassym-jomart-tokayev")
    api = APIClient()
    api.force_authenticate(curator)
    response = api.post(
        "/api/v1/tenures/",
        {"actor": "kassym-jomart-tokayev", "office": "president", "start_date": "2019-03-20"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["closed"], body["predecessor"]) == ([previous.pk], "nursultan-nazarbayev")
    current = api.get("/api/v1/tenures/?office=president&at=2020-01-01").json()["results"]
    assert [tenure["actor"] for tenure in current] == ["kassym-jomart-tokayev"]


def test_a_board_seat_closes_nothing(curator):
    board = OfficeFactory(slug="board", seats=11)
    first = TenureFactory(office=board, start_date="2015")
    api = APIClient()
    api.force_authenticate(curator)
    response = api.post(
        "/api/v1/tenures/", {"actor": ActorFactory().slug, "office": "board", "start_date": "2016"}, format="json"
    )
    assert (response.status_code, response.json()["closed"]) == (201, [])
    first.refresh_from_db()
    assert first.end_date == ""


def test_two_certain_holders_of_one_seat_cannot_overlap_but_uncertain_ones_may(presidency):
    office, _ = presidency
    TenureFactory(office=office, start_date="2000", end_date="2005")
    with pytest.raises(ValidationError, match="one seat"):
        Tenure(actor=ActorFactory(), office=office, start_date="2003", end_date="2008").full_clean()
    Tenure(actor=ActorFactory(), office=office, start_date="2003~", end_date="2008").full_clean()
    Tenure(actor=ActorFactory(), office=office, start_date="2005", end_date="2008").full_clean()  # handover year


def test_anonymous_readers_cannot_write_tenures(presidency):
    response = APIClient().post("/api/v1/tenures/", {"actor": "nursultan-nazarbayev", "office": "president"})
    assert response.status_code in (401, 403)


def test_a_second_holder_from_the_sitting_holders_own_day_is_refused_in_the_api(curator, presidency):
    office, sitting = presidency
    ActorFactory(slug="rival")
    api = APIClient()
    api.force_authenticate(curator)
    response = api.post(
        "/api/v1/tenures/", {"actor": "rival", "office": "president", "start_date": "1991-12-16"}, format="json"
    )
    assert response.status_code == 400
    assert "Nursultan Nazarbayev has held it since 16 Dec 1991" in str(response.json()), response.json()
    sitting.refresh_from_db()
    assert (Tenure.objects.filter(office=office).count(), sitting.end_date) == (1, "")


def test_a_second_holder_from_the_sitting_holders_own_day_is_a_form_error_in_the_admin(client, curator, presidency):
    office, _sitting = presidency
    rival = ActorFactory(slug="rival")
    client.force_login(curator)
    response = client.post(
        "/admin/actors/tenure/add/",
        {"actor": rival.pk, "office": office.pk, "start_date": "1991-12-16", "end_date": "", "note": ""},
    )
    assert response.status_code == 200
    assert "Nursultan Nazarbayev has held it since" in response.content.decode()
    assert Tenure.objects.filter(office=office).count() == 1


def test_a_past_holder_whose_tenure_runs_into_the_sitting_holders_is_refused(presidency):
    office, _sitting = presidency
    past = Tenure(office=office, actor=ActorFactory(), start_date="1990-04-24", end_date="1992")
    with pytest.raises(ValidationError, match="Nursultan Nazarbayev has held it since"):
        past.full_clean()
    before = Tenure(office=office, actor=ActorFactory(), start_date="1990-04-24", end_date="1991-12-16")
    before.full_clean()  # a handover on the day is no overlap
