"""Every operation of our own OpenAPI schema, fuzzed by schemathesis as anonymous and with a token.

It passes when no request gets a server error and every answer matches the schema: its
status code, content type, headers and body.
"""

import pytest
import schemathesis
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.models import Tombstone
from events.models import Event
from kzwatch.wsgi import application
from tests.factories import (
    AliasFactory,
    CitationFactory,
    LeadFactory,
    MembershipFactory,
    OfficeFactory,
    OrganizationFactory,
    ParticipationFactory,
    TenureFactory,
)

# Loaded at import: the schemathesis pytest fixture loader does not work with pytest 9.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
schema.config.generation.update(modes=["positive", "negative"])

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
FUZZ = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture
def app_keeps_the_test_connection():
    """Requests run inside the test's transaction; Django must not close that connection between them."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def records(app_keeps_the_test_connection):
    """One of everything, so lists answer full rows for the checks to read; returns their keys."""
    citation = CitationFactory(event__slug="an-event")
    participation = ParticipationFactory(event=citation.event)
    AliasFactory(actor=participation.actor)
    membership = MembershipFactory()
    tenure = TenureFactory(office=OfficeFactory(organization=OrganizationFactory()))
    CitationFactory(event__status=Event.Status.DRAFT)
    Tombstone.objects.create(kind="event", key="gone", reason="deleted")
    lead = LeadFactory(suggested_type=citation.event.type, matched=["Actor"])
    lead.actors.add(participation.actor)
    return {
        "events": citation.event.slug,
        "actors": participation.actor.slug,
        "factions": membership.faction.slug,
        "offices": tenure.office.slug,
        "sources": citation.source.pk,
        "organization": tenure.office.organization.slug,
        "leads": lead.pk,
    }


def aim_at_records(case, records):
    """Point about half the detail addresses, and the references in bodies, at rows that exist.

    Random slugs almost never exist, so without this every write would stop at a 404 or at
    an unknown slug, and the update code behind them would go untested.
    """
    for name, value in case.path_parameters.items():
        resource = case.path.split("/")[3]
        if name in ("slug", "id") and resource in records and len(str(value)) % 2 == 0:
            case.path_parameters[name] = records[resource]
    body = case.body
    if not isinstance(body, dict):
        return
    references = {
        "type": "arrest",
        "date": "2017-08",
        "birth_date": "1965~",
        "published_date": "2019-03",
        "organization": records["organization"],
        "relayed_by": records["sources"],
        "parent": None,
    }
    for name, value in references.items():
        if isinstance(body.get(name), (str, int)) and not isinstance(body.get(name), bool):
            body[name] = value
    if isinstance(body.get("related"), list):
        body["related"] = []
    for row in body.get("participants") if isinstance(body.get("participants"), list) else []:
        if isinstance(row, dict) and isinstance(row.get("actor"), str):
            row["actor"], row["role"] = records["actors"], "subject"
    for row in body.get("citations") if isinstance(body.get("citations"), list) else []:
        if isinstance(row, dict) and isinstance(row.get("source"), int) and not isinstance(row.get("source"), bool):
            row["source"] = records["sources"]


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_api_answers_anonymous_clients_as_its_schema_says(case, records):
    cache.clear()  # the anonymous throttle would otherwise answer 429 to most of the run
    case.call_and_validate(checks=CHECKS)


@pytest.fixture
def token(django_user_model):
    """A token whose user holds every permission (no password: hashing one costs a third of a second)."""
    user = django_user_model.objects.create_user("fuzzer")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["actors", "events", "leads"]))
    return Token.objects.create(user=user)


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_api_answers_a_token_with_every_permission_as_its_schema_says(case, records, token):
    aim_at_records(case, records)
    case.call_and_validate(checks=CHECKS, headers={"Authorization": f"Token {token.key}"})
