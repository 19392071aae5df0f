"""Boxes -> pixels (``compose``), shapes and fills (``paint``), files (``export``), sidecars (``manifest``)."""
from .compose import Rendered, TextRecord, render
from .export import save_image, save_json

__all__ = ["Rendered", "TextRecord", "render", "save_image", "save_json"]
