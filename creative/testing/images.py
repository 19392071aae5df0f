"""Comparing images: mean difference plus the share of strongly changed pixels.

Anti-aliasing changes many pixels a little; a moved element changes some pixels
a lot. So a comparison passes when the mean absolute difference is small AND
only a tiny share of pixels differ by more than ``threshold``: a moved headline
or product fails, a different font rasteriser's edge pixels do not.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class Tolerance:
    mean: float = 1.5          # mean absolute difference, 0..255
    changed: float = 0.002     # share of pixels allowed to differ strongly
    threshold: int = 64        # what "strongly" means: max channel difference


@dataclass(frozen=True)
class ImageDiff:
    mean: float
    changed: float
    size_ok: bool
    expected_size: tuple[int, int]
    actual_size: tuple[int, int]

    def within(self, tol: Tolerance) -> bool:
        return self.size_ok and self.mean <= tol.mean and self.changed <= tol.changed

    def describe(self) -> str:
        if not self.size_ok:
            return f"size {self.actual_size} != expected {self.expected_size}"
        return f"mean difference {self.mean:.2f}, {self.changed:.3%} of pixels changed strongly"


class GoldenMismatch(AssertionError):
    def __init__(self, message: str, paths: dict[str, Path] | None = None):
        super().__init__(message)
        self.paths = paths or {}


def _rgb(img: Image.Image) -> np.ndarray:
    if img.mode == "RGBA":
        bg = Image.new("RGBA", img.size, (255, 255, 255, 255))
        bg.alpha_composite(img)
        img = bg
    return np.asarray(img.convert("RGB"), dtype=np.int16)


def image_diff(expected: Image.Image, actual: Image.Image, threshold: int = Tolerance.threshold) -> ImageDiff:
    if expected.size != actual.size:
        return ImageDiff(float("inf"), 1.0, False, expected.size, actual.size)
    d = np.abs(_rgb(expected) - _rgb(actual))
    return ImageDiff(float(d.mean()), float((d.max(axis=2) > threshold).mean()), True, expected.size, actual.size)


def diff_image(expected: Image.Image, actual: Image.Image, threshold: int = Tolerance.threshold) -> Image.Image:
    """The actual image faded to grey with strongly changed pixels in red and small changes in orange."""
    if expected.size != actual.size:
        expected = expected.resize(actual.size)
    a, e = _rgb(actual), _rgb(expected)
    d = np.abs(a - e).max(axis=2)
    grey = (a.mean(axis=2) * 0.35 + 160).astype(np.uint8)
    out = np.dstack([grey, grey, grey])
    out[d > 8] = (255, 170, 0)
    out[d > threshold] = (230, 0, 0)
    return Image.fromarray(out)


def assert_image_similar(actual: Image.Image, expected: Image.Image, tol: Tolerance = Tolerance(),
                         save_dir: str | Path | None = None, name: str = "image") -> ImageDiff:
    """Assert two images match within ``tol``; on failure save expected/actual/diff when ``save_dir`` is given."""
    diff = image_diff(expected, actual, tol.threshold)
    if diff.within(tol):
        return diff
    paths = _save_failure(actual, expected, Path(save_dir), name, tol) if save_dir else {}
    where = "; ".join(f"{k}: {v}" for k, v in paths.items())
    raise GoldenMismatch(f"{name}: {diff.describe()} (allowed mean {tol.mean}, changed {tol.changed:.3%})"
                         + (f"; {where}" if where else ""), paths)


def _save_failure(actual, expected, folder: Path, name: str, tol: Tolerance) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"expected": folder / f"{name}.expected.png", "actual": folder / f"{name}.actual.png",
             "diff": folder / f"{name}.diff.png"}
    expected.save(paths["expected"])
    actual.save(paths["actual"])
    diff_image(expected, actual, tol.threshold).save(paths["diff"])
    return paths


def check_golden(actual: Image.Image, golden: str | Path, *, update: bool = False, tol: Tolerance = Tolerance(),
                 failure_dir: str | Path | None = None) -> ImageDiff | None:
    """Compare with the golden PNG at ``golden``; a missing golden fails unless ``update``."""
    golden = Path(golden)
    if update:
        golden.parent.mkdir(parents=True, exist_ok=True)
        tmp = golden.with_name(f".{golden.name}.part")
        actual.save(tmp, format="PNG", optimize=True)
        os.replace(tmp, golden)
        return None
    if not golden.is_file():
        raise GoldenMismatch(f"{golden}: golden image is missing; run with --creative-update-goldens to create it")
    with Image.open(golden) as g:
        expected = g.copy()
    fail_dir = Path(failure_dir) if failure_dir else golden.parent / "_failures"
    return assert_image_similar(actual, expected, tol, fail_dir, golden.stem)


def region_difference(expected: Image.Image, actual: Image.Image, box: tuple[int, int, int, int],
                      scale: int = 3) -> float:
    """Mean of the per-pixel max channel difference inside ``box`` after both are box-filtered by
    ``scale``: anti-aliasing differences (a different rasteriser) average out, a moved or missing
    glyph does not. 0..255."""
    x0, y0, x1, y1 = box
    if x1 <= x0 or y1 <= y0:
        return 0.0
    size = (max(1, (x1 - x0) // scale), max(1, (y1 - y0) // scale))
    a, b = (Image.fromarray(_rgb(im)[y0:y1, x0:x1].astype(np.uint8)).resize(size, Image.Resampling.BOX)
            for im in (expected, actual))
    return float(np.abs(np.asarray(a, np.int16) - np.asarray(b, np.int16)).max(axis=2).mean())
