"""The board read `?known=` before a correction through the API is the board as it was saved then."""

import pytest
from django.test import Client
from django.utils import timezone

from actors.models import Tenure
from tests.api.clients import token_client
from tests.pages.test_known import board_text, moment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


@pytest.mark.usefixtures("record")
def test_the_board_known_before_a_correction_is_the_board_saved_then(curator):
    client = Client()
    saved = board_text(client.get("/as-of/2017-09-15/").content.decode())
    assert "Karim Massimov" in saved
    before = moment()
    tenure = Tenure.objects.get(actor__slug="karim-massimov", office__slug="chairman-of-the-knb")
    answer = token_client(curator).patch(f"/api/v1/tenures/{tenure.pk}/", {"start_date": "2017-10"}, format="json")
    assert answer.status_code == 200, answer.content

    today = client.get("/as-of/2017-09-15/").content.decode()
    then = client.get("/as-of/2017-09-15/", {"known": before})
    assert then.status_code == 200
    assert board_text(then.content.decode()) == saved
    assert board_text(today) != saved
    assert "The record as it stood on" in then.content.decode()
    assert 'href="/as-of/2017-09-15/"' in then.content.decode(), "the banner links to today's board"
    assert "The record as it stood on" not in today


@pytest.mark.usefixtures("record")
def test_just_after_the_load_the_record_as_it_stood_is_the_record():
    """A span saved before the event that began it is loaded gets its cause at the end of the
    load; the load's history row has it too."""
    from actors.models import Membership
    from core.history import as_known

    for model in (Tenure, Membership):
        live = set(model.objects.values_list("id", "started_by_id", "ended_by_id", "start_date", "end_date"))
        known = as_known(model, timezone.now())
        assert set(known.values_list("id", "started_by_id", "ended_by_id", "start_date", "end_date")) == live
    assert any(started for _, started, *_ in Tenure.objects.values_list("id", "started_by_id"))
    board = Client().get("/as-of/2017-09-15/").content.decode()
    assert board_text(Client().get("/as-of/2017-09-15/", {"known": moment()}).content.decode()) == board_text(board)
