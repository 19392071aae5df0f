"""What the merchant says about the product: title, prices, badge, call to action.

``Content`` is immutable and validated once; ``text_for(role)`` is what a text
slot of that role shows. Prices are formatted per locale and currency with Babel.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .errors import UsageError

MAX_TITLE_CHARS = 200
MAX_LINE_CHARS = 120

DEFAULT_CTA = {"en": "Shop now", "zh": "立即购买"}
#: C0 controls (but the line break), DEL and the C1 controls (0x80-0x9f: terminals act on some), zero-width marks.
_CTRL = ({chr(c) for c in range(0x20) if chr(c) != "\n"} | {chr(c) for c in range(0x7f, 0xa0)}
         | {"\u200b", "\u200c", "\u200d", "\ufeff", "\u2060"})


_ISO_CODE = re.compile(r"^[A-Za-z]{3}(?=[\s\d$€£¥])|(?<=[\s\d])[A-Za-z]{3}$")


def clean_text(value: str) -> str:
    """Strip control and zero-width characters and surrounding white space."""
    return "".join(ch for ch in unicodedata.normalize("NFC", value) if ch not in _CTRL).strip()


def parse_price(value: str | float | int | Decimal | None, what: str = "price") -> Decimal | None:
    """``"19.99"``, ``"$1,299"``, ``"¥199"`` -> Decimal; None stays None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    bare = _ISO_CODE.sub("", text)  # "15.00 USD", "USD 15": the code is the caller's to read
    if any(not (ch.isdigit() or ch in ".,-' \u00a0\u2009\u202f" or unicodedata.category(ch) == "Sc") for ch in bare):
        # letters, exponents, control characters: "1e999", "2 for 10", "4\x0b2" are not prices to guess at
        shown = text if text.isprintable() else repr(text)[1:-1]
        raise UsageError(f"bad {what} '{shown}': expected a number such as 19.99")
    digits = "".join(ch for ch in text if ch.isdigit() or ch in ".,-")
    if digits.count(",") and digits.count("."):
        digits = digits.replace(",", "")
    elif digits.count(",") == 1 and len(digits.split(",")[1]) in (1, 2):
        digits = digits.replace(",", ".")
    else:
        digits = digits.replace(",", "")
    try:
        amount = Decimal(digits)
    except InvalidOperation:
        raise UsageError(f"bad {what} '{value}': expected a number such as 19.99") from None
    if not amount.is_finite() or amount < 0 or amount > Decimal("1e12"):
        raise UsageError(f"bad {what} '{value}': expected a positive amount")
    return amount


@lru_cache(maxsize=4096)
def format_price(amount: Decimal, currency: str, locale: str) -> str:
    """Locale-aware currency formatting; whole amounts drop the decimals (¥199, $20).

    Babel loads its locale data on first use (about 50 ms a process), so answers are kept in
    the cache (``creative.disk_cache``), keyed by the arguments and the installed Babel."""
    from . import disk_cache

    entry = disk_cache.entry("prices", disk_cache.key_of("price-v1", str(amount), currency, locale, _babel_stamp()))
    hit = disk_cache.read_json(entry)
    if isinstance(hit, str):
        return hit
    text = _format_price(amount, currency, locale)
    disk_cache.write_json(entry, text)
    return text


@lru_cache(maxsize=1)
def _babel_stamp() -> str:
    """Where Babel is installed and when: found without importing it."""
    import importlib.util
    import os

    spec = importlib.util.find_spec("babel")
    origin = spec.origin if spec and spec.origin else ""
    try:
        return f"{origin}:{os.stat(origin).st_mtime_ns}"
    except OSError:
        return origin


def _format_price(amount: Decimal, currency: str, locale: str) -> str:
    from babel import Locale
    from babel.numbers import format_currency

    loc = Locale.parse(locale.replace("-", "_"))
    if amount == amount.to_integral_value():
        pattern = loc.currency_formats["standard"].pattern.replace(".00", "").replace(".##", "")
        return format_currency(amount, currency, format=pattern, locale=loc, currency_digits=False)
    return format_currency(amount, currency, locale=loc)


