"""Streaming CSV/TSV and JSONL feed readers with column mapping and per-row validation.

The file is read line by line in binary and decoded per line (``surrogateescape``), so a
100,000-row feed never sits in memory and one line of Latin-1 bytes in a UTF-8 feed is
one reported row, not a crash. A UTF-8 byte-order mark is dropped; UTF-16 feeds (with
their BOM) are decoded as such. The standard library's :mod:`csv` does the quoting.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Mapping

from ..content import MAX_TITLE_CHARS, clean_text, parse_price
from ..errors import CreativeError
from .model import FEED_FIELDS, LOCALIZED_FIELDS, REQUIRED_FIELDS, FeedError, ProductRecord, RowError

__all__ = ["count_rows", "feed_format", "read_feed"]

FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
#: Other common names for Merchant fields, used when the canonical column is absent.
ALIASES: dict[str, str] = {
    "sku": "id", "item_id": "id", "product_id": "id", "name": "title", "product_name": "title",
    "image": "image_link", "image_url": "image_link", "imagelink": "image_link", "photo": "image_link",
    "additional_image_links": "additional_image_link", "url": "link", "product_url": "link",
    "regular_price": "price", "list_price": "price", "brand_name": "brand", "colour": "color",
}
MAX_ID_CHARS = 200
_BAD_BYTES = re.compile("[\udc80-\udcff]")
_PRICE_CODE = re.compile(r"^\s*(?:([A-Za-z]{3})\s+)?(.*?)(?:\s+([A-Za-z]{3}))?\s*$", re.S)


def feed_format(path: str | Path) -> str:
    """``"csv"`` or ``"jsonl"`` from the file name; anything else is a :class:`FeedError`."""
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        raise FeedError(f"{path}: a JSON array cannot be streamed; write one product per line (JSON Lines, .jsonl)")
    if suffix not in FORMATS:
        raise FeedError(f"{path}: unknown feed type '{suffix or '(none)'}'; use .csv, .tsv or .jsonl")
    return FORMATS[suffix]


def _norm(name: str) -> str:
    """Header name -> field name: ``"Image Link"`` -> ``image_link``; ``"Title:zh-CN"`` -> ``title:zh-cn``."""
    base, sep, loc = name.strip().lstrip("\ufeff").partition(":")
    base = re.sub(r"[\s\-]+", "_", base.strip().lower())
    return f"{base}:{loc.strip().lower().replace('_', '-')}" if sep else base


def _shown(text: str) -> str:
    """Feed text quoted in a message: control characters (line breaks, terminal escapes) escaped."""
    return text if text.isprintable() else repr(text)[1:-1]


def _check_mapping(columns: Mapping[str, str] | None, source: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for field, col in (columns or {}).items():
        f = _norm(field)
        if f not in FEED_FIELDS and f.split(":")[0] not in LOCALIZED_FIELDS:
            raise FeedError(f"{source}: column mapping names unknown field '{field}'; fields: {', '.join(FEED_FIELDS)}")
        if not isinstance(col, str) or not col.strip():
            raise FeedError(f"{source}: column mapping for '{field}' must be a column name")
        out[f] = col
    return out


def _map_header(header: list[str], mapping: dict[str, str], source: str, *, strict: bool) -> dict[str, Any]:
    """field -> key (column index for CSV, key for JSONL). ``strict``: raise for absent required fields."""
    normed = [_norm(h) for h in header]
    out: dict[str, Any] = {}
    used: set[int] = set()
    for field, col in mapping.items():
        want = _norm(col)
        if want not in normed:
            if strict:
                raise FeedError(f"{source}: column '{_shown(col)}' (mapped to {field}) is not in the header; "
                                f"columns: {', '.join(map(_shown, header))}")
            continue
        i = normed.index(want)
        out[field], used = i, used | {i}
    for i, n in enumerate(normed):
        if i in used:
            continue
        field = n if (n in FEED_FIELDS or n.split(":")[0] in LOCALIZED_FIELDS and ":" in n) else ALIASES.get(n)
        if field and field not in out:
            out[field] = i
    if strict:
        missing = [f for f in REQUIRED_FIELDS if f not in out]
        if missing:
            raise FeedError(f"{source}: required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                            f"missing (columns: {', '.join(map(_shown, header)) or 'none'}); map other names with 'columns:'")
    return out


def _price(raw: str, what: str) -> tuple[Decimal | None, str | None]:
    """``"15.00 USD"``, ``"USD 15"``, ``"$15"`` -> (amount, currency code or None)."""
    if raw is None or not str(raw).strip():
        return None, None
    m = _PRICE_CODE.match(str(raw))
    code = None
    text = str(raw)
    if m and (m.group(1) or m.group(3)):
        code = (m.group(1) or m.group(3)).upper()
        text = m.group(2)
    return parse_price(text, what), code


def _text(v: Any) -> str | None:
    """A cell as one clean line of text, or None when empty."""
    if v is None or v == "":
        return None
    if isinstance(v, (list, tuple)):
        v = ",".join(str(x) for x in v)
    s = str(v)
    if not (s.isascii() and s.isprintable()):  # the fast path skips Unicode normalisation for plain ASCII
        s = clean_text(s)
    s = " ".join(s.split())  # feeds wrap text freely; a banner wants one line of it
    return s or None


def _record(values: dict[str, Any], source: str, line: int, currency: str | None) -> ProductRecord | RowError:
    """Validate one row's field values into a product, or say what is wrong with it."""
    pid = _text(values.get("id"))
    if not pid:
        return RowError(source, line, "empty id")
    if len(pid) > MAX_ID_CHARS:
        return RowError(source, line, f"id is {len(pid)} characters; at most {MAX_ID_CHARS}")
    title = _text(values.get("title"))
    if not title:
        return RowError(source, line, "empty title", pid)
    if len(title) > MAX_TITLE_CHARS:
        return RowError(source, line, f"title is {len(title)} characters; at most {MAX_TITLE_CHARS} fit a banner", pid)
    image = _text(values.get("image_link"))
    if not image:
        return RowError(source, line, "no image (image_link is empty)", pid)
    try:
        price, c1 = _price(values.get("price"), "price")
        sale, c2 = _price(values.get("sale_price"), "sale_price")
    except CreativeError as e:
        return RowError(source, line, _shown(str(e)), pid)  # the cell is quoted in it
    explicit = _text(values.get("currency"))
    codes = {c for c in (c1, c2, explicit.upper() if explicit else None) if c}
    if len(codes) > 1:
        return RowError(source, line, f"prices in different currencies: {', '.join(sorted(codes))}", pid)
    cur = next(iter(codes), None) or currency
    if cur is not None and (len(cur) != 3 or not cur.isalpha()):
        return RowError(source, line, f"bad currency '{cur}': expected an ISO code such as USD, CNY or EUR", pid)
    original = None
    if sale is not None:
        if price is not None and sale > price:
            return RowError(source, line, f"sale_price {sale} is above price {price}", pid)
        original = price if price is not None and sale < price else None
        price = sale
    extra = values.get("additional_image_link")
    if isinstance(extra, str):
        extra = [e for e in (x.strip() for x in extra.split(",")) if e]
    labels = tuple(t for t in (_text(values.get(f"custom_label_{i}")) for i in range(5)) if t)
    localized = tuple((k.split(":")[0], k.split(":", 1)[1], t) for k, v in values.items()
                      if ":" in k and (t := _text(v)))
    return ProductRecord(
        id=pid, title=title, image=image, source=source, line=line, price=price, original_price=original,
        currency=cur.upper() if cur else None, description=_text(values.get("description")),
        brand=_text(values.get("brand")), product_type=_text(values.get("product_type")),
        color=_text(values.get("color")), link=_text(values.get("link")), labels=labels,
        additional_images=tuple(str(e) for e in (extra or ()) if str(e).strip()), localized=localized,
    )


