"""Promo videos: product photos and clips in, a directed short video out.

- ``spec``        storyboard models (scenes, texts, media, motion, transitions, music)
- ``load``        storyboard YAML in/out with errors naming file, line and field; JSON Schema
- ``styles``      video styles by name (pacing, motion, transitions, the banner template they share)
- ``director``    product + material -> storyboard (``plan``), cuts on the music's beats
- ``motion``      easing, entrances, Ken Burns, idle drift (scalars only)
- ``textanim``    fitted text drawn once and revealed (fade, slide, scale, words, chars; CJK-aware)
- ``transitions`` cut, crossfade, slide, wipe, zoom, fade through a colour
- ``composite``   premultiplied sprites blended only where they are
- ``scene``       one scene's pixels at any time (pre-rendered backdrop + moving parts)
- ``clips``/``crop`` clip probing, best segment, decoding; crop around the subject
- ``audio``/``soundtrack`` synthesised bed, user music, ducking, loudness
- ``encode``      frames piped to ffmpeg (H.264 + AAC, faststart), previews
- ``render``      storyboard -> MP4 + poster + manifest (``render_storyboard``)
- ``promo``       ``make_promo``, ``plan_promo``, ``render_promo``, ``sample_promos``

Importing this package loads only the storyboard models; rendering imports OpenCV, PyAV and
ffmpeg on first use.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .load import StoryboardError, dump_storyboard, json_schema, load_storyboard, parse_storyboard, save_storyboard
from .spec import Scene, Storyboard

if TYPE_CHECKING:  # pragma: no cover
    from .promo import make_promo, plan_promo, render_promo, sample_promos
    from .render import VideoResult, render_frame, render_storyboard

_LAZY = {
    "make_promo": "promo", "plan_promo": "promo", "render_promo": "promo", "sample_promos": "promo",
    "render_storyboard": "render", "render_frame": "render", "VideoResult": "render", "plan": "director",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(name)


__all__ = [
    "Scene", "Storyboard", "StoryboardError", "VideoResult", "dump_storyboard", "json_schema", "load_storyboard",
    "make_promo", "parse_storyboard", "plan", "plan_promo", "render_frame", "render_promo", "render_storyboard",
    "sample_promos", "save_storyboard",
]
