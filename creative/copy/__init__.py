"""Banner copy: headline, subhead, call to action and badge, per locale, occasion and tone.

>>> from creative.copy import CopyRequest, write_copy
>>> c = write_copy(CopyRequest("cup-1", "Espresso Cup Set", locale="en-US", occasion="black-friday",
...                            price=Decimal("19.99"), original_price=Decimal("29.99")))
>>> c.badge in ("-33%", "33% OFF", "SAVE 33%", "SAVE $10")
True

The built-in writer uses phrase banks (:mod:`creative.copy.banks`, zh and en) and is
deterministic for a seed; :mod:`creative.copy.provider` adds an optional OpenAI-compatible
endpoint configured by environment variables. :func:`slot_limits` says how much text each
slot of a template holds at a size, so the copy fits before text fitting has to shrink it.
"""
from __future__ import annotations

from decimal import Decimal  # noqa: F401  (used by the doctest above)

from .banks import OCCASIONS, TONES
from .engine import Copy, CopyRequest, shorten_title, write_copy
from .provider import PROVIDERS, BankWriter, CopyProviderError, OpenAICompatibleWriter, get_writer
from .slots import SlotLimits, slot_limits, text_units

__all__ = [
    "OCCASIONS", "PROVIDERS", "TONES", "BankWriter", "Copy", "CopyProviderError", "CopyRequest",
    "OpenAICompatibleWriter", "SlotLimits", "get_writer", "shorten_title", "slot_limits", "text_units", "write_copy",
]
