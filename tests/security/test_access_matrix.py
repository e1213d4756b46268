"""Every URL the project defines x every method x every role, checked against one table.

The walk comes from the URL resolver, so a new view joins the matrix by itself (or fails the
test until `sample_url` knows how to fill its parameters). Each request runs in a savepoint
that is rolled back, so the matrix starts from the same records every time; before the
rollback, the test reads whether the request wrote anything (history rows, tombstones).
Run with KZWATCH_PRINT_MATRIX=1 to print the observed statuses as a markdown table.
"""

import os
import re
from collections import defaultdict

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from core.models import Tombstone
from events.models import Source
from tests.factories import (
    ActorFactory,
    CitationFactory,
    EventFactory,
    FactionFactory,
    LeadFactory,
    MembershipFactory,
    OfficeFactory,
    ParticipationFactory,
    TenureFactory,
)

pytestmark = pytest.mark.django_db

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
ROLES = ["anonymous", "token-without-permissions", "curator", "editor", "superuser"]
DRAFT_TITLE = "Secret draft nobody outside may read"
LEAD_TITLE = "A lead only curators may read"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def sample_url(pattern, keys):
    """A concrete address for one URL pattern, its parameters filled with a record that exists."""
    route = re.sub(r"(^|/)\^", r"\1", pattern).replace("$", "")
    admin_model = re.match(r"admin/(\w+)/(\w+)/", route)
    if route == "admin/(?P<url>.*)":
        return "/admin/no-such-page/"
    if route.startswith("admin/r/"):
        return f"/admin/r/{keys['event_type']}/{keys['published']['pk']}/"
    if route.startswith("admin/(?P<app_label>"):
        return "/admin/events/"
    if route.startswith("api/v1/.*/"):
        return "/api/v1/no-such-endpoint/"
    if admin_model and any(part in route for part in ("<path:object_id>", "([^/]+)", "<id>", "<int:pk>")):
        model = apps.get_model(admin_model.group(1), admin_model.group(2))
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            return None  # nothing of this kind to change: the changelist and add page are walked
        for part in ("<path:object_id>", "<id>", "<int:pk>"):
            route = route.replace(part, str(obj.pk))
        if "history/([^/]+)/" in route:
            history = obj.history.order_by("pk").first()
            if history is None:
                return None  # a row made without history (a migration's): its history page is walked elsewhere
            route = route.replace("([^/]+)/history/([^/]+)/", f"{obj.pk}/history/{history.pk}/")
        return "/" + route
    if route.startswith("as-of/") and "(?P<kind>" in route:
        return f"/as-of/{keys['slugs']['as-of']}/factions/{keys['slugs']['factions']}/"  # a group on the board
    if route.startswith("reconcile"):
        route = route.replace("<str:entity>", keys["slugs"]["actors"])
    for kind, key in keys["slugs"].items():
        if route.startswith((f"{kind}/", f"api/v1/{kind}/")):
            route = re.sub(r"\(\?P<\w+>[^)]*\)|<\w+:\w+>", str(key), route)
    assert "<" not in route and "(" not in route, f"sample_url cannot fill {pattern}"
    return "/" + route


@pytest.fixture
def world(django_user_model, curator, settings):
    settings.PAGE_ANON_RATE = None  # each client asks for every page many times over
    published = EventFactory(slug="published-event", title="A published event", status="published")
    CitationFactory(event=published)
    actor = ActorFactory(slug="an-actor")
    ParticipationFactory(event=published, actor=actor)
    membership = MembershipFactory(actor=actor, faction=FactionFactory(slug="a-faction"))
    tenure = TenureFactory(actor=actor, office=OfficeFactory(slug="an-office"))
    draft = EventFactory(slug="secret-draft", title=DRAFT_TITLE)
    ParticipationFactory(event=draft, actor=actor)
    Tombstone.objects.create(kind="actor", key="gone", reason="deleted", public=True)
    lead = LeadFactory(title=LEAD_TITLE)
    source = Source.objects.order_by("pk").first()
    nobody = django_user_model.objects.create_user("nobody", password="nobody-pass-1234")
    superuser = django_user_model.objects.create_superuser("root", password="root-pass-1234")
    # The conftest's `editor` is the curator promoted; here they must be two people.
    editor = django_user_model.objects.create_user("editor", password="editor-pass-1234", is_staff=True)
    editor.user_permissions.set([*curator.user_permissions.all(), Permission.objects.get(codename="publish_event")])
    from django.contrib.contenttypes.models import ContentType

    keys = {
        "published": {"pk": published.pk},
        "event_type": ContentType.objects.get_for_model(published).pk,
        "slugs": {
            "events": "published-event",
            "actors": "an-actor",
            "factions": "a-faction",
            "offices": "an-office",
            "sources": source.pk,
            "memberships": membership.pk,
            "tenures": tenure.pk,
            "as-of": "2017-09-01",
            "network": "2017-09-01",
            "leads": lead.pk,
        },
    }
    clients = {"anonymous": Client(REMOTE_ADDR="10.9.0.1", raise_request_exception=False)}
    token = Token.objects.create(user=nobody)
    clients["token-without-permissions"] = Client(
        REMOTE_ADDR="10.9.0.2", HTTP_AUTHORIZATION=f"Token {token.key}", raise_request_exception=False
    )
    for role, user in (("curator", curator), ("editor", editor), ("superuser", superuser)):
        clients[role] = Client(REMOTE_ADDR="10.9.0.3", raise_request_exception=False)
        clients[role].force_login(user)
        clients[role].user = user
    return keys, clients


