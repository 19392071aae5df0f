"""Checking finished banners from their manifests: the promises a design must keep.

``check_manifest`` re-verifies, from the sidecar JSON and the cut-out it names, that every text
is inside the canvas, that no text or plate covers an opaque product pixel, and that each text
reaches its WCAG threshold. The demo runs it over everything it renders.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class Problem:
    file: str
    element: str
    what: str

    def __str__(self) -> str:
        return f"{self.file}: {self.element}: {self.what}"


@lru_cache(maxsize=32)
def _alpha(path: str) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGBA").getchannel("A"))


def _placed_alpha(source: str, box: list[int]) -> np.ndarray:
    import cv2

    w, h = box[2] - box[0], box[3] - box[1]
    return cv2.resize(_alpha(source), (w, h), interpolation=cv2.INTER_AREA)


def check_manifest(manifest: dict, name: str = "") -> list[Problem]:
    """Problems found in one manifest (an empty list when the design keeps every promise)."""
    w, h = manifest["canvas"]
    problems: list[Problem] = []
    product = next((e for e in manifest["elements"] if e["role"] == "product"), None)
    alpha = None
    if product and product.get("source") and Path(product["source"]).is_file():
        alpha = _placed_alpha(product["source"], product["box"])
    for e in manifest["elements"]:
        if "text" not in e:
            continue
        label = f"{e['role']} '{e['text'][:30]}'"
        for key in ("box", "plate_box"):
            if key not in e:
                continue
            x0, y0, x1, y1 = e[key]
            if x0 < 0 or y0 < 0 or x1 > w or y1 > h:
                problems.append(Problem(name, label, f"{key} {e[key]} leaves the {w}x{h} canvas"))
            if alpha is not None:
                px0, py0 = product["box"][0], product["box"][1]
                sub = alpha[max(0, y0 - py0):max(0, y1 - py0), max(0, x0 - px0):max(0, x1 - px0)]
                if sub.size and (sub > 127).any():
                    problems.append(Problem(name, label, f"{key} covers {(sub > 127).sum()} opaque product pixels"))
        if e["contrast"] + 1e-6 < e["contrast_required"]:
            problems.append(Problem(name, label, f"contrast {e['contrast']} below {e['contrast_required']}"))
    return problems


def check_folder(folder: str | Path) -> tuple[int, list[Problem]]:
    """(manifests checked, problems) for every banner manifest under ``folder``."""
    count, problems = 0, []
    for f in sorted(Path(folder).rglob("*.json")):
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict) or "elements" not in data or "canvas" not in data:
            continue
        count += 1
        problems += check_manifest(data, str(f))
    return count, problems
