"""Testing helpers shipped with creative: image comparison and golden files.

``assert_image_similar`` is the one home for image assertions; ``check_golden``
compares a render with a stored golden, writing expected/actual/diff images on a
mismatch. The project's own golden tests use these, and so can users' tests.

Also here: the pytest plugin (``pytest_plugin``: ``creative_golden``, ``creative_render_golden``),
``render.render_for_golden`` (one renderer for plugin and CLI), ``golden_cases`` (``creative golden
check/update``), ``browser`` (headless Chromium for tests) and ``fixtures`` (synthetic products).
"""
from .images import GoldenMismatch, ImageDiff, Tolerance, assert_image_similar, check_golden, image_diff, region_difference

__all__ = ["GoldenMismatch", "ImageDiff", "Tolerance", "assert_image_similar", "check_golden", "image_diff",
           "region_difference"]
