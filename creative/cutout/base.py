"""The remover contract and the registry of removers by name.

A remover turns an RGB photo into an "L" mask of the same size (255 = product).
Backends register with :func:`register_remover`; :func:`get_remover` hands out one
instance per name per process, so a backend's model session is created once and reused.
"""
from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar, TypeVar

import numpy as np
from PIL import Image

from creative.errors import InputError, UsageError


@dataclass(frozen=True)
class Matte:
    """A remover's full answer: alpha at the photo's size and the path that made it."""

    alpha: np.ndarray  #: float32 H×W in 0–1
    method: str  #: e.g. "u2netp+refine", "plain+u2netp", "plain"


class Remover(ABC):
    """Base class for background removers. Subclasses set ``name`` and implement :meth:`mask`.

    Construction must be cheap (no model loading): load lazily on the first :meth:`mask`.
    Removers that know more than a mask (which path they took) override :meth:`matte`.
    """

    name: ClassVar[str]

    @abstractmethod
    def mask(self, rgb: Image.Image) -> Image.Image:
        """Return an "L" mask the size of ``rgb``: 255 where the product is, 0 elsewhere."""

    def matte(self, rgb: Image.Image) -> Matte:
        """Alpha (float 0–1) and the method used; by default :meth:`mask` scaled to 0–1."""
        m = self.mask(rgb)
        if m.size != rgb.size:
            raise ValueError(f"remover {self.name!r} returned a {m.size} mask for a {rgb.size} photo")
        arr = np.asarray(m if m.mode == "L" else m.convert("L"), dtype=np.float32) / 255.0
        return Matte(arr, self.name)

    def options(self) -> Mapping[str, object]:
        """Settings that change the result; they are part of the cut-out cache key."""
        return {}


R = TypeVar("R", bound=type[Remover])

REMOVERS: dict[str, type[Remover]] = {}
_instances: dict[str, Remover] = {}
_lock = threading.Lock()
#: Functions that build a remover for a name that is not registered (e.g. a path to an
#: ``.onnx`` file); each returns None when the name is not theirs.
RESOLVERS: list[Callable[[str], Remover | None]] = []


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
                for resolve in RESOLVERS:
                    found = resolve(name)
                    if found is not None:
                        inst = _instances[name] = found
                        return inst
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