class _Dupes:
    """Remembers ids by an 8-byte digest (a 100,000-row feed costs a few MB) and their line."""

    def __init__(self) -> None:
        self.seen: dict[int, int] = {}

    def check(self, rec: ProductRecord | RowError) -> ProductRecord | RowError:
        if isinstance(rec, RowError):
            return rec
        h = int.from_bytes(hashlib.blake2b(rec.id.encode("utf-8"), digest_size=8).digest(), "big")
        first = self.seen.get(h)
        if first is not None:
            return RowError(rec.source, rec.line, f"duplicate id '{rec.id}' (first on line {first}); row skipped", rec.id)
        self.seen[h] = rec.line
        return rec


def _open(path: Path) -> io.BufferedReader:
    if not path.exists():
        raise FeedError(f"{path}: feed file not found")
    if path.is_dir():
        raise FeedError(f"{path}: is a folder, expected a feed file")
    try:
        return path.open("rb")  # a BufferedReader: it can peek at the byte-order mark
    except OSError as e:
        raise FeedError(f"{path}: cannot read the feed ({e.strerror or e})") from None


def _lines(fh: IO[bytes], encoding: str) -> Iterator[str]:
    """Decoded lines; undecodable bytes survive as lone surrogates and are reported per row."""
    head = fh.peek(4)[:4] if hasattr(fh, "peek") else b""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        yield from io.TextIOWrapper(fh, encoding="utf-16", errors="surrogateescape", newline="")
        return
    first = True
    for raw in fh:
        if first:
            raw = raw.removeprefix(codecs.BOM_UTF8)
            first = False
        yield raw.decode(encoding, errors="surrogateescape")


def _bad_bytes(cells: Iterable[str]) -> str | None:
    for c in cells:
        m = _BAD_BYTES.search(c)
        if m:
            byte = ord(m.group(0)) - 0xDC00
            return (f"line is not UTF-8 text (byte 0x{byte:02X}); save the feed as UTF-8 "
                    "or set the feed's encoding (for example latin-1)")
    return None