def writes_so_far():
    """Rows that any write leaves: history of every model, tombstones, admin log entries."""
    histories = [model for model in apps.get_models() if model.__name__.startswith("Historical")]
    counts = [model.objects.count() for model in histories]
    return sum(counts) + Tombstone.objects.count()


def kind_of(url):
    if url.startswith("/admin/"):
        return "admin login" if url in ("/admin/login/", "/admin/logout/") else "admin"
    if url.startswith("/api/v1/"):
        if re.match(r"/api/v1/(events|actors|factions|offices|sources)/$", url):
            return "API list"
        if re.match(r"/api/v1/(events|actors|factions|offices|sources)/[^/]+/$", url):
            return "API detail"
        return "API other"
    if url.startswith("/reconcile"):
        return "reconciliation"  # reads only, a batch of queries also by POST
    return "page/feed"


def body_for(url, method):
    if method in ("POST", "PUT", "PATCH") and url.startswith("/api/v1/"):
        return {"data": '{"title": "Written", "status": "published"}', "content_type": "application/json"}
    if method == "POST":
        return {"data": {"title": "Written", "status": "published"}}
    return {}


def expected(role, method, url, status, wrote):
    """The table: what each role may get. Returns a reason when the answer breaks a rule."""
    kind = kind_of(url)
    if status >= 500:
        return "a 5xx"
    privileged = role in ("curator", "editor", "superuser")
    if method in WRITE_METHODS and not privileged:
        if wrote:
            return "a write without permission"
        if kind in ("API list", "API detail") and status not in (401, 403, 405):
            return "an unsafe method not refused"
    if kind == "page/feed" and method in WRITE_METHODS and status != 405:
        return "a page answered a write with something other than 405"
    if kind == "reconciliation" and (wrote or (method in ("PUT", "PATCH", "DELETE") and status != 405)):
        return "the reconciliation service took a write"
    if kind == "admin" and not privileged and status < 300:
        return "admin answered without a login"
    if role == "curator" and wrote and url.startswith("/admin/auth/"):
        return "a curator changed users or groups"
    if role == "curator" and url == "/api/v1/events/published-event/" and method == "DELETE" and status < 300:
        return "a curator deleted a published event"
    if role in ("curator", "editor") and url.startswith(("/admin/auth/", "/admin/authtoken/")) and status < 300:
        return "a curator or editor reached user or token administration"
    return None


def methods_for(url, role):
    """Every method everywhere, but the admin's many pages take GET and POST from those who may enter."""
    if kind_of(url) == "admin" and role in ("curator", "editor", "superuser"):
        return ["GET", "POST"]
    return METHODS


def urls_by_pattern():
    """Every URL pattern the project defines, as the resolver walks them."""
    return sorted(set(walk(get_resolver().url_patterns)))


PATTERNS = urls_by_pattern()
if os.environ.get("KZWATCH_MATRIX_ONLY"):
    PATTERNS = [pattern for pattern in PATTERNS if re.search(os.environ["KZWATCH_MATRIX_ONLY"], pattern)]


def test_the_walk_reaches_every_part_of_the_site():
    patterns = urls_by_pattern()
    assert len(patterns) > 60, patterns  # admin, API, pages, feed, docs and schema at least
    for part in ("admin/", "api/v1/", "as-of/", "network/", "feeds/", "reconcile", "changes/"):
        assert any(pattern.lstrip("^").startswith(part) for pattern in patterns), part


