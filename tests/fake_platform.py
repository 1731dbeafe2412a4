"""A real HTTP server on loopback that plays a social media platform for the channel checker.

Each path answers from a script: a list of answers given in turn (the last one repeats).
Every request is recorded with its Host header, path and user agent, so a test sees exactly
what the checker asked for. The registry reaches it only through CHANNEL_CHECK_TEST_ORIGINS,
which maps the platform's hosts to this server (testing and development only).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FACEBOOK_HOSTS = ("facebook.com", "www.facebook.com", "m.facebook.com")


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the headers are sent
    repeat: int = 0  # send the body this many more times (a huge body without the memory)


def page(
    title: str, address: str = "", account_id: str = "", extra: str = "", og: bool = True
) -> Answer:
    """A profile page the way platforms write their head: og:title, canonical, and the app
    link that names the account's id."""
    head = [f"<title>{title} | Facebook</title>"]
    if og:
        head.append(f'<meta property="og:title" content="{title}">')
    if address:
        head.append(f'<link rel="canonical" href="{address}">')
        head.append(f'<meta property="og:url" content="{address}">')
    if account_id:
        head.append(f'<meta property="al:android:url" content="fb://page/{account_id}">')
    html = f"<!doctype html><html><head>{''.join(head)}</head><body>{extra}</body></html>"
    return Answer(200, html.encode(), {"Content-Type": "text/html; charset=utf-8"})


def redirect(location: str, status: int = 301) -> Answer:
    return Answer(status, b"", {"Location": location})


@dataclass
class Seen:
    host: str
    path: str
    user_agent: str


class FakePlatform:
    def __init__(self) -> None:
        self.scripts: dict[str, list[Answer]] = {}
        self.requests: list[Seen] = []
        self.bytes_sent = 0
        self._lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def origin(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_port}"

    def origins_setting(self, hosts: tuple[str, ...] = FACEBOOK_HOSTS) -> str:
        return ",".join(f"{host}={self.origin}" for host in hosts)

    def answer(self, path: str, *answers: Answer) -> None:
        self.scripts[path] = list(answers)

    def reset(self) -> None:
        self.scripts.clear()
        self.requests.clear()
        self.bytes_sent = 0

    def _next(self, path: str) -> Answer:
        with self._lock:
            script = self.scripts.get(path)
            if not script:
                return Answer(404, b"<html><head><title>Not found</title></head></html>")
            return script.pop(0) if len(script) > 1 else script[0]

    def handler(self) -> type[BaseHTTPRequestHandler]:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                with platform._lock:
                    platform.requests.append(
                        Seen(
                            self.headers.get("Host", ""),
                            self.path,
                            self.headers.get("User-Agent", ""),
                        )
                    )
                answer = platform._next(self.path.split("?")[0])
                if answer.delay:
                    time.sleep(answer.delay)
                length = len(answer.body) * (1 + answer.repeat)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(length))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    for _ in range(1 + answer.repeat):
                        self.wfile.write(answer.body)
                        platform.bytes_sent += len(answer.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the checker stopped reading: that is the cap working

        return Handler

    @contextmanager
    def running(self) -> Iterator[FakePlatform]:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.server.daemon_threads = True
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()
            thread.join(timeout=5)
