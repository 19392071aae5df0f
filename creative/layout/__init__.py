"""Template x canvas -> element boxes. ``engine.layout`` is the entry point."""
from .engine import Element, Layout, ProductShape, canvas_unit, choose_variant, layout

__all__ = ["Element", "Layout", "ProductShape", "canvas_unit", "choose_variant", "layout"]
