"""The reconciliation service over HTTP, at /reconcile (`exchange/reconcile.py` does the matching).

As the W3C group's API (0.2) has it: GET with no parameters answers the manifest; `queries=`
(a GET parameter, or a POST form as OpenRefine sends it) a batch of queries; `extend=` a data
extension. Suggest, the property proposals, a preview card and a view address per entity have
addresses of their own. Every answer carries CORS headers, since the clients run in browsers.
Readers not signed in are throttled and served from the readers' cache as on every page.
Only actors, factions and offices are read, never an event, so no draft can show.
"""

import json

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from actors.models import Actor, Faction, Office, Tenure
from core import page_cache
from core.dates import display

from . import reconcile

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "86400",
}
# The preview card may be framed by any client; nothing else of the site may be.
PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *"
PREVIEW_LINES = 6
SUGGEST_LIMIT = 10


def cors(view):
    """Answer a CORS preflight, and put the CORS headers on every answer of `view`."""

    def wrapped(request, *args, **kwargs):
        response = HttpResponse(status=204) if request.method == "OPTIONS" else view(request, *args, **kwargs)
        for name, value in CORS.items():
            response[name] = value
        return response

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    wrapped.query_parameters = getattr(view, "query_parameters", frozenset())
    return wrapped


def refused(message):
    return JsonResponse({"detail": message}, status=400)


def _decoded(request, name):
    """The JSON in parameter `name` (GET or POST form), or None when absent; QueryError if not JSON."""
    text = request.POST.get(name) if request.method == "POST" else request.GET.get(name)
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        raise reconcile.QueryError(f"{name}: not JSON.") from None


@csrf_exempt  # a read; clients in other origins POST a form, and no cookie gives it any power
@cors
@require_http_methods(["GET", "HEAD", "POST", "OPTIONS"])
@page_cache.query_parameters("queries", "extend")
def service(request):
    """The manifest, a batch of queries, or a data extension."""
    try:
        queries, extension = _decoded(request, "queries"), _decoded(request, "extend")
        if queries is not None:
            return JsonResponse(reconcile.reconcile(reconcile.read_queries(queries)))
        if extension is not None:
            return JsonResponse(_extended(extension))
    except reconcile.QueryError as error:
        return refused(str(error))
    return JsonResponse(manifest(request))


def _extended(extension):
    if not isinstance(extension, dict) or not isinstance(extension.get("ids"), list):
        raise reconcile.QueryError("extend: an object with “ids” (a list) and “properties”.")
    properties = extension.get("properties")
    if not isinstance(properties, list) or not all(isinstance(p, dict) and "id" in p for p in properties):
        raise reconcile.QueryError("extend.properties: a list of {id, settings}.")
    if len(extension["ids"]) > reconcile.MAX_QUERIES * 2:
        raise reconcile.QueryError(f"extend.ids: at most {reconcile.MAX_QUERIES * 2} at once.")
    return reconcile.extend(
        [str(entity) for entity in extension["ids"]], [(str(p["id"]), p.get("settings")) for p in properties]
    )


def manifest(request):
    root = request.build_absolute_uri("/").rstrip("/")
    service_path = reverse("reconcile:service")
    return {
        "versions": ["0.2"],
        "name": "kzwatch: Kazakhstan's political elites",
        "identifierSpace": f"{root}{service_path}#ids",
        "schemaSpace": f"{root}{service_path}#types",
        "documentation": f"{root}/api/v1/docs/",
        "defaultTypes": [{"id": kind, "name": name} for kind, name in reconcile.TYPES.items()],
        "view": {"url": f"{root}{service_path}/view/{{{{id}}}}"},
        "preview": {"url": f"{root}{service_path}/preview/{{{{id}}}}", "width": 400, "height": 180},
        "suggest": {
            kind: {"service_url": root, "service_path": reverse(f"reconcile:suggest-{kind}")}
            for kind in ("entity", "type", "property")
        },
        "extend": {
            "propose_properties": {"service_url": root, "service_path": reverse("reconcile:propose")},
            "property_settings": [
                {"type": "text", "name": "at", "label": "On the day", "help_text": "YYYY-MM-DD, for “office_at”"}
            ],
        },
    }