def _lang(locale: str) -> str:
    return locale.replace("_", "-").split("-")[0].lower()


@dataclass(frozen=True)
class Content:
    title: str
    subhead: str | None = None
    price: Decimal | None = None
    original_price: Decimal | None = None
    currency: str = "USD"
    locale: str = "en-US"
    badge: str | None = None
    cta: str | None = None
    brand: str | None = None
    extra: tuple[tuple[str, str], ...] = field(default=())

    @classmethod
    def create(
        cls,
        title: str,
        *,
        subhead: str | None = None,
        price: str | float | Decimal | None = None,
        original_price: str | float | Decimal | None = None,
        currency: str = "USD",
        locale: str = "en-US",
        badge: str | None = None,
        cta: str | None = None,
        brand: str | None = None,
    ) -> "Content":
        """Validate user input; raises UsageError naming the bad field."""
        t = clean_text(title or "")
        if not t:
            raise UsageError("title is empty: give the product's name with --title")
        if len(t) > MAX_TITLE_CHARS:
            raise UsageError(f"title is {len(t)} characters long; at most {MAX_TITLE_CHARS} fit a banner")
        opt = {}
        for name, value in (("subhead", subhead), ("badge", badge), ("cta", cta), ("brand", brand)):
            v = clean_text(value) if value else None
            if v and len(v) > MAX_LINE_CHARS:
                raise UsageError(f"{name} is {len(v)} characters long; at most {MAX_LINE_CHARS}")
            opt[name] = v or None
        cur = (currency or "USD").strip().upper()
        if len(cur) != 3 or not cur.isalpha():
            raise UsageError(f"bad currency '{currency}': expected an ISO code such as USD, CNY or EUR")
        try:
            from babel import Locale

            Locale.parse(locale.replace("-", "_"))
        except (ValueError, TypeError) as e:
            raise UsageError(f"bad locale '{locale}': {e}") from None
        p = parse_price(price)
        op = parse_price(original_price, "original price")
        if op is not None and p is None:
            raise UsageError("an original price needs a price (--price) as well")
        return cls(title=t, price=p, original_price=op, currency=cur, locale=locale, **opt)

    @property
    def lang(self) -> str:
        return _lang(self.locale)

    def discount_badge(self) -> str | None:
        if self.price is None or self.original_price is None or self.original_price <= self.price:
            return None
        off = 1 - self.price / self.original_price
        if self.lang == "zh":
            zhe = (self.price / self.original_price * 10).quantize(Decimal("0.1"))
            return f"{zhe.normalize():f}折"
        return f"-{int(round(off * 100))}%"

    def text_for(self, role: str) -> str | None:
        """The words a slot of this role shows, or None when the product has none."""
        if role == "headline":
            return self.title
        if role == "subhead":
            return self.subhead
        if role == "price":
            return format_price(self.price, self.currency, self.locale) if self.price is not None else None
        if role == "original_price":
            if self.original_price is None or self.price is None or self.original_price <= self.price:
                return None
            return format_price(self.original_price, self.currency, self.locale)
        if role == "badge":
            return self.badge or self.discount_badge()
        if role == "cta":
            return self.cta or DEFAULT_CTA.get(self.lang, DEFAULT_CTA["en"])
        if role == "brand":
            return self.brand
        raise KeyError(role)

    def with_(self, **changes) -> "Content":
        return replace(self, **changes)

    def to_dict(self) -> dict:
        return {
            "title": self.title, "subhead": self.subhead,
            "price": str(self.price) if self.price is not None else None,
            "original_price": str(self.original_price) if self.original_price is not None else None,
            "currency": self.currency, "locale": self.locale, "badge": self.text_for("badge"),
            "cta": self.text_for("cta"), "brand": self.brand,
        }
