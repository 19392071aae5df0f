"""A product from its web page: schema.org ``Product`` JSON-LD first, then OpenGraph and meta tags.

Parsing uses the standard library's tolerant :class:`html.parser.HTMLParser` (it never
executes anything and copes with broken markup) and :mod:`json`; the page's own scripts
are never run. Relative image links are resolved against the page's final URL (or its
``<base href>``).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Iterator
from urllib.parse import urljoin

from .net import FetchError, Fetcher

__all__ = ["PageProduct", "fetch_product_page", "parse_product_page"]

MAX_PAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGES = 8
_HTML_TYPES = ("text/html", "application/xhtml+xml", "")
_LIST_PRICE = ("listprice", "strikethroughprice", "msrp", "srp")


@dataclass(frozen=True)
class PageProduct:
    """What a product page says about its product. ``price`` is what it sells for now;
    ``original_price`` the list/strike-through price when the page gives one."""

    url: str
    id: str
    title: str
    images: tuple[str, ...]
    description: str | None = None
    price: str | None = None
    original_price: str | None = None
    currency: str | None = None
    brand: str | None = None
    source: str = "json-ld"  #: "json-ld" or "opengraph" (meta tags) for the title


@dataclass
class _Scan:
    ld_json: list[str] = field(default_factory=list)
    meta: dict[str, list[str]] = field(default_factory=dict)
    title: str = ""
    base: str | None = None
    charset: str | None = None


class _Collector(HTMLParser):
    """Collect JSON-LD blocks, ``<meta>`` properties, ``<title>`` and ``<base href>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = _Scan()
        self._in: str | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "script" and a.get("type", "").strip().lower() == "application/ld+json":
            self._in, self._buf = "ld", []
        elif tag == "title" and not self.scan.title:
            self._in, self._buf = "title", []
        elif tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").strip().lower()
            if key and "content" in a:
                self.scan.meta.setdefault(key, []).append(a["content"].strip())
            if a.get("charset"):
                self.scan.charset = a["charset"].strip().lower()
        elif tag in ("link", "img") and a.get("itemprop", "").lower() == "image":
            src = a.get("href") or a.get("src")
            if src:
                self.scan.meta.setdefault("itemprop:image", []).append(src.strip())
        elif tag == "base" and a.get("href") and self.scan.base is None:
            self.scan.base = a["href"].strip()

    def handle_data(self, data: str) -> None:
        if self._in:
            self._buf.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._in == "ld" and tag == "script":
            self.scan.ld_json.append("".join(self._buf))
            self._in = None
        elif self._in == "title" and tag == "title":
            self.scan.title = " ".join("".join(self._buf).split())
            self._in = None


def _types(node: dict) -> set[str]:
    t = node.get("@type", ())
    items = t if isinstance(t, list) else [t]
    return {str(x).rsplit("/", 1)[-1].lower() for x in items}


def _walk(data: Any, depth: int = 0) -> Iterator[dict]:
    """Every JSON object in a JSON-LD document (``@graph``, lists, nesting), breadth-limited."""
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data[:200]:
            yield from _walk(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "itemListElement", "item", "hasVariant"):
            if key in data:
                yield from _walk(data[key], depth + 1)


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if value is None:
        return None
    s = " ".join(str(value).split())
    return s or None


def _images(value: Any) -> list[str]:
    out: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            item = item.get("contentUrl") or item.get("url")
        if isinstance(item, str) and item.strip():
            out.append(item.strip())
    return out


def _offer_prices(offers: Any) -> tuple[str | None, str | None, str | None]:
    """(price, original price, currency) from ``offers`` (Offer, AggregateOffer or a list)."""
    price = original = currency = None
    for offer in offers if isinstance(offers, list) else [offers]:
        if not isinstance(offer, dict):
            continue
        currency = currency or _text(offer.get("priceCurrency"))
        p = offer.get("price", offer.get("lowPrice"))
        if price is None and p not in (None, ""):
            price = _text(p)
        specs = offer.get("priceSpecification")
        for spec in specs if isinstance(specs, list) else [specs]:
            if not isinstance(spec, dict):
                continue
            kind = str(spec.get("priceType", "")).rsplit("/", 1)[-1].lower()
            currency = currency or _text(spec.get("priceCurrency"))
            if kind in _LIST_PRICE and original is None:
                original = _text(spec.get("price"))
            elif price is None and spec.get("price") not in (None, ""):
                price = _text(spec.get("price"))
    return price, original, currency


