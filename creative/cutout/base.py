"""The remover contract and the registry of removers by name.

A remover turns an RGB photo into an "L" mask of the same size (255 = product).
Backends register with :func:`register_remover`; :func:`get_remover` hands out one
instance per name per process, so a backend's model session is created once and reused.
"""
from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import ClassVar, TypeVar

from PIL import Image

from creative.errors import InputError, UsageError


class Remover(ABC):
    """Base class for background removers. Subclasses set ``name`` and implement :meth:`mask`.

    Construction must be cheap (no model loading): load lazily on the first :meth:`mask`.
    """

    name: ClassVar[str]

    @abstractmethod
    def mask(self, rgb: Image.Image) -> Image.Image:
        """Return an "L" mask the size of ``rgb``: 255 where the product is, 0 elsewhere."""

    def options(self) -> Mapping[str, object]:
        """Settings that change the result; they are part of the cut-out cache key."""
        return {}


R = TypeVar("R", bound=type[Remover])

REMOVERS: dict[str, type[Remover]] = {}
_instances: dict[str, Remover] = {}
_lock = threading.Lock()


def register_remover(cls: R) -> R:
    """Class decorator: make ``cls`` available under ``cls.name``. A name clash is an error."""
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name:
        raise TypeError(f"{cls.__qualname__} needs a non-empty class attribute 'name'")
    existing = REMOVERS.get(name)
    if existing is not None and existing is not cls:
        raise ValueError(f"remover {name!r} is already registered by {existing.__qualname__}")
    REMOVERS[name] = cls
    return cls


def unregister_remover(name: str) -> None:
    """Remove ``name`` and its cached instance (for tests and plugins)."""
    with _lock:
        REMOVERS.pop(name, None)
        _instances.pop(name, None)


def get_remover(name: str) -> Remover:
    """The process-wide instance of remover ``name``; unknown names list the choices."""
    with _lock:
        inst = _instances.get(name)
        if inst is None:
            cls = REMOVERS.get(name)
            if cls is None:
                raise UsageError(
                    f"unknown remover {name!r}; choose one of: {', '.join(sorted(REMOVERS))}"
                )
            inst = _instances[name] = cls()
        return inst


@register_remover
class AlphaRemover(Remover):
    """Reuse the photo's own transparency; no model. Only works on RGBA input."""

    name = "alpha"

    def mask(self, rgb: Image.Image) -> Image.Image:
        if rgb.mode not in ("RGBA", "LA", "PA"):
            raise InputError("the photo has no transparency to reuse: choose a model remover (u2netp)")
        return rgb.getchannel("A")
