"""The OpenAPI document, made to say what the service does: the review body by hand, and every
error as it is really sent, an RFC 9457 problem (FastAPI documents its own 422 shape and no 401
or 403)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel

from schemas.review import Review
from schemas.service import Problem
from service.deps import role_checks
from service.errors import PROBLEM_JSON
from service.methods import routes_of

__all__ = ["openapi_document"]

_ERRORS = {
    "404": "No such id (or not one the caller may read).",
    "401": "No API key, or one that is unknown or revoked.",
    "403": "The key's role may not do this.",
    "400": "The body could not be read at all (e.g. not UTF-8).",
    "413": "The body is larger than the service accepts (APPRAISE_MAX_BODY_BYTES).",
}


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema with the Review model, and each operation's errors as they are sent."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (Review, Problem):
            _add_component(components, model)
        for component in ("HTTPValidationError", "ValidationError"):
            components.pop(component, None)
        role_checked = {
            (route.path, method.lower())
            for route in routes_of(app)
            if isinstance(route, APIRoute) and role_checks(route.dependant)
            for method in route.methods or ()
        }
        for path, item in schema["paths"].items():
            for method, operation in item.items():
                _document_errors(
                    operation, role_checked=(path, method) in role_checked, has_ids="{" in path
                )
        app.openapi_schema = schema
    return app.openapi_schema


def _add_component(components: dict[str, Any], model: type[BaseModel]) -> None:
    found = model.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(found.pop("$defs", {}))
    components[model.__name__] = found


_PROBLEM = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def _document_errors(operation: dict[str, Any], *, role_checked: bool, has_ids: bool) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    if has_ids:
        responses.setdefault("404", {"description": _ERRORS["404"]})
    if operation.get("security"):
        responses["401"] = {"description": _ERRORS["401"]}
    if role_checked:
        responses["403"] = {"description": _ERRORS["403"]}
    if "requestBody" in operation:
        responses["413"] = {"description": _ERRORS["413"]}
        responses.setdefault("400", {"description": _ERRORS["400"]})
    for status, response in responses.items():
        if status.startswith("4"):
            response["content"] = _PROBLEM
