"""``creative gallery OUT --serve``: the gallery on localhost, rebuilt and live-reloaded as files arrive.

The standard library's threading HTTP server serves the output folder; watchfiles watches it
and rebuilds the page after each burst of writes (a batch writes atomically: a temporary name,
then a rename, so half-written files are never shown). Open pages listen on a Server-Sent Events
stream (``/__gallery/events``) and reload, keeping their filters and scroll position, when the
build they show is no longer the latest.
"""
from __future__ import annotations

import threading
import webbrowser
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from ..errors import CreativeError, UsageError
from .build import PAGE, GalleryResult, build_gallery

EVENTS = "/__gallery/events"
PING_SECONDS = 10.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, handler, root: Path):
        super().__init__(addr, handler)
        self.root = root
        self.version = 0
        self.cond = threading.Condition()
        self.stopping = False

    def published(self, version: int) -> None:
        with self.cond:
            self.version = version
            self.cond.notify_all()

    def stop(self) -> None:
        with self.cond:
            self.stopping = True
            self.cond.notify_all()
        self.shutdown()


class _Handler(SimpleHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet: the CLI prints builds
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802
        if self.path.split("?", 1)[0] == EVENTS:
            self._events()
        else:
            super().do_GET()

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "keep-alive")
        self.end_headers()
        srv, last = self.server, None
        try:
            while True:
                with srv.cond:
                    if last == srv.version and not srv.stopping:
                        srv.cond.wait(PING_SECONDS)
                    if srv.stopping:
                        return
                    version = srv.version
                msg = f"event: build\ndata: {version}\n\n" if version != last else ": ping\n\n"
                self.wfile.write(msg.encode())
                self.wfile.flush()
                last = version
        except (BrokenPipeError, ConnectionResetError, OSError):
            return


def _relevant(root: Path, page: str):
    gallery_dir = (root / "_gallery").resolve()
    page_path = (root / page).resolve()

    def keep(_change, path: str) -> bool:
        p = Path(path).resolve()
        if p == page_path or p.name.startswith(".") or p.name.endswith(".part"):
            return False
        return gallery_dir not in p.parents and p != gallery_dir

    return keep


def serve_gallery(
    out_dir: str | Path,
    *,
    port: int = 8000,
    host: str = "127.0.0.1",
    open_browser: bool = False,
    stop_event: threading.Event | None = None,
    on_ready: Callable[[str], None] | None = None,
    on_build: Callable[[GalleryResult], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    debounce_ms: int = 400,
    force_polling: bool | None = None,
) -> None:
    """Build the gallery, serve ``out_dir`` on ``http://host:port/`` and rebuild on every change
    until ``stop_event`` is set or Ctrl-C. ``port=0`` picks a free port (``on_ready`` gets the URL)."""
    import watchfiles

    root = Path(out_dir)
    if not root.is_dir():
        raise UsageError(f"{root}: no such output folder")
    stop = stop_event or threading.Event()
    version = 1
    result = build_gallery(root, build=str(version))
    if on_build:
        on_build(result)
    try:
        server = _Server((host, port), partial(_Handler, directory=str(root)), root)
    except OSError as e:
        raise UsageError(f"cannot serve on {host}:{port} ({e.strerror or e}); choose another --port") from None
    server.published(version)
    url = f"http://{host}:{server.server_address[1]}/{PAGE}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    if on_ready:
        on_ready(url)
    if open_browser:
        webbrowser.open(url)
    try:
        for _changes in watchfiles.watch(root, watch_filter=_relevant(root, PAGE), stop_event=stop,
                                         debounce=debounce_ms, step=50, raise_interrupt=False,
                                         force_polling=force_polling):
            try:
                result = build_gallery(root, build=str(version + 1))
            except CreativeError as e:  # e.g. the folder was removed mid-batch: keep serving the last page
                if on_error:
                    on_error(str(e))
                continue
            version += 1
            server.published(version)
            if on_build:
                on_build(result)
    finally:
        server.stop()
        server.server_close()
        thread.join(timeout=5)
