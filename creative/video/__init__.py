"""Promo videos: product photos and clips in, a directed short video out.

- ``spec``        storyboard models (scenes, texts, media, motion, transitions, music)
- ``load``        storyboard YAML in/out with errors naming file, line and field; JSON Schema
- ``styles``      video styles by name (pacing, motion, transitions, the banner template they share)
- ``director``    product + material -> storyboard (``plan``): material analysis, hero, style, cuts on beats
- ``motion``      easing, entrances, Ken Burns, idle drift (scalars only)
- ``textanim``    fitted text drawn once and revealed (fade, slide, scale, words, chars; CJK-aware)
- ``transitions`` cut, crossfade, slide, wipe, zoom, fade through a colour
- ``composite``   premultiplied sprites blended only where they are
- ``scene``       one scene's pixels at any time (pre-rendered backdrop + moving parts)
- ``clips``       clip probing, best segment, decoding; crop around the subject (material.focal)
- ``audio``/``soundtrack`` synthesised bed, user music, ducking, loudness
- ``beats``       onset strength, tempo and beat tracking of the user's music (Ellis 2007)
- ``page``        a product page link as input: its product data and downloaded photos
- ``encode``      frames piped to ffmpeg (H.264 + AAC, faststart), previews
- ``render``      storyboard -> MP4 + poster + manifest (``render_storyboard``)
- ``promo``       ``promo_inputs``, ``make_promo``, ``plan_promo``, ``render_promo``, ``sample_promos``

Importing this package loads only the storyboard models; rendering imports OpenCV, PyAV and
ffmpeg on first use.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .load import StoryboardError, dump_storyboard, json_schema, load_storyboard, parse_storyboard, save_storyboard
from .spec import Scene, Storyboard

if TYPE_CHECKING:  # pragma: no cover
    from .promo import PromoInputs, make_promo, plan_promo, promo_inputs, render_promo, sample_promos
    from .render import VideoResult, render_frame, render_storyboard

_LAZY = {
    "make_promo": "promo", "plan_promo": "promo", "render_promo": "promo", "sample_promos": "promo",
    "promo_inputs": "promo", "PromoInputs": "promo",
    "render_storyboard": "render", "render_frame": "render", "VideoResult": "render", "plan": "director",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(name)


__all__ = [
    "PromoInputs", "Scene", "Storyboard", "StoryboardError", "VideoResult", "dump_storyboard", "json_schema", "load_storyboard",
    "make_promo", "parse_storyboard", "plan", "plan_promo", "promo_inputs", "render_frame", "render_promo", "render_storyboard",
    "sample_promos", "save_storyboard",
]
