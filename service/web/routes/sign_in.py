"""/sign-in and /sign-out: a person signs in with their API key once; the cookie holds a token."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from service import store
from service.deps import SettingsDep
from service.web.auth import SESSION_COOKIE, optional_person
from service.web.sessions import end_session, start_session
from service.web.templating import render, web_router

__all__ = ["router"]

router = web_router()


@router.get("/sign-in")
def sign_in_page(request: Request) -> Response:
    if optional_person(request) is not None:
        return RedirectResponse("/", status_code=303)
    signed_out = "signed-out" in request.query_params
    return render(request, "sign_in.html", {"signed_out": signed_out})


@router.post("/sign-in")
def sign_in(request: Request, settings: SettingsDep, key: Annotated[str, Form()] = "") -> Response:
    engine: Engine = request.app.state.engine
    key = key.strip()
    with engine.begin() as connection:
        person = store.key_for_secret(connection, key) if key else None
        token = start_session(connection, person.id, settings.session_minutes) if person else ""
    if person is None:
        message = "Enter your key" if not key else "Enter a key that is valid and not revoked"
        errors = [{"text": message, "href": "#key"}]
        return render(request, "sign_in.html", {"errors": errors}, status_code=401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_minutes * 60,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies or request.url.scheme == "https",
    )
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        engine: Engine = request.app.state.engine

        def end() -> None:
            with engine.begin() as connection:
                end_session(connection, token)

        await run_in_threadpool(end)
    response = RedirectResponse("/sign-in?signed-out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax")
    return response
