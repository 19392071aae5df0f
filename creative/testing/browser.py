"""Headless Chromium for tests: the system browser (Debian's ``chromium``) driven by Playwright.

Playwright's own browser download cannot work offline, so this always launches an installed
Chromium: ``$CREATIVE_CHROMIUM``, else ``chromium``/``chromium-browser``/``google-chrome`` on PATH.
"""
from __future__ import annotations

import io
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from PIL import Image

ENV = "CREATIVE_CHROMIUM"
CHROMIUM_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
)


def chromium_path() -> str | None:
    """The Chromium executable to use, or None when none is installed."""
    env = os.environ.get(ENV)
    if env:
        return env if Path(env).is_file() else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


@contextmanager
def chromium() -> Iterator[object]:
    """A Playwright ``Browser`` on the installed Chromium (closed on exit)."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise RuntimeError("no Chromium installed (apt-get install chromium, or set CREATIVE_CHROMIUM)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()


def rasterize_svg(browser, svg: str | Path, size: tuple[int, int]) -> Image.Image:
    """Chromium's rendering of an SVG file (or SVG source) at ``size`` CSS pixels, scale 1, as RGB."""
    page = browser.new_page(viewport={"width": size[0], "height": size[1]}, device_scale_factor=1)
    try:
        if isinstance(svg, Path):
            page.goto(svg.resolve().as_uri())
        else:
            body = svg.split("?>", 1)[1] if svg.lstrip().startswith("<?xml") else svg
            page.set_content(f"<!doctype html><html><body style='margin:0'>{body}</body></html>")
        page.evaluate("document.fonts ? document.fonts.ready.then(() => true) : true")
        png = page.screenshot(clip={"x": 0, "y": 0, "width": size[0], "height": size[1]})
    finally:
        page.close()
    return Image.open(io.BytesIO(png)).convert("RGB")