def _from_json_ld(blocks: list[str]) -> dict[str, Any]:
    for raw in blocks:
        try:
            doc = json.loads(raw.strip().rstrip(";"))
        except ValueError:
            continue  # one broken block must not hide a good one
        for node in _walk(doc):
            if "product" not in _types(node) and "productgroup" not in _types(node):
                continue
            name = _text(node.get("name"))
            if not name:
                continue
            price, original, currency = _offer_prices(node.get("offers"))
            return {
                "title": name, "description": _text(node.get("description")),
                "images": _images(node.get("image")), "price": price, "original_price": original,
                "currency": currency, "brand": _text(node.get("brand")),
                "id": _text(node.get("sku") or node.get("productID") or node.get("mpn") or node.get("gtin13")),
            }
    return {}


def _first(meta: dict[str, list[str]], *keys: str) -> str | None:
    for k in keys:
        for v in meta.get(k, ()):
            if v:
                return " ".join(v.split())
    return None


def _from_meta(scan: _Scan) -> dict[str, Any]:
    m = scan.meta
    images = [v for k in ("og:image:secure_url", "og:image", "og:image:url", "twitter:image", "itemprop:image", "image")
              for v in m.get(k, ()) if v]
    sale = _first(m, "product:sale_price:amount")
    price = _first(m, "product:price:amount", "og:price:amount", "price")
    original = _first(m, "product:original_price:amount")
    if sale and price and sale != price:
        price, original = sale, original or price
    return {
        "title": _first(m, "og:title", "twitter:title", "name") or (scan.title or None),
        "description": _first(m, "og:description", "description", "twitter:description"),
        "images": images, "price": price, "original_price": original,
        "currency": _first(m, "product:price:currency", "og:price:currency", "product:sale_price:currency", "pricecurrency"),
        "brand": _first(m, "product:brand", "og:brand", "brand"),
        "id": _first(m, "product:retailer_item_id", "sku"),
        "is_product": bool(price) or _first(m, "og:type") in ("product", "og:product", "product.item"),
    }


def _dedupe(items: list[str]) -> tuple[str, ...]:
    seen: list[str] = []
    for i in items:
        if i not in seen:
            seen.append(i)
    return tuple(seen[:MAX_IMAGES])


def parse_product_page(html: str, url: str) -> PageProduct:
    """Read the product from a page's HTML; raises :class:`FetchError` when there is none."""
    collector = _Collector()
    try:
        collector.feed(html)
        collector.close()
    except (AssertionError, ValueError):  # pathological markup: keep what was collected
        pass
    scan = collector.scan
    ld = _from_json_ld(scan.ld_json)
    meta = _from_meta(scan)
    if not ld and not meta.get("is_product"):
        raise FetchError(f"{url}: no product data on the page (no schema.org Product JSON-LD, "
                         "no OpenGraph product or price tags)")
    merged = {k: ld.get(k) or meta.get(k) for k in ("title", "description", "price", "original_price", "currency", "brand", "id")}
    base = urljoin(url, scan.base) if scan.base else url
    images = _dedupe([urljoin(base, i) for i in (ld.get("images") or []) + (meta.get("images") or [])
                      if not i.startswith("data:")])
    if not merged["title"]:
        raise FetchError(f"{url}: the product on the page has no name")
    if not images:
        raise FetchError(f"{url}: the product '{merged['title']}' has no image on the page")
    pid = merged["id"] or "page-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:12]
    return PageProduct(url=url, id=str(pid), title=merged["title"], images=images, description=merged["description"],
                       price=merged["price"], original_price=merged["original_price"],
                       currency=(merged["currency"] or "").upper() or None, brand=merged["brand"],
                       source="json-ld" if ld else "opengraph")


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _decode(body: bytes, header_charset: str | None) -> str:
    for cs in (header_charset, None):
        if cs is None:
            m = _META_CHARSET.search(body[:4096])
            cs = m.group(1).decode("ascii").lower() if m else None
        if cs:
            try:
                return body.decode(cs, errors="replace")
            except LookupError:
                continue
    return body.decode("utf-8", errors="replace")


def fetch_product_page(url: str, fetcher: Fetcher) -> PageProduct:
    """Fetch ``url`` (within the fetcher's policy) and read its product."""
    page = fetcher.get(url, max_bytes=min(MAX_PAGE_BYTES, fetcher.policy.max_bytes))
    if page.mime not in _HTML_TYPES:
        raise FetchError(f"{url}: expected an HTML product page, got {page.mime}")
    return parse_product_page(_decode(page.body, page.charset), page.final_url)
