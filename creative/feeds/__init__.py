"""Product feeds: CSV/TSV and JSONL with Google Merchant fields, read as a stream of products.

>>> for item in read_feed("products.csv", columns={"title": "Product Name"}):   # doctest: +SKIP
...     if isinstance(item, RowError): print(item)
...     else: print(item.id, item.title, item.price)

Rows are validated one by one; a bad row becomes a :class:`RowError` naming the file,
line and reason, and reading goes on. Only problems that make the whole feed unusable
(missing file, a required column absent from the header) raise :class:`FeedError`.
"""
from __future__ import annotations

from .model import FEED_FIELDS, REQUIRED_FIELDS, FeedError, ProductRecord, RowError
from .read import count_rows, feed_format, read_feed

__all__ = ["FEED_FIELDS", "REQUIRED_FIELDS", "FeedError", "ProductRecord", "RowError", "count_rows",
           "feed_format", "read_feed"]
