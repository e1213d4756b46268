"""Every door of the admin x every role, with POST bodies that would change something.

`test_access_matrix` walks every URL with every method; this walks the admin's side doors as
well as its front ones: for each model, its add and change forms, the history form (a revert),
the delete confirmation, every action of its changelist, and the views an admin adds of its own
(a lead's convert and dismiss, the events' import). Bodies are the forms as a superuser sees
them, filled with a record's own values and one text changed, so a door that lets a role
through writes for real.

The roles are the groups the migrations make. Three rules, checked after each request:
- a door that needs permissions (add, change, a revert, delete, an action's own list) writes
  nothing for a role without all of them;
- every history row written is of a kind the role may write (add, change or delete that model)
  and names the user;
- nothing answers 5xx.
A superuser's change, revert and delete must write, or the bodies prove nothing.
Run with KZWATCH_PRINT_MATRIX=1 to print each door's statuses by role.
"""

import hashlib
import os
import re
from collections import defaultdict

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models, transaction
from django.test import Client
from django.urls import get_resolver

from core.models import Tombstone
from tests.factories import (
    ActorFactory,
    AliasFactory,
    CitationFactory,
    EventFactory,
    EventTypeFactory,
    FactionFactory,
    FeedFactory,
    IdentifierFactory,
    LeadFactory,
    MembershipFactory,
    OfficeFactory,
    ParticipantRoleFactory,
    ParticipationFactory,
    TenureFactory,
)
from tests.security.test_access_matrix import walk

pytestmark = pytest.mark.django_db

ROLES = {
    "staff-without-groups": (),
    "curator": ("Curator",),
    "editor": ("Editor",),
    "curator+editor": ("Curator", "Editor"),
}
PROJECT_APPS = ("core", "actors", "events", "leads")
CHANGED = " (changed through a side door)"
TEXT_FIELDS = ("summary", "note", "title", "name", "quote", "locator", "publisher", "dismiss_reason")
HISTORY_VERBS = {"+": "add", "~": "change", "-": "delete"}
REVERT_PERMISSION = "events.publish_event"


@pytest.fixture
def records(django_user_model, staff_in_groups):
    EventTypeFactory(slug="announcement")
    ParticipantRoleFactory(slug="subject")
    holder = ActorFactory(slug="a-holder", name="A Holder")
    twin = ActorFactory(slug="a-holder-2", name="A. Holder")
    AliasFactory(actor=holder)
    IdentifierFactory(actor=holder)
    published = EventFactory(slug="published-event", title="A published event", status="published")
    CitationFactory(event=published)
    ParticipationFactory(event=published, actor=holder)
    dismissal = EventFactory(
        slug="a-dismissal", type=EventTypeFactory(slug="dismissal"), date="2022-01-05", status="published"
    )
    CitationFactory(event=dismissal)
    ParticipationFactory(event=dismissal, actor=holder, role=ParticipantRoleFactory(slug="dismissed"))
    EventFactory(slug="a-draft")
    MembershipFactory(actor=holder, faction=FactionFactory(slug="a-faction"))
    TenureFactory(actor=holder, office=OfficeFactory(slug="an-office", seats=1), start_date="2019-02-25")
    TenureFactory(actor=twin)
    lead = LeadFactory(title="A lead", feed=FeedFactory(name="A feed"))
    lead.actors.set([holder])
    Tombstone.objects.create(kind="actor", key="gone", reason="deleted", public=True)
    clients = {}
    for role, groups in ROLES.items():
        clients[role] = login(staff_in_groups(role, *groups))
    clients["superuser"] = login(django_user_model.objects.create_superuser("root", password="root-pass-1234"))
    return clients


