"""An embedded PostgreSQL for the store tests: ONE server (the ``pgserver`` package's binaries) for
the whole test session, started here and stopped at the end. Nothing is skipped: without pgserver
and psycopg (the ``test`` extra) these tests error, as CI must notice."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator

import pgserver
import psycopg
import pytest

PASSWORD = "Sup3r-s3cret-pw"  # the server trusts local sockets: a password in the URL is never checked, only hidden


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    # Not under pytest's basetemp: pgserver opens the parent folders to its system user (as root),
    # and every other pytest session on the machine closes /tmp/pytest-of-<user> again (0700).
    data = tempfile.mkdtemp(prefix="tokenbudget-pg-")
    server = pgserver.get_server(data, cleanup_mode="stop")
    try:
        yield server
    finally:
        server.cleanup()
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session")
def admin_url(pg_server: object) -> str:
    return pg_server.get_uri()  # type: ignore[attr-defined]


@pytest.fixture
def pg_url(admin_url: str) -> str:
    """The store URL as users give it: with a password (which must never be printed)."""
    return admin_url.replace("postgres:@", f"postgres:{PASSWORD}@", 1)


@pytest.fixture
def run_id() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


def terminate(admin_url: str, run_id: str) -> int:
    """Drop every store connection of ``run_id`` from the server side (pg_terminate_backend)."""
    with psycopg.connect(admin_url, autocommit=True) as c:
        rows = c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
                         (f"pytest-tokenbudget {run_id}"[:63],)).fetchall()
    return len(rows)


def row_once_created(conn: psycopg.Connection, sql: str, params: tuple) -> tuple | None:
    """The first row of ``sql``, or None while a shard starting up has not yet created the store's tables
    (the database is shared; a poll can run before the shard's first connection creates them)."""
    try:
        return conn.execute(sql, params).fetchone()
    except psycopg.errors.UndefinedTable:
        return None
