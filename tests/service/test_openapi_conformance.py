"""The OpenAPI document is the service: every operation, under each role and none, answers only
what the document says (status code, content type, body schema, headers) and never a 5xx.

Schemathesis generates the requests from the document itself (Hypothesis underneath), so a
route, parameter or error answer the document leaves out is found here. A bounded budget per
operation and role keeps it inside CI's time."""

from __future__ import annotations

import tempfile
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from schemas.service import ROLES
from service import store
from service.app import create_app
from service.settings import Settings

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
EXAMPLES_PER_OPERATION = 10


# Made at import, as schemathesis needs the document to generate the tests (its lazy fixture
# loader does not collect under this pytest); a throwaway SQLite file, no server.
APP = create_app(
    Settings(database_url=f"sqlite:///{tempfile.mkdtemp(prefix='appraise-conformance-')}/db")
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module")
def keys() -> dict[str, dict[str, str]]:
    """Headers for each role, and none."""
    headers: dict[str, dict[str, str]] = {"no key": {}}
    with APP.state.sessions() as session:
        for role in ROLES:
            key = store.create_key(session, role, f"conformance {role}").key  # type: ignore[arg-type]
            headers[role] = {"Authorization": f"Bearer {key}"}
    return headers


@pytest.mark.slow  # every operation, four callers, ten generated requests each
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_is_the_one_the_document_describes(
    case: Any, keys: dict[str, dict[str, str]]
) -> None:
    """Each generated request is sent by every kind of caller: no key, appraiser, HR, admin."""
    for headers in keys.values():
        case.call_and_validate(headers=headers, checks=CHECKS)
