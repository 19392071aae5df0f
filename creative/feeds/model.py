"""One product as the batch sees it, from a feed row or a product page, and one bad row."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..errors import InputError

#: Google Merchant field names the reader understands (after column mapping).
FEED_FIELDS: tuple[str, ...] = (
    "id", "title", "description", "link", "image_link", "additional_image_link", "price", "sale_price",
    "currency", "brand", "product_type", "google_product_category", "color",
    "custom_label_0", "custom_label_1", "custom_label_2", "custom_label_3", "custom_label_4",
)
#: Columns a feed must have (after mapping); rows may still lack a value and are then reported.
REQUIRED_FIELDS: tuple[str, ...] = ("id", "title", "image_link")
#: Fields that may come per locale as ``title:zh-CN``.
LOCALIZED_FIELDS: tuple[str, ...] = ("title", "description")


class FeedError(InputError):
    """The feed as a whole cannot be read (missing file, required column absent...)."""


@dataclass(frozen=True)
class ProductRecord:
    """A validated product. ``price`` is what it sells for now; ``original_price`` the regular
    price when it is on sale (Merchant's ``price`` when ``sale_price`` is set)."""

    id: str
    title: str
    image: str  #: a local path as written in the feed (relative to the feed's folder) or a URL
    source: str  #: the feed file or the product page URL
    line: int = 0  #: 1-based line in the feed (0 for product pages)
    price: Decimal | None = None
    original_price: Decimal | None = None
    currency: str | None = None
    description: str | None = None
    brand: str | None = None
    product_type: str | None = None
    color: str | None = None
    link: str | None = None
    labels: tuple[str, ...] = ()  #: custom_label_0..4, empty ones dropped
    additional_images: tuple[str, ...] = ()
    localized: tuple[tuple[str, str, str], ...] = ()  #: (field, locale lower-case, text)

    def text(self, name: str, locale: str) -> str | None:
        """``title``/``description`` in ``locale`` when the feed has it (``title:zh-CN``), else the default."""
        loc = locale.lower().replace("_", "-")
        lang = loc.split("-")[0]
        for want in (loc, lang):
            for f, l, v in self.localized:
                if f == name and l == want:
                    return v
        return getattr(self, name)

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source


@dataclass(frozen=True)
class RowError:
    """A row that could not become a product, with the reason."""

    source: str
    line: int
    reason: str
    id: str | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        who = f" (id {self.id})" if self.id else ""
        return f"{where}{who}: {self.reason}"
