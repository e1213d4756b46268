"""With the database unreachable, pages and the API answer 503 with a plain message, and serve
again, without a restart, as soon as it is back."""

import logging

import pytest
from django.db import connection

from tests.api.clients import anonymous_client
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)

URLS = ["/", "/events/reachable/", "/api/v1/events/", "/api/v1/events/reachable/", "/feeds/events/"]


@pytest.fixture
def unreachable_database(monkeypatch):
    """Point the open connection at nothing: a closed port, or an SQLite file no one can open."""

    # The test database in SQLite lives in memory and close() keeps it; set it aside instead.
    kept = {}

    def cut():
        if connection.vendor == "postgresql":
            connection.close()
            monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
            monkeypatch.setitem(connection.settings_dict, "PORT", "1")
        else:
            kept["connection"] = connection.connection
            connection.connection = None
            monkeypatch.setitem(connection.settings_dict, "NAME", "/nonexistent-directory/kzwatch.sqlite3")

    def restore():
        monkeypatch.undo()
        if connection.vendor == "postgresql":
            connection.close()
        else:
            connection.connection = kept["connection"]

    return cut, restore


def test_an_unreachable_database_gets_503s_with_a_plain_message_then_service_resumes(
    unreachable_database, admin_client, caplog
):
    EventFactory(slug="reachable", title="Reachable again", published=True)
    cut, restore = unreachable_database
    client = anonymous_client()
    cut()
    assert admin_client.get("/admin/").status_code == 503  # the session lives in the database
    with caplog.at_level(logging.ERROR, logger="kzwatch.security"):
        for url in URLS:
            response = client.get(url)
            assert response.status_code == 503, (url, response.status_code)
            assert response["Retry-After"] == "30"
            body = response.content.decode()
            assert "Traceback" not in body and "settings" not in body.lower()
            if url.startswith("/api/"):
                assert "unreachable" in response.json()["detail"]
            else:
                assert response["Content-Type"].startswith("text/plain") and "unreachable" in body
        response = client.post("/api/v1/events/", {"title": "x"}, format="json")
        assert response.status_code in (401, 503)
    assert any("Database unreachable" in record.getMessage() for record in caplog.records)
    restore()
    assert client.get("/api/v1/events/reachable/").json()["title"] == "Reachable again"
    assert b"Reachable again" in client.get("/").content
    assert admin_client.get("/admin/").status_code == 200