def _prefix(request):
    return request.GET.get("prefix", "").strip()[: reconcile.MAX_QUERY_LENGTH]


@cors
@require_http_methods(["GET", "HEAD", "OPTIONS"])
@page_cache.query_parameters("prefix", "type", "cursor")
def suggest_entity(request):
    types = request.GET.getlist("type") or None
    if types and any(kind not in reconcile.TYPES for kind in types):
        return refused(f"type: one of {', '.join(reconcile.TYPES)}.")
    prefix = _prefix(request)
    return JsonResponse({"result": reconcile.suggest_entities(prefix, types, SUGGEST_LIMIT) if prefix else []})


@cors
@require_http_methods(["GET", "HEAD", "OPTIONS"])
@page_cache.query_parameters("prefix", "cursor")
def suggest_type(request):
    prefix = _prefix(request).lower()
    found = [{"id": kind, "name": name} for kind, name in reconcile.TYPES.items() if name.lower().startswith(prefix)]
    return JsonResponse({"result": found})


@cors
@require_http_methods(["GET", "HEAD", "OPTIONS"])
@page_cache.query_parameters("prefix", "type", "cursor")
def suggest_property(request):
    prefix = _prefix(request).lower()
    found = [
        {"id": pid, "name": name, "description": name}
        for pid, name in {**reconcile.PROPERTIES, **reconcile.EXTEND_PROPERTIES}.items()
        if pid.startswith(prefix) or name.lower().startswith(prefix)
    ]
    return JsonResponse({"result": found})


@cors
@require_http_methods(["GET", "HEAD", "OPTIONS"])
@page_cache.query_parameters("type", "limit")
def propose_properties(request):
    kind = request.GET.get("type", "person")
    if kind not in reconcile.TYPES:
        return refused(f"type: one of {', '.join(reconcile.TYPES)}.")
    proposed = reconcile.EXTEND_PROPERTIES if kind in reconcile.ACTOR_TYPES else {}
    return JsonResponse({"type": kind, "properties": [{"id": pid, "name": name} for pid, name in proposed.items()]})


def _entity(entity):
    """The actor, faction or office an id names, or 404."""
    kind, slug = reconcile.split_id(entity)
    model = {"actor": Actor, "faction": Faction, "office": Office}.get(kind)
    found = model.objects.filter(slug=slug).first() if model else None
    if found is None:
        raise Http404("No actor, faction or office has this id.")
    return kind, found


@cors
@require_http_methods(["GET", "HEAD", "OPTIONS"])
def view(request, entity):
    """The entity's own page."""
    return redirect(_entity(entity)[1].get_absolute_url())


@cors
@require_http_methods(["GET", "HEAD", "OPTIONS"])
def preview(request, entity):
    """A small card: name, kind, birth date, offices held (or the faction's and office's summary)."""
    kind, found = _entity(entity)
    lines, born = [], ""
    if kind == "actor":
        tenures = Tenure.objects.filter(actor=found).select_related("office").order_by("-start_lower", "pk")
        lines = [f"{t.office.name} ({reconcile.years_held([t]) or display(t.start_date)})" for t in tenures]
        born = display(found.birth_date) if found.birth_date else ""
        kind = found.get_kind_display()
    else:
        lines = [found.summary] if found.summary else []
        kind = kind.capitalize()
    response = render(
        request,
        "exchange/preview.html",
        {
            "name": found.name,
            "kind": kind,
            "born": born,
            "lines": lines[:PREVIEW_LINES],
            "more": max(len(lines) - PREVIEW_LINES, 0),
            "url": request.build_absolute_uri(found.get_absolute_url()),
        },
    )
    response["Content-Security-Policy"] = PREVIEW_POLICY
    response.xframe_options_exempt = True
    return response