# One test per address, every role and method in it, so that the suite's workers share the matrix.
@pytest.mark.parametrize("pattern", PATTERNS)
def test_access_matrix(world, pattern):
    keys, clients = world
    url = sample_url(pattern, keys)
    if url is None:
        # An admin page of one row, for a kind the world holds none of (or a row without history).
        assert pattern.lstrip("^").startswith("admin/"), pattern
        return
    problems, observed = [], defaultdict(set)
    for role, client in clients.items():
        for method in methods_for(url, role):
            response, wrote = ask(client, method, url)
            problems += broken_rules(role, method, url, response, wrote)
            observed[(kind_of(url), method, role)].add(response.status_code)
            if hasattr(client, "user") and kind_of(url) == "admin login":
                client.force_login(client.user)  # a POST to logout/ ended the session
    assert problems == []
    if os.environ.get("KZWATCH_PRINT_MATRIX"):
        print_matrix(observed)


def ask(client, method, url):
    """The answer to one request, and whether it wrote anything; rolled back either way."""
    with transaction.atomic():
        before = writes_so_far()
        response = client.generic(method, url, **body_for(url, method))
        wrote = writes_so_far() != before
        transaction.set_rollback(True)
    return response, wrote


def broken_rules(role, method, url, response, wrote):
    """What the answer shows that it must not, as sentences; empty when it keeps every rule."""
    if kind_of(url) == "admin" and role in ("anonymous", "token-without-permissions") and method == "GET":
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    reason = expected(role, method, url, response.status_code, wrote)
    problems = [f"{role} {method} {url}: {response.status_code} ({reason})"] if reason else []
    if role in ("anonymous", "token-without-permissions") and method == "GET":
        content = getattr(response, "content", b"")
        if DRAFT_TITLE.encode() in content or b"secret-draft" in content:
            problems.append(f"{role} GET {url}: shows the draft")
        if LEAD_TITLE.encode() in content:
            problems.append(f"{role} GET {url}: shows a lead")
        if url.startswith("/api/v1/leads/") and response.status_code not in (401, 403):
            problems.append(f"{role} GET {url}: {response.status_code}, not refused")
    return problems


PAGES = [
    "/",
    "/suggest/actors/?q=an",
    "/events/published-event/",
    "/actors/",
    "/actors/an-actor/",
    "/factions/a-faction/",
    "/offices/an-office/",
    "/as-of/",
    "/as-of/2017-09-01/",
    "/network/",
    "/network/2017-09-01/",
    "/changes/",
    "/feeds/events/",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_answer_writes_with_a_clean_405_and_reads_as_before(world, url):
    _, clients = world
    for role in ("anonymous", "superuser"):
        for method in sorted(WRITE_METHODS):
            response = clients[role].generic(method, url, **body_for(url, method))
            assert response.status_code == 405, (role, method)
            assert response["Allow"] == "GET, HEAD"
    assert clients["anonymous"].head(url).status_code in (200, 302)
    # A browser's POST without a CSRF token is refused by the CSRF check before the page is asked.
    assert Client(enforce_csrf_checks=True).post(url).status_code == 403


def test_draft_detail_is_a_404_to_readers_without_permission(world):
    _, clients = world
    for role in ("anonymous", "token-without-permissions"):
        for url in ("/events/secret-draft/", "/api/v1/events/secret-draft/"):
            assert clients[role].get(url).status_code == 404, (role, url)
    assert clients["curator"].get("/api/v1/events/secret-draft/").status_code == 200


def test_curators_write_but_only_editors_publish(world):
    _, clients = world
    body = {"title": "Drafted", "type": "arrest", "date": "2017", "status": "draft"}
    from tests.factories import EventTypeFactory

    EventTypeFactory(slug="arrest")
    assert clients["curator"].post("/api/v1/events/", body, content_type="application/json").status_code == 201
    publish = {**body, "title": "Published at once", "status": "published"}
    refused = clients["curator"].post("/api/v1/events/", publish, content_type="application/json")
    assert refused.status_code in (400, 403)
    token_user = Token.objects.get(user__username="nobody").user
    token_user.user_permissions.set(Permission.objects.none())
    no_perm = clients["token-without-permissions"].post("/api/v1/events/", body, content_type="application/json")
    assert no_perm.status_code == 403


def print_matrix(observed):
    kinds = sorted({kind for kind, _, _ in observed})
    print("\n| URLs | method | " + " | ".join(ROLES) + " |")
    print("|---|---|" + "---|" * len(ROLES))
    for kind in kinds:
        for method in METHODS:
            cells = [",".join(str(code) for code in sorted(observed[(kind, method, role)])) for role in ROLES]
            print(f"| {kind} | {method} | " + " | ".join(cells) + " |")
