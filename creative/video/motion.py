"""Motion as plain functions of time: easing curves, entrances, Ken Burns, idle drift.

Everything here is arithmetic on scalars (no pixels): a :class:`Pose` says where a picture is
at a moment (scale about its box centre, offset in pixels, opacity). The compositor applies it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .spec import Motion


def ease(name: str, p: float) -> float:
    """Map progress ``p`` in [0, 1] through an easing curve (0 -> 0, 1 -> 1)."""
    p = min(1.0, max(0.0, p))
    if name == "linear":
        return p
    if name == "ease-in":
        return p * p * p
    if name == "ease-out":
        return 1 - (1 - p) ** 3
    if name == "ease-in-out":
        return 4 * p * p * p if p < 0.5 else 1 - (-2 * p + 2) ** 3 / 2
    if name == "back-out":
        c1 = 1.70158
        c3 = c1 + 1
        return 1 + c3 * (p - 1) ** 3 + c1 * (p - 1) ** 2
    if name == "elastic-out":
        if p in (0.0, 1.0):
            return p
        return 2 ** (-10 * p) * math.sin((p * 10 - 0.75) * (2 * math.pi) / 3) + 1
    raise ValueError(f"unknown easing '{name}'")


@dataclass(frozen=True)
class Pose:
    scale: float = 1.0
    dx: float = 0.0  # pixels
    dy: float = 0.0
    opacity: float = 1.0

    def visible(self) -> bool:
        return self.opacity > 0.002 and self.scale > 0.01


def entrance(kind: str, p: float, easing: str, box: tuple[int, int], canvas: tuple[int, int]) -> Pose:
    """The pose of an entering picture at progress ``p`` (1 = arrived)."""
    if kind == "none" or p >= 1.0:
        return Pose()
    e = ease(easing, p)
    lin = min(1.0, max(0.0, p))
    w, h = canvas
    if kind == "fade":
        return Pose(opacity=lin)
    if kind == "pop":
        return Pose(scale=max(0.0, e), opacity=min(1.0, lin * 3))
    if kind == "scale-in":
        return Pose(scale=1.35 - 0.35 * e, opacity=min(1.0, lin * 2))
    if kind == "slide-left":  # comes in from the right, moving left
        return Pose(dx=(1 - e) * w * 0.6, opacity=min(1.0, lin * 2))
    if kind == "slide-right":
        return Pose(dx=-(1 - e) * w * 0.6, opacity=min(1.0, lin * 2))
    if kind == "slide-up":
        return Pose(dy=(1 - e) * h * 0.25, opacity=min(1.0, lin * 2))
    if kind == "slide-down":
        return Pose(dy=-(1 - e) * h * 0.25, opacity=min(1.0, lin * 2))
    raise ValueError(f"unknown entrance '{kind}'")


def idle(t: float, amplitude: float, box: tuple[int, int], phase: float = 0.0) -> Pose:
    """A slow push-in with a gentle float, so that no shot is ever a still frame.

    The push-in grows steadily (it never returns to an earlier size), the float is two sines of
    unrelated periods, so two moments of a shot never look the same.
    """
    if amplitude <= 0:
        return Pose()
    w, h = box
    t = max(0.0, t)
    push = 1.0 + 1.5 * amplitude * (1.0 - math.exp(-t / 2.5))
    return Pose(scale=push, dx=amplitude * w * 0.5 * math.sin(2 * math.pi * t / 4.1 + phase),
                dy=-amplitude * h * 0.6 * math.sin(2 * math.pi * t / 2.7 + phase))


def combine(a: Pose, b: Pose) -> Pose:
    return Pose(a.scale * b.scale, a.dx + b.dx, a.dy + b.dy, a.opacity * b.opacity)


def pose_at(motion: Motion, t: float, duration: float, box: tuple[int, int], canvas: tuple[int, int],
            phase: float = 0.0) -> Pose:
    """Entrance, Ken Burns zoom and idle motion of a picture ``t`` seconds into its shot."""
    p_enter = t / motion.enter_duration if motion.enter_duration > 0 else 1.0
    pose = entrance(motion.enter, p_enter, motion.easing, box, canvas) if t >= 0 else Pose(opacity=0.0)
    z0, z1 = motion.zoom
    if z0 != z1:
        pose = combine(pose, Pose(scale=z0 + (z1 - z0) * ease("ease-in-out", t / max(duration, 1e-6))))
    elif z0 != 1.0:
        pose = combine(pose, Pose(scale=z0))
    return combine(pose, idle(t, motion.idle, box, phase))


def kenburns(motion: Motion, t: float, duration: float) -> tuple[float, float, float]:
    """Zoom and focus point (fractions of the picture) of a Ken Burns move at ``t``.

    With no zoom asked for, a gentle one from the idle amplitude keeps the picture alive.
    """
    p = ease("ease-in-out", t / max(duration, 1e-6)) if duration > 0 else 0.0
    z0, z1 = motion.zoom
    if z0 == z1 == 1.0 and motion.idle > 0:
        z1 = 1.0 + 2.5 * motion.idle
    zoom = z0 + (z1 - z0) * p
    fx0, fy0, fx1, fy1 = motion.pan
    return zoom, fx0 + (fx1 - fx0) * p, fy0 + (fy1 - fy0) * p
