"""Products for a batch, streamed: feed rows or product pages, each with its photo on disk.

Rows come from :func:`creative.feeds.read_feed` one at a time. Each product's photo is
resolved in a small thread pool a few products ahead of the renderer (order kept): a
local path is confined to the allowed folders and hashed; a URL is downloaded through the
safe fetcher into ``OUT/.creative/downloads`` (once: re-runs reuse the file); a product
page is fetched and read first. Every failure becomes a :class:`ProductFailure` with the
reason; nothing here stops the stream.
"""
from __future__ import annotations

import hashlib
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, TypeVar

from ..errors import CreativeError
from ..feeds import ProductRecord, RowError, count_rows, read_feed
from ..fetch import Fetcher, fetch_product_page
from ..material.load import content_hash
from .expand import ResolvedProduct
from .paths import confine
from .plan import Plan

T = TypeVar("T")
R = TypeVar("R")
PREFETCH_THREADS = 8
PREFETCH_WINDOW = 32


@dataclass(frozen=True)
class ProductFailure:
    """A product that cannot be rendered (image missing, download refused, page unreadable...)."""

    product_id: str | None
    where: str
    reason: str


@dataclass(frozen=True)
class Unresolved:
    """A product whose photo is a URL not downloaded yet (dry runs do not download)."""

    record: ProductRecord


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def records(plan: Plan) -> Iterator[ProductRecord | RowError | str]:
    """Feed rows as products or row errors; for product pages, the URLs themselves.

    The feed is opened now, so a missing file or a header without the required columns is
    an error here, before anything starts."""
    src = plan.campaign.products
    if not src.feed:
        return iter(src.pages[: src.limit] if src.limit else src.pages)
    rows = read_feed(plan.feed_path, columns=src.columns, encoding=src.encoding, currency=src.currency)
    return _limited(rows, src.limit)


def _limited(rows: Iterator[ProductRecord | RowError], limit: int | None) -> Iterator[ProductRecord | RowError]:
    n = 0
    for item in rows:
        yield item
        if isinstance(item, ProductRecord):
            n += 1
            if limit and n >= limit:
                return


def count_products(plan: Plan) -> int:
    """Rows (or pages) to expect, for a progress total; streams the feed once without validating."""
    src = plan.campaign.products
    n = count_rows(plan.feed_path, src.encoding) if src.feed else len(src.pages)
    return min(n, src.limit) if src.limit else n


def page_record(url: str, fetcher: Fetcher) -> ProductRecord:
    from ..content import parse_price

    page = fetch_product_page(url, fetcher)
    price = parse_price(page.price) if page.price else None
    original = parse_price(page.original_price, "original price") if page.original_price else None
    if original is not None and (price is None or original <= price):
        original = None
    return ProductRecord(id=page.id, title=page.title[:200], image=page.images[0], source=url, price=price,
                         original_price=original, currency=page.currency, description=page.description,
                         brand=page.brand, link=page.url, additional_images=page.images[1:])


#: At most this many photos of one product are looked at (image_link first).
MAX_PHOTOS_PER_PRODUCT = 6


class Resolver:
    """Turns records into products with a local, hashed photo (thread-safe)."""

    def __init__(self, plan: Plan, fetcher: Fetcher | None, *, download: bool = True):
        self.plan = plan
        self.fetcher = fetcher
        self.download = download
        self.downloads = plan.state_dir / "downloads"
        feed = plan.feed_path
        self.base = feed.parent if feed else plan.base_dir
        self.roots = plan.roots + ((feed.parent,) if feed else ())

    def __call__(self, item: ProductRecord | RowError | str) -> ResolvedProduct | ProductFailure | RowError | Unresolved:
        if isinstance(item, RowError):
            return item
        rec: ProductRecord | None = None
        try:
            if isinstance(item, str):
                if self.fetcher is None:  # dry run: the page is not fetched
                    return Unresolved(ProductRecord(id=item, title=item, image=item, source=item))
                rec = page_record(item, self.fetcher)
            else:
                rec = item
            return self.resolve(rec)
        except CreativeError as e:
            return ProductFailure(rec.id if rec else None, rec.where if rec else str(item), str(e))
        except OSError as e:
            return ProductFailure(rec.id if rec else None, rec.where if rec else str(item),
                                  f"cannot read the image ({e.strerror or e})")

    def resolve(self, rec: ProductRecord) -> ResolvedProduct | Unresolved:
        path = self._local(rec.image)
        if path is None:
            return Unresolved(rec)
        notes: tuple[str, ...] = ()
        if self.plan.campaign.products.choose_photo and rec.additional_images:
            path, notes = self._best_photo(path, rec.additional_images)
        return ResolvedProduct(rec, path, content_hash(path), notes)

    def _local(self, image: str) -> Path | None:
        """The image on disk: a confined local path, or a URL downloaded once (None: not downloaded
        because this is a dry run)."""
        if is_url(image):
            name = hashlib.sha256(image.encode("utf-8")).hexdigest()
            cached = self.downloads / name[:2] / f"{name}.img"
            if cached.is_file():
                return cached
            if not self.download or self.fetcher is None:
                return None
            return self.fetcher.download_image(image, self.downloads)
        path = confine(image, self.base, self.roots, "image")
        if not path.is_file():
            raise CreativeError(f"image not found: {image}")
        return path

    def _best_photo(self, main: Path, extra: tuple[str, ...]) -> tuple[Path, tuple[str, ...]]:
        """The best of a product's photos by material analysis, and a note for each one skipped.
        When every photo is rejected the main one is still used (and the notes say why)."""
        from ..material.analyze import usable_material

        notes: list[str] = []
        shown = {main: str(main)}  # a downloaded photo is named by its URL in the notes
        for image in extra[:MAX_PHOTOS_PER_PRODUCT - 1]:
            try:
                p = self._local(image)
            except CreativeError as e:
                notes.append(f"skipped {image}: {e}")
                continue
            if p is not None:
                shown.setdefault(p, image)
        usable, warnings, _ = usable_material(list(shown), names=shown)
        notes.extend(warnings)
        return (usable[0] if usable else main), tuple(notes)


def prefetch(items: Iterable[T], fn: Callable[[T], R], threads: int = PREFETCH_THREADS,
             window: int = PREFETCH_WINDOW) -> Iterator[R]:
    """``map(fn, items)`` run ``window`` items ahead in ``threads`` threads, results in order."""
    with ThreadPoolExecutor(threads, thread_name_prefix="creative-fetch") as pool:
        queue: deque = deque()
        try:
            for it in items:
                queue.append(pool.submit(fn, it))
                if len(queue) >= window:
                    yield queue.popleft().result()
            while queue:
                yield queue.popleft().result()
        finally:
            for f in queue:
                f.cancel()


def products(plan: Plan, fetcher: Fetcher | None, *, download: bool = True, threads: int = PREFETCH_THREADS
             ) -> Iterator[ResolvedProduct | ProductFailure | RowError | Unresolved]:
    """The batch's products in feed order, photos resolved ahead in threads; page duplicates reported.

    Feed-level errors (missing file, missing columns) are raised by this call, not later."""
    return _products(plan, records(plan), Resolver(plan, fetcher, download=download), threads)


def _products(plan: Plan, recs, resolver: "Resolver", threads: int):
    seen: set[str] = set()
    for item in prefetch(recs, resolver, threads=threads):
        if isinstance(item, (ResolvedProduct, Unresolved)) and not plan.campaign.products.feed:
            pid = item.record.id
            if pid in seen:
                yield ProductFailure(pid, item.record.where, f"duplicate product id '{pid}' (another page has it)")
                continue
            seen.add(pid)
        yield item
