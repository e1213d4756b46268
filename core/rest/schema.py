"""What drf-spectacular cannot see: the error answers, ETag and If-Match, shared by every operation.

Each operation documents every status it can answer, with a JSON error body, so a client
generated from the schema parses whatever comes back.
"""

from drf_spectacular.views import SpectacularSwaggerSplitView

ERROR = {"$ref": "#/components/schemas/Error"}
# An operation that names this extension (with the permission) is closed to anonymous readers.
REQUIRES_PERMISSION = "x-requires-permission"
FIELD_ERRORS = {"$ref": "#/components/schemas/FieldErrors"}

COMPONENTS = {
    "Error": {
        "type": "object",
        "description": "A refusal that concerns the request as a whole.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "FieldErrors": {
        "type": "object",
        "description": "Bad input, field by field: each key names a parameter or body field (`non_field_errors` "
        "for the whole; `detail` for a body that is not JSON), each value lists messages (for a list of rows, "
        "one object or message per row).",
        "additionalProperties": True,
    },
}

ETAG_HEADER = {
    "ETag": {
        "description": "The version of this representation; send it back in If-Match.",
        "schema": {"type": "string"},
    }
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "The ETag you read. When the record has changed since, nothing happens and the answer is 412.",
    "schema": {"type": "string"},
}


def _response(description, schema=ERROR, headers=None):
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def error_responses(method, is_detail, closed=False):
    responses = {
        "400": _response("Bad input: a parameter or field is invalid.", FIELD_ERRORS),
        "401": _response(
            "The token or session is invalid, or the write needs one.",
            headers={"WWW-Authenticate": {"schema": {"type": "string"}}},
        ),
        "404": _response("No such record, or it is not visible to you."),
        "429": _response(
            "Too many anonymous requests; retry later.",
            headers={"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
        ),
    }
    if method != "get" or closed:
        responses["403"] = _response("The user lacks the permission this operation needs.")
    if method in ("post", "put", "patch"):
        responses["415"] = _response("The body is not JSON.")
    if method == "delete":
        responses["409"] = _response("Other records still refer to this one.")
    if is_detail and method in ("put", "patch", "delete"):
        responses["412"] = _response("If-Match does not match the current ETag; nothing was changed.")
    return responses


def require_every_response_field(schemas):
    """DRF answers every readable field of a serializer, null when empty: say so, for typed clients."""
    for name, schema in schemas.items():
        if name.endswith("Request") or name in COMPONENTS or "properties" not in schema:
            continue
        schema["required"] = sorted(schema["properties"])


def add_errors_and_etags(result, generator, request, public):
    """drf-spectacular postprocessing hook."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    require_every_response_field(schemas)
    schemas.update(COMPONENTS)
    for path, operations in result.get("paths", {}).items():
        is_detail = path.rstrip("/").endswith("}")
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            closed = REQUIRES_PERMISSION in operation
            if method == "get" and not closed and {} not in operation.get("security", [{}]):
                operation["security"].append({})  # anonymous readers are welcome
            responses = operation.setdefault("responses", {})
            for code, response in error_responses(method, is_detail, closed).items():
                responses.setdefault(code, response)
            if is_detail and method in ("put", "patch", "delete"):
                operation.setdefault("parameters", []).append(IF_MATCH)
            if (is_detail and method in ("get", "put", "patch")) or method == "post":
                for code in ("200", "201"):
                    if code in responses:
                        responses[code].setdefault("headers", {}).update(ETAG_HEADER)
    return result


class SwaggerDocsView(SpectacularSwaggerSplitView):
    """Swagger UI at /api/v1/docs/, its start-up script served as a file (the CSP allows no inline
    script). OPTIONS is refused: DRF's metadata would try to render the HTML page with no template."""

    metadata_class = None
