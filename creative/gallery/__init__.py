"""Review gallery: a static page of everything in an output folder (``build_gallery``), and a
localhost server that rebuilds and live-reloads it while a batch runs (``serve_gallery``).

- ``scan``    items (images, videos with posters) and their manifests; proposal sets
- ``thumbs``  cached thumbnails in ``OUT/_gallery/thumbs``
- ``page``    the HTML (filters and grouping by product, template, size, segment, locale)
- ``build``   ``build_gallery(out_dir)`` -> ``OUT/index.html``
- ``serve``   ``serve_gallery(out_dir, port=...)``
"""
from .build import GalleryResult, build_gallery
from .serve import serve_gallery

__all__ = ["GalleryResult", "build_gallery", "serve_gallery"]
