"""Real HTTP: gunicorn servers on loopback ports, a bounded load from a small thread pool,
and a throwaway PostgreSQL database.

Every address used is 127.0.0.1. The bench starts and stops its own gunicorn processes
and touches no other.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

from bench import PROJECT_ROOT
from bench.apps import csrf_token

HOST = "127.0.0.1"
POSTGRES = {"host": HOST, "port": 5432, "user": "postgres"}
COOKIE_NAME = "registry_session"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def request(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 30,
) -> Reply:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


class Gunicorn:
    """A gunicorn master with ``workers`` sync workers serving ``target`` on a free port."""

    def __init__(self, target: str, env: dict[str, str], log_dir: Path, workers: int = 2) -> None:
        self.target = target
        self.port = free_port()
        self.env = env
        self.workers = workers
        self.log_path = log_dir / f"gunicorn-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(self.workers),
            "--bind",
            f"{HOST}:{self.port}",
            "--chdir",
            str(PROJECT_ROOT),
            "--log-level",
            "warning",
            self.target,
        ]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 60) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.target} exited: {self.log_tail()}")
            try:
                request(self.port, "GET", "/", timeout=5)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn {self.target} did not answer within {timeout:g} s")

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def __exit__(self, *exc_info: object) -> None:
        if self.process is None:
            return
        self.process.terminate()  # graceful: the master stops its own workers
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


def gunicorn_env(database_url: str, instance_path: str) -> dict[str, str]:
    """Development settings (the factory turns DEBUG off), plain-HTTP cookies, the bench DB."""
    env = dict(os.environ)
    env.update(
        REGISTRY_ENV="development",
        DATABASE_URL=database_url,
        REGISTRY_INSTANCE_PATH=instance_path,
        SESSION_COOKIE_SECURE="0",
        PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
    )
    return env


def _session_cookie(reply: Reply, current: str) -> str:
    for header in reply.headers.get_all("Set-Cookie") or []:
        cookie = SimpleCookie()
        cookie.load(header)
        if COOKIE_NAME in cookie:
            return f"{COOKIE_NAME}={cookie[COOKIE_NAME].value}"
    return current


def sign_in(port: int, email: str, password: str) -> str:
    """Sign in through the form over HTTP; the ``Cookie`` header value of the session."""
    page = request(port, "GET", "/sign-in")
    cookie = _session_cookie(page, "")
    body = urllib.parse.urlencode(
        {"email": email, "password": password, "csrf_token": csrf_token(page.body.decode())}
    ).encode()
    reply = request(
        port,
        "POST",
        "/sign-in",
        {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        body,
    )
    if reply.status != 302:
        raise RuntimeError(f"signing in over HTTP failed (HTTP {reply.status})")
    return _session_cookie(reply, cookie)


@dataclass(frozen=True)
class Load:
    requests: int
    errors: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def combined(loads: list[Load]) -> Load:
    """Several runs as one: total requests over total time."""
    return Load(
        sum(run.requests for run in loads),
        sum(run.errors for run in loads),
        sum(run.seconds for run in loads),
    )


def load(port: int, path: str, requests: int, threads: int, cookie: str = "") -> Load:
    """GET ``path`` ``requests`` times from ``threads`` threads, one connection per request
    (gunicorn's sync workers close each connection); requests per second over the whole run."""
    headers = {"Cookie": cookie} if cookie else {}
    remaining = [requests]
    errors = [0]
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            try:
                ok = request(port, "GET", path, headers).status == 200
            except OSError:
                ok = False
            if not ok:
                with lock:
                    errors[0] += 1

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return Load(requests, errors[0], time.perf_counter() - started)


# --- PostgreSQL ---------------------------------------------------------------------------


def postgres_version() -> str | None:
    """The server's version, or None if PostgreSQL is not reachable on 127.0.0.1:5432."""
    try:
        import psycopg

        with psycopg.connect(dbname="postgres", connect_timeout=3, **POSTGRES) as connection:
            row = connection.execute("SHOW server_version").fetchone()
            return str(row[0]).split()[0] if row else "?"
    except Exception:  # noqa: BLE001 - any failure means "not available", and the row says so
        return None


@contextmanager
def throwaway_postgres(prefix: str = "registry_bench") -> Iterator[str]:
    """A new database ``<prefix>_<pid>``, dropped afterwards; yields its SQLAlchemy URL."""
    import psycopg

    name = f"{prefix}_{os.getpid()}"
    with psycopg.connect(
        dbname="postgres", connect_timeout=3, autocommit=True, **POSTGRES
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{POSTGRES['user']}@{HOST}:{POSTGRES['port']}/{name}"
    finally:
        with psycopg.connect(
            dbname="postgres", connect_timeout=3, autocommit=True, **POSTGRES
        ) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
