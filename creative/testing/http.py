"""A tiny threaded HTTP server on 127.0.0.1 for tests: product pages, images, redirects, a fake LLM.

>>> with serve({"/p": Reply(200, b"<html>...</html>", "text/html")}) as base:   # doctest: +SKIP
...     fetch(base + "/p")

Routes map a path to a :class:`Reply` or to a function ``(request) -> Reply``; unknown
paths answer 404. ``Reply.delay`` sleeps before answering and ``Reply.drip`` sends the
body in pieces with a pause between them (for timeout tests). Each request is recorded in
``server.requests`` (method, path, headers, body).
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator, Union


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    drip: float = 0.0  #: seconds between 1 KB pieces of the body
    length: int | None = None  #: Content-Length to announce (default: the body's)


@dataclass
class Request:
    method: str
    path: str
    headers: dict
    body: bytes


Route = Union[Reply, Callable[[Request], Reply]]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Route]
    requests: list[Request]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _handle(self) -> None:
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        req = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        self.server.requests.append(req)
        route = self.server.routes.get(self.path.split("?")[0])
        reply = Reply(404, b"not found", "text/plain") if route is None else (route(req) if callable(route) else route)
        if reply.delay:
            time.sleep(reply.delay)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(reply.length if reply.length is not None else len(reply.body)))
            for k, v in reply.headers.items():
                self.send_header(k, v)
            self.end_headers()
            if reply.drip:
                for i in range(0, len(reply.body), 1024):
                    self.wfile.write(reply.body[i:i + 1024])
                    self.wfile.flush()
                    time.sleep(reply.drip)
            else:
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_GET = do_POST = _handle


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[_Server]:
    """Serve ``routes`` on 127.0.0.1 (a free port) in a thread; yields the server
    (``server.url`` is the base URL, ``server.requests`` what it received)."""
    srv = _Server(("127.0.0.1", 0), _Handler)
    srv.routes = dict(routes)
    srv.requests = []
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}"  # type: ignore[attr-defined]
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
