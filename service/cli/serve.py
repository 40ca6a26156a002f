"""``appraise serve`` and ``appraise keys``: run the service, and manage its API keys."""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
from typing import TYPE_CHECKING

from schemas.service import ROLES, KeyInfo
from service.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI
    from sqlalchemy.orm import Session, sessionmaker

__all__ = ["add_commands", "worker_app"]


def _overrides(args: argparse.Namespace) -> dict[str, str]:
    """The settings given as options, which win over the environment."""
    given = {
        "database_url": args.database_url,
        "rules_dir": args.rules,
        "workers": getattr(args, "workers", None),
    }
    return {name: str(value) for name, value in given.items() if value}


def _settings(args: argparse.Namespace) -> Settings:
    return Settings(**_overrides(args))  # type: ignore[arg-type]


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
}
"""Applied by uvicorn in the server and in each worker process."""


def cmd_serve(args: argparse.Namespace) -> str:
    # Imported here so that the other commands do not load the web stack.
    import uvicorn

    from service.db import connect, migrate
    from service.http import BoundedHeadProtocol

    settings = _settings(args)
    # Once, before any worker starts: workers migrating a new database at once would race.
    engine = connect(settings.database_url)
    migrate(engine)
    engine.dispose()
    # Each worker process builds its own app from APPRAISE_* (its own engine, compiled rule
    # sets and connections), so the options given here travel through the environment.
    os.environ.update({f"APPRAISE_{k.upper()}": v for k, v in _overrides(args).items()})
    # One secret signs the web forms' CSRF tokens in every worker: a form from one worker is
    # posted to any other. Made here, once, when the setting is not given.
    if settings.secret_key is None:
        os.environ["APPRAISE_SECRET_KEY"] = secrets.token_urlsafe(32)
    uvicorn.run(
        "service.cli.serve:worker_app" if settings.workers > 1 else "service.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=settings.workers,
        http=BoundedHeadProtocol,
        # uvicorn's access log would print query strings (subject ids): RequestLog logs instead.
        access_log=False,
        log_config=LOGGING,
    )
    return "appraise: server stopped"


def worker_app() -> FastAPI:
    """The app of one worker process of ``appraise serve --workers N``; the worker stops when
    the supervisor does, even when it was killed, and never serves on alone."""
    import multiprocessing

    from service.app import create_app

    supervisor = multiprocessing.parent_process()
    if sys.platform == "linux" and supervisor is not None:
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
        if os.getppid() != supervisor.pid:  # it died before the line above
            os.kill(os.getpid(), signal.SIGTERM)
    return create_app()


def _sessions(args: argparse.Namespace) -> sessionmaker[Session]:
    from service.db import connect, migrate, session_factory

    engine = connect(_settings(args).database_url)
    migrate(engine)
    return session_factory(engine)


def cmd_keys_create(args: argparse.Namespace) -> str:
    """The key alone on stdout (``KEY=$(appraise keys create ...)``); what it is on stderr."""
    from service import store

    with _sessions(args)() as session:
        key = store.create_key(session, args.role, args.name)
    print(_key_line(key), file=sys.stderr)
    print("Keep the key now: it is stored hashed and is not shown again.", file=sys.stderr)
    return key.key


def cmd_keys_first_admin(args: argparse.Namespace) -> str:
    """A first admin key when no active admin key exists (``make run``), with where to use it."""
    from service import store

    with _sessions(args)() as session:
        admins = [k for k in store.list_keys(session) if k.role == "admin" and not k.revoked_at]
        if admins:
            names = ", ".join(k.name for k in admins)
            return (
                f"An admin key exists already ({names}): sign in with it, or create keys with it."
            )
        key = store.create_key(session, "admin", args.name)
    return (
        f"First admin key, for {key.name} (shown this once; it is stored hashed):\n\n"
        f"    {key.key}\n\n"
        "Open http://127.0.0.1:8000/sign-in and sign in with it, then create the keys of the\n"
        'appraisers and HR officers on the home page ("Create a key").'
    )


def cmd_keys_list(args: argparse.Namespace) -> str:
    from service import store

    with _sessions(args)() as session:
        keys = store.list_keys(session)
    return "\n".join(_key_line(k) for k in keys) or "no keys yet: appraise keys create --role ..."


def cmd_keys_revoke(args: argparse.Namespace) -> str:
    from service import store

    with _sessions(args)() as session:
        return _key_line(store.revoke_key(session, args.id))


def _key_line(key: KeyInfo) -> str:
    revoked = f", revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else ""
    return f"{key.id}  {key.role:<9}  {key.prefix}…  {key.name}{revoked}"


def _database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        help="SQLAlchemy URL (default: $APPRAISE_DATABASE_URL or sqlite:///var/appraise.db)",
    )


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``serve`` and ``keys create|list|revoke`` to the ``appraise`` command line."""
    serve = sub.add_parser("serve", help="run the HTTP service (FastAPI under uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=int,
        help="server processes (default: $APPRAISE_WORKERS or one per core)",
    )
    _database_option(serve)
    serve.set_defaults(run=cmd_serve)

    keys = sub.add_parser("keys", help="create, list or revoke the service's API keys")
    actions = keys.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a key and print it, this once")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--name", required=True, help="who or what will use the key")
    _database_option(create)
    create.set_defaults(run=cmd_keys_create)
    first = actions.add_parser(
        "first-admin", help="create an admin key when there is none, and say where to sign in"
    )
    first.add_argument("--name", default="First admin", help="who will use the key")
    _database_option(first)
    first.set_defaults(run=cmd_keys_first_admin)
    listing = actions.add_parser("list", help="every key, without the secrets")
    _database_option(listing)
    listing.set_defaults(run=cmd_keys_list)
    revoke = actions.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("id")
    _database_option(revoke)
    revoke.set_defaults(run=cmd_keys_revoke)
