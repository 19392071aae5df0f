"""creative: a marketing creative generator.

Where things live (one hop from here):

- ``creative.material.load``  safe photo loading (EXIF, modes, size limits)
- ``creative.cutout``         product cut-out: remover registry, rembg backend, on-disk cache
- ``creative.color``          palette extraction, schemes and roles, WCAG contrast
- ``creative.text``           font registry and per-glyph fallback; ``text.fit`` decides a headline's size
- ``creative.template``       template spec models, loading, JSON Schema, bundled templates
- ``creative.layout``         template x canvas -> element boxes (nothing here draws)
- ``creative.render``         boxes -> pixels, export, manifest (nothing here decides positions)
- ``creative.propose``        candidate designs, scoring and ranking
- ``creative.cli``            the thin Typer command line

Heavy libraries (onnxruntime, rembg, cv2) are imported lazily by the code that needs them.
"""
__version__ = "0.1.0"
