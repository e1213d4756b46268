"""Refused requests and failed logins reach the `kzwatch.security` log: who (user name or
anonymous, and the address), what (method and path) and why."""

import logging

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

ADDRESS = "10.7.7.7"


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="kzwatch.security")

    def lines():
        return [record.getMessage() for record in caplog.records if record.name == "kzwatch.security"]

    return lines


def only_line(lines, *parts):
    """The one log line holding every part; fails naming what was logged instead."""
    found = [line for line in lines if all(part in line for part in parts)]
    assert len(found) == 1, (parts, lines)
    return found[0]


def test_an_anonymous_api_write_is_logged_with_address_and_reason(security_log):
    response = Client(REMOTE_ADDR=ADDRESS).post("/api/v1/events/", {}, content_type="application/json")
    assert response.status_code == 401
    only_line(
        security_log(),
        "Refused write",
        "POST /api/v1/events/",
        "anonymous",
        ADDRESS,
        "401",
        "Authentication credentials were not provided",
    )


def test_a_token_without_permission_writing_is_logged_with_its_user(security_log, django_user_model):
    reader = django_user_model.objects.create_user("reader")
    token = Token.objects.create(user=reader)
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.delete("/api/v1/events/no-such-event/")
    assert response.status_code == 403
    only_line(security_log(), "Refused write", "DELETE /api/v1/events/no-such-event/", "by reader", ADDRESS, "403")


def test_a_bad_token_is_logged_even_when_it_only_reads(security_log):
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/events/").status_code == 401
    line = only_line(security_log(), "Refused read", "GET /api/v1/events/", "anonymous", ADDRESS, "Invalid token")
    assert "not-a-real-token" not in line  # a key someone mistyped is still nobody's business


def test_an_admin_action_refused_for_want_of_permission_is_logged(security_log, django_user_model):
    triager = django_user_model.objects.create_user("triager", password="triager-pass-1234", is_staff=True)
    triager.user_permissions.set(Permission.objects.filter(codename__in=["view_lead", "change_lead"]))
    lead = LeadFactory()
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(triager)
    body = {"action": "make_draft_events", "_selected_action": [lead.pk]}
    response = client.post("/admin/leads/lead/?status=all", body)
    assert response.status_code == 403
    only_line(security_log(), "Refused write", "POST /admin/leads/lead/", "by triager", ADDRESS, "permission denied")


def test_a_curator_reaching_user_administration_is_logged(security_log, curator):
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(curator)
    assert client.post("/admin/auth/user/add/", {"username": "mine"}).status_code == 403
    only_line(security_log(), "Refused write", "POST /admin/auth/user/add/", "by curator", ADDRESS)


def test_a_post_without_its_csrf_token_is_logged_as_such(security_log):
    response = Client(REMOTE_ADDR=ADDRESS, enforce_csrf_checks=True).post("/admin/login/", {"username": "x"})
    assert response.status_code == 403
    only_line(security_log(), "Refused write", "POST /admin/login/", "anonymous", ADDRESS, "CSRF")


def test_a_bad_password_on_the_admin_login_is_logged(security_log, curator):
    client = Client(REMOTE_ADDR=ADDRESS)
    response = client.post("/admin/login/", {"username": "curator", "password": "wrong"})
    assert response.status_code == 200 and b"correct username and password" in response.content
    only_line(security_log(), "Failed login", "'curator'", ADDRESS, "POST /admin/login/", "bad user name or password")


def test_repeated_failed_logins_lock_out_and_the_lockout_is_logged(security_log, curator, settings):
    client = Client(REMOTE_ADDR=ADDRESS)
    answers = [
        client.post("/admin/login/", {"username": "curator", "password": "wrong"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT + 1)
    ]
    assert answers[-1] == 429
    assert any(
        all(part in line for part in ("Locked out", "'curator'", ADDRESS, "POST /admin/login/"))
        for line in security_log()
    ), security_log()
    # Once locked out, even the right password is refused, and that try is logged as such.
    assert client.post("/admin/login/", {"username": "curator", "password": "curator-pass-1234"}).status_code == 429
    assert "Failed login for 'curator'" in security_log()[-1] and "locked out" in security_log()[-1]