def login(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    client.user = user
    return client


def admin_models():
    """Each model with a page in the admin, from the URL resolver (what a visitor can reach)."""
    found = []
    for route in walk(get_resolver().url_patterns):
        match = re.match(r"\^?admin/\^?(\w+)/\^?(\w+)/", route)
        if not match:
            continue
        try:
            model = apps.get_model(match.group(1), match.group(2))
        except LookupError:  # "admin/password_change/" and the like name no model
            continue
        if model not in found:
            found.append(model)
    return found


def own_urls(model_admin):
    """The admin's own views beyond Django's and django-simple-history's, e.g. "<int:pk>/convert/"."""
    standard = {"", "add/", "<path:object_id>/history/", "<path:object_id>/delete/", "<path:object_id>/change/"}
    standard |= {"<path:object_id>/", "<path:object_id>/history/<str:version_id>/"}
    patterns = [str(pattern.pattern) for pattern in model_admin.get_urls()]
    return [pattern for pattern in patterns if pattern not in standard and "history" not in pattern]


def form_values(form, data):
    for name in form.fields:
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None or value is False:
            continue
        if value is True:
            data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        else:
            data[key] = str(value)


def page_form(client, url):
    """The form of an admin page as its user sees it, filled with the values it shows."""
    response = client.get(url)
    assert response.status_code == 200, url
    form = response.context["adminform"].form
    data = {}
    form_values(form, data)
    for inline in response.context.get("inline_admin_formsets") or []:
        form_values(inline.formset.management_form, data)
        for each in inline.formset.forms:
            form_values(each, data)
    return form, data


def changed(form, data, *, unique_too=False):
    """`data` with one text changed (and, for an add, every unique text made new)."""
    data = dict(data)
    for name in TEXT_FIELDS:
        if name in form.fields and name in data:
            data[name] = data[name] + CHANGED
            break
    if unique_too:
        for field in form._meta.model._meta.fields:
            if field.unique and isinstance(field, models.CharField) and field.name in data:
                data[field.name] = data[field.name][:60] + "-side-door"
    return data


def doors(superuser):
    """(what, url, body, permissions needed or None, whether a superuser's request must write)."""
    for model in admin_models():
        model_admin = admin.site.get_model_admin(model)
        meta = model._meta
        # The framework's own models (users, login attempts) are walked for the rules; the proof
        # that a body changes something is asked of ours.
        ours = meta.app_label in PROJECT_APPS
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        needs = {verb: f"{meta.app_label}.{verb}_{meta.model_name}" for verb in ("add", "change", "delete")}
        obj = model._default_manager.order_by("pk").first()
        request = superuser.get(base).wsgi_request
        actions = model_admin.get_actions(request) if obj is not None else {}
        for name, (function, _, _) in actions.items():
            permissions = [
                permission if "." in permission else needs.get(permission, permission)
                for permission in getattr(function, "required_permissions", None)
                or getattr(function, "allowed_permissions", ())
            ]
            selected = list(model._default_manager.order_by("pk").values_list("pk", flat=True)[:3])
            body = {"action": name, "_selected_action": selected, "index": "0", "post": "yes"}
            yield f"{meta.label} action {name}", base, body, permissions, False
        if obj is None or not model_admin.has_change_permission(request, obj):
            continue
        form, data = page_form(superuser, f"{base}{obj.pk}/change/")
        # A form with no text to change (a lead's fields are all read-only) saves nothing: a write
        # that changes nothing writes nothing, so there is no write to prove.
        editable = ours and any(name in form.fields for name in TEXT_FIELDS)
        yield f"{meta.label} change", f"{base}{obj.pk}/change/", changed(form, data), [needs["change"]], editable
        if model_admin.has_add_permission(request):
            _, blank = page_form(superuser, f"{base}add/")
            body = {**blank, **changed(form, data, unique_too=True)}
            body = {key: value for key, value in body.items() if not key.endswith("opened_version")}
            yield f"{meta.label} add", f"{base}add/", body, [needs["add"]], False
        if hasattr(obj, "history") and obj.history.exists():
            version = obj.history.order_by("history_date").first()
            url = f"{base}{obj.pk}/history/{version.history_id}/"
            form, data = page_form(superuser, url)
            yield f"{meta.label} revert", url, changed(form, data), [needs["change"], REVERT_PERMISSION], editable
        deletable = next(
            (
                row
                for row in model._default_manager.order_by("pk")
                if model_admin.has_delete_permission(request, row)
                and not model_admin.get_deleted_objects([row], request)[3]  # nothing protects it
            ),
            None,
        )
        if deletable is not None:
            body = {"post": "yes"}
            yield f"{meta.label} delete", f"{base}{deletable.pk}/delete/", body, [needs["delete"]], ours
        for pattern in own_urls(model_admin):
            url = base + re.sub(r"<\w+:\w+>|<\w+>", str(obj.pk), pattern)
            yield f"{meta.label} {pattern}", url, {"reason": "A namesake" + CHANGED}, None, False


def fingerprint():
    """A digest of every row of the project's models, history and tombstones included, and of users."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        if model._meta.app_label in (*PROJECT_APPS, "auth", "authtoken"):
            rows = model._default_manager.order_by("pk").values_list()
            digest.update(repr((model._meta.label, list(rows))).encode())
    return digest.hexdigest()


def history_marks():
    return {
        model: model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0
        for model in apps.get_models()
        if any(field.name == "history_type" for field in model._meta.fields)
    }


def written_history(marks):
    """The history rows written since `marks`: (model of the record, verb, user id)."""
    for model, mark in marks.items():
        for verb, user in model._default_manager.filter(pk__gt=mark).values_list("history_type", "history_user"):
            yield model.instance_type, HISTORY_VERBS[verb], user


# One test per role, so that the suite's workers share the doors.
@pytest.mark.parametrize("role", [*ROLES, "superuser"])
def test_every_admin_door_lets_each_role_do_only_what_it_may(records, role):
    superuser = records["superuser"]
    records = {role: records[role]}
    found = list(doors(superuser))
    kinds = {what.split(" ", 1)[1].split(" ")[0] for what in (door[0] for door in found)}
    assert {"change", "add", "revert", "delete", "action"} <= kinds, kinds
    problems, observed = [], defaultdict(dict)
    for what, url, body, needs, superuser_writes in found:
        for role, client in records.items():
            with transaction.atomic():
                before, marks = fingerprint(), history_marks()
                response = client.post(url, body)
                wrote = fingerprint() != before
                history = list(written_history(marks))
                transaction.set_rollback(True)
            user = client.user
            observed[what][role] = f"{response.status_code}{' wrote' if wrote else ''}"
            if response.status_code >= 500:
                problems.append(f"{role} {what}: {response.status_code}")
            if wrote and needs is not None and not user.has_perms(needs):
                problems.append(f"{role} {what}: wrote without {needs}")
            for model, verb, user_id in history:
                permission = f"{model._meta.app_label}.{verb}_{model._meta.model_name}"
                if not user.has_perm(permission):
                    problems.append(f"{role} {what}: a {verb} of {model._meta.label} without {permission}")
                if user_id != user.pk:
                    problems.append(f"{role} {what}: a history row of {model._meta.label} names user {user_id}")
            if role == "superuser" and superuser_writes and not wrote:
                problems.append(f"superuser {what}: wrote nothing ({response.status_code}), so the body proves nothing")
    assert problems == [], "\n".join(problems)
    assert len(found) > 60
    if os.environ.get("KZWATCH_PRINT_MATRIX"):
        roles = list(records)
        print(f"\n{len(found)} doors x {len(roles)} roles = {len(found) * len(roles)} requests")
        print("| door | " + " | ".join(roles) + " |")
        print("|---|" + "---|" * len(roles))
        for what, cells in observed.items():
            print(f"| {what} | " + " | ".join(cells[role] for role in roles) + " |")
