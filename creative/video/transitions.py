"""Transitions between two frames, by name: each is ``fn(a, b, p, out, color)`` for progress ``p``.

``a`` is the outgoing scene's frame, ``b`` the incoming one, ``p`` in [0, 1] already eased;
the result is written into ``out`` (which may be ``b``). Unknown names fail and list the choices.
"""
from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from ..errors import UsageError

Transition = Callable[[np.ndarray, np.ndarray, float, np.ndarray, tuple[int, int, int]], None]


def cut(a, b, p, out, color) -> None:
    if out is not b:
        np.copyto(out, b)


def crossfade(a, b, p, out, color) -> None:
    cv2.addWeighted(a, 1.0 - p, b, p, 0.0, dst=out)


def _slide(dx: int, dy: int):
    def run(a, b, p, out, color) -> None:
        h, w = a.shape[:2]
        ox, oy = round(dx * p * w), round(dy * p * h)  # how far the pair has moved
        tmp = b.copy() if out is b else b
        # incoming frame, shifted in from the opposite side
        _place(out, tmp, ox - dx * w, oy - dy * h)
        _place(out, a, ox, oy)
    return run


def _place(out: np.ndarray, src: np.ndarray, x: int, y: int) -> None:
    """Copy ``src`` into ``out`` offset by (x, y), clipped."""
    h, w = out.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + w), min(h, y + h)
    if x1 > x0 and y1 > y0:
        out[y0:y1, x0:x1] = src[y0 - y:y1 - y, x0 - x:x1 - x]


def _wipe(direction: str):
    def run(a, b, p, out, color) -> None:
        h, w = a.shape[:2]
        if out is not b:
            np.copyto(out, b)
        soft = max(2, w // 60)
        if direction in ("left", "right"):
            edge = round(p * (w + soft))
            keep = slice(0, max(0, w - edge)) if direction == "left" else slice(min(w, edge), w)
            out[:, keep] = a[:, keep]
        else:
            edge = round(p * (h + soft))
            out[min(h, edge):, :] = a[min(h, edge):, :]
    return run


def zoom(a, b, p, out, color) -> None:
    """The outgoing frame rushes towards the viewer while the incoming one settles in."""
    h, w = a.shape[:2]
    za, zb = 1.0 + 0.6 * p, 1.25 - 0.25 * p
    ma = np.float32([[za, 0, (1 - za) * w / 2], [0, za, (1 - za) * h / 2]])
    mb = np.float32([[zb, 0, (1 - zb) * w / 2], [0, zb, (1 - zb) * h / 2]])
    wa = cv2.warpAffine(a, ma, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    wb = cv2.warpAffine(b, mb, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    k = min(1.0, max(0.0, (p - 0.2) / 0.6))
    cv2.addWeighted(wa, 1.0 - k, wb, k, 0.0, dst=out)


def fade_color(a, b, p, out, color) -> None:
    """Through a colour: the first half fades to it, the second half from it."""
    if p < 0.5:
        _towards(a, color, 2 * p, out)
    else:
        _towards(b, color, 2.0 - 2 * p, out)


def _towards(src: np.ndarray, color: tuple[int, int, int], amount: float, out: np.ndarray) -> None:
    """``out = src * (1 - amount) + color * amount`` with per-channel scalars (no colour frame)."""
    amount = min(1.0, max(0.0, amount))
    keep = 1.0 - amount
    cv2.multiply(src, (keep, keep, keep, 0.0), dst=out)
    cv2.add(out, (color[0] * amount, color[1] * amount, color[2] * amount, 0.0), dst=out)


TRANSITIONS: dict[str, Transition] = {
    "cut": cut,
    "crossfade": crossfade,
    "slide-left": _slide(-1, 0),
    "slide-right": _slide(1, 0),
    "slide-up": _slide(0, -1),
    "wipe-left": _wipe("left"),
    "wipe-right": _wipe("right"),
    "wipe-down": _wipe("down"),
    "zoom": zoom,
    "fade-color": fade_color,
}


def get_transition(name: str) -> Transition:
    try:
        return TRANSITIONS[name]
    except KeyError:
        raise UsageError(f"unknown transition '{name}'; choose one of: {', '.join(sorted(TRANSITIONS))}") from None


def fade_frame(frame: np.ndarray, color: tuple[int, int, int], amount: float) -> None:
    """Blend ``frame`` towards ``color`` by ``amount`` (0..1) in place (fade from/to a colour)."""
    if amount > 0:
        _towards(frame, color, amount, frame)
