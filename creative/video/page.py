"""A product page link as the video's input (AlibabaWOOD's): the product's data and its photos.

The page is read and its images are downloaded exactly as a batch campaign's
``products: {pages: [...]}`` are (:func:`creative.batch.sources.page_record` over the safe
:class:`creative.fetch.Fetcher`: http and https only, bounded size, time and redirects,
private, loopback and link-local addresses refused unless ``allow_private_network``), into
``downloads`` (named by the URL's hash, so a second run reuses them). An image that cannot be
downloaded is reported and the others are used; a page none of whose images download fails.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CreativeError, InputError

if TYPE_CHECKING:  # pragma: no cover
    from ..feeds import ProductRecord

#: Images downloaded at once.
DOWNLOAD_THREADS = 4


def is_url(value: str | Path) -> bool:
    """True for an http or https link (a product page), false for a file path."""
    return isinstance(value, str) and value.strip().lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class PageInput:
    """What a product page gave: its product (title, prices, currency, brand, description) and photos."""

    url: str
    record: "ProductRecord"  #: title, price, original price, currency, brand, description
    photos: tuple[Path, ...]  #: downloaded images, in the page's order (its main image first)
    names: dict[Path, str]  #: downloaded file → its URL, for messages
    problems: tuple[str, ...]  #: images that could not be downloaded, and why


def fetch_page(url: str, downloads: str | Path, *, allow_private_network: bool = False, policy=None) -> PageInput:
    """Read the product page at ``url`` and download its images into ``downloads``.

    Raises :class:`creative.fetch.FetchError` (an InputError, naming the URL) when the page
    cannot be fetched, refuses the address, has no product, or none of its images download.
    """
    from ..batch.sources import page_record, prefetch
    from ..fetch import FetchPolicy, Fetcher

    pol = (policy or FetchPolicy()).with_(allow_private=allow_private_network)
    folder = Path(downloads)
    with Fetcher(pol) as fetcher:
        try:
            rec = page_record(url, fetcher)
        except CreativeError as e:
            msg = str(e)
            raise type(e)(msg if msg.startswith(url) else f"{url}: {msg}") from None
        images = (rec.image, *rec.additional_images)

        def get(image_url: str) -> Path | CreativeError:
            try:
                return fetcher.download_image(image_url, folder)
            except CreativeError as e:
                return e
            except OSError as e:  # the downloads folder cannot be written
                return InputError(f"{image_url}: cannot save the download in {folder} ({e.strerror or e})")

        got = list(prefetch(images, get, threads=DOWNLOAD_THREADS))
    photos: list[Path] = []
    names: dict[Path, str] = {}
    problems: list[str] = []
    for image_url, result in zip(images, got):
        if isinstance(result, Path):
            if result not in names:
                photos.append(result)
                names[result] = image_url
        else:
            msg = str(result)
            problems.append(f"{msg if msg.startswith(image_url) else f'{image_url}: {msg}'} (skipped)")
    if not photos:
        raise InputError(f"{url}: none of the page's {len(images)} image(s) could be downloaded; "
                         f"first: {problems[0].removesuffix(' (skipped)')}")
    return PageInput(url, rec, tuple(photos), names, tuple(problems))
