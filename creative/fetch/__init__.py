"""Fetching from the web, safely: images named in feeds and product pages (AlibabaWOOD's input).

>>> policy = FetchPolicy()                                   # doctest: +SKIP
>>> with Fetcher(policy) as f:                               # doctest: +SKIP
...     page = fetch_product_page("https://shop.example/p/1", f)

Only http and https; limits on bytes, time and redirects; private, loopback and
link-local addresses are refused unless ``allow_private`` is set, and the check is
made on every resolved address of every hop (:mod:`creative.fetch.net`).
"""
from __future__ import annotations

from .net import BlockedAddressError, FetchError, FetchPolicy, Fetched, Fetcher, is_public_address
from .page import PageProduct, fetch_product_page, parse_product_page

__all__ = [
    "BlockedAddressError", "FetchError", "FetchPolicy", "Fetched", "Fetcher", "PageProduct",
    "fetch_product_page", "is_public_address", "parse_product_page",
]