def _delimiter(header_line: str, path: Path) -> str:
    if path.suffix.lower() in (".tsv", ".txt"):
        return "\t"
    counts = {d: header_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(path: Path, fh: IO[bytes], mapping: dict[str, str], encoding: str, currency: str | None):
    lines = _lines(fh, encoding)
    first = next(lines, None)
    header_line = 1
    while first is not None and not first.strip():
        first, header_line = next(lines, None), header_line + 1
    if first is None:
        raise FeedError(f"{path}: the feed is empty")
    delim = _delimiter(first, path)
    try:
        header = next(csv.reader([first], delimiter=delim))
    except csv.Error as e:
        raise FeedError(f"{path}: cannot parse the header line ({e})") from None
    if _bad_bytes(header):
        raise FeedError(f"{path}: the header is not UTF-8 text; save the feed as UTF-8 or set its encoding")
    cols = _map_header(header, mapping, str(path), strict=True)
    src = str(path)
    counter = _Counted(lines, header_line)
    reader = csv.reader(counter, delimiter=delim)
    start = header_line + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield RowError(src, start, f"cannot parse the row ({e})")
            start = counter.n + 1
            continue
        line, start = start, counter.n + 1
        if not row or not any(c.strip() for c in row):
            continue
        bad = _bad_bytes(row)
        if bad:
            yield RowError(src, line, bad)
            continue
        if len(row) != len(header):
            yield RowError(src, line, f"row has {len(row)} cells, the header has {len(header)} (a missing or extra separator?)")
            continue
        values = {f: row[i] for f, i in cols.items()}
        yield _record(values, src, line, currency)


class _Counted:
    """Iterator over lines that counts how many were handed out (the line number after a record)."""

    def __init__(self, it: Iterator[str], consumed: int):
        self.it, self.n = it, consumed  # lines already read (the header and any blank lines before it)

    def __iter__(self) -> "_Counted":
        return self

    def __next__(self) -> str:
        line = next(self.it)
        self.n += 1
        return line


def _read_jsonl(path: Path, fh: IO[bytes], mapping: dict[str, str], encoding: str, currency: str | None):
    src = str(path)
    cache: dict[tuple[str, ...], dict[str, Any]] = {}
    for n, line in enumerate(_lines(fh, encoding), start=1):
        if not line.strip():
            continue
        if _BAD_BYTES.search(line):
            yield RowError(src, n, _bad_bytes([line]) or "not UTF-8")
            continue
        try:
            obj = json.loads(line)
        except ValueError as e:
            yield RowError(src, n, f"not valid JSON ({e.msg} at column {e.colno})")
            continue
        if not isinstance(obj, dict):
            yield RowError(src, n, f"expected a JSON object per line, got {type(obj).__name__}")
            continue
        keys = tuple(obj)
        if keys not in cache:
            if len(cache) > 64:
                cache.clear()
            cache[keys] = _map_header(list(keys), mapping, src, strict=False)
        cols = cache[keys]
        missing = [f for f in REQUIRED_FIELDS if f not in cols]
        if missing:
            yield RowError(src, n, f"missing field{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
                           _text(obj.get(mapping.get("id", "id"))))
            continue
        values = {f: obj[keys[i]] for f, i in cols.items()}
        yield _record(values, src, n, currency)


def read_feed(path: str | Path, *, columns: Mapping[str, str] | None = None, encoding: str = "utf-8",
              currency: str | None = None) -> Iterator[ProductRecord | RowError]:
    """Stream the feed's products (and :class:`RowError` for rows that are not usable).

    ``columns`` maps field names to the feed's own column names (``{"title": "Product Name"}``);
    ``currency`` is used for rows whose price carries no code. Duplicate ids after the first
    are row errors. Raises :class:`FeedError` (before yielding anything) for a missing file,
    an unknown type or a required column absent from a CSV header.
    """
    p = Path(path)
    kind = feed_format(p)
    mapping = _check_mapping(columns, str(p))
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise FeedError(f"{p}: unknown text encoding '{encoding}'") from None
    fh = _open(p)
    gen = (_read_csv if kind == "csv" else _read_jsonl)(p, fh, mapping, encoding, currency)
    dupes = _Dupes()

    def stream() -> Iterator[ProductRecord | RowError]:
        with fh:
            for rec in gen:
                yield dupes.check(rec)

    # Validate the header now so feed-level errors surface at the call, not at the first next().
    it = stream()
    try:
        first = next(it)
    except StopIteration:
        return iter(())
    except BaseException:
        fh.close()
        raise

    def chained() -> Iterator[ProductRecord | RowError]:
        yield first
        yield from it

    return chained()


def count_rows(path: str | Path, encoding: str = "utf-8") -> int:
    """Number of non-blank records (for progress totals); streams, validates nothing."""
    p = Path(path)
    kind = feed_format(p)
    with _open(p) as fh:
        lines = _lines(fh, encoding)
        if kind == "jsonl":
            return sum(1 for line in lines if line.strip())
        n = -1
        try:
            for row in csv.reader(lines, delimiter="\t" if p.suffix.lower() in (".tsv", ".txt") else _sniff_first(p, encoding)):
                if row and any(c.strip() for c in row):
                    n += 1
        except csv.Error:
            pass
        return max(0, n)


def _sniff_first(p: Path, encoding: str) -> str:
    with _open(p) as fh:
        for line in _lines(fh, encoding):
            if line.strip():
                return _delimiter(line, p)
    return ","
