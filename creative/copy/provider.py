"""Optional copy from any OpenAI-compatible chat endpoint, configured by environment variables.

``CREATIVE_COPY_URL``   base URL of the API, e.g. ``https://api.openai.com/v1`` or ``http://127.0.0.1:8000/v1``
``CREATIVE_COPY_KEY``   bearer token (optional for local servers)
``CREATIVE_COPY_MODEL`` model name (default ``gpt-4o-mini``)

One ``POST {url}/chat/completions`` per request, ``temperature`` 0 and the seed passed on;
answers are cached on disk by request, so a re-run gets the same words (and the same job
keys) without calling again. A role the model leaves out, or writes too long for its slot,
comes from the phrase banks and the copy's ``source`` says so. An endpoint that is
configured but unreachable is a :class:`CopyProviderError` naming the URL: the batch stops
with that message rather than silently writing different copy.

The endpoint is set by whoever runs the batch, not read from a feed, so it may be on a
private network (teams run models on their own machines).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Protocol

from ..errors import CreativeError, UsageError
from .engine import Copy, CopyRequest, write_copy
from .slots import text_units

ENV_URL, ENV_KEY, ENV_MODEL = "CREATIVE_COPY_URL", "CREATIVE_COPY_KEY", "CREATIVE_COPY_MODEL"
DEFAULT_MODEL = "gpt-4o-mini"
TIMEOUT = 30.0
PROVIDERS = ("auto", "bank", "openai")


class CopyProviderError(CreativeError):
    """The configured copy provider cannot be used (unreachable, refused, bad answers)."""


class CopyWriter(Protocol):
    name: str

    def write(self, req: CopyRequest) -> Copy: ...


class BankWriter:
    """The built-in phrase banks (:func:`creative.copy.engine.write_copy`)."""

    name = "bank"

    def write(self, req: CopyRequest) -> Copy:
        return write_copy(req)

    def describe(self) -> dict:
        return {"provider": "bank"}


_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.S)


class OpenAICompatibleWriter:
    """Copy from an OpenAI-compatible ``/chat/completions`` endpoint (see the module doc)."""

    name = "openai"

    def __init__(self, url: str, key: str | None = None, model: str = DEFAULT_MODEL, *, cache_dir: Path | None = None,
                 timeout: float = TIMEOUT):
        import httpx

        if not url.startswith(("http://", "https://")):
            raise UsageError(f"{ENV_URL}={url!r}: expected an http(s) URL such as https://api.openai.com/v1")
        self.url = url.rstrip("/")
        self.model = model
        self.cache_dir = Path(cache_dir) if cache_dir else None
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self._client = httpx.Client(timeout=timeout, headers=headers, trust_env=False)

    def describe(self) -> dict:
        return {"provider": "openai", "url": self.url, "model": self.model}

    def _prompt(self, req: CopyRequest) -> list[dict]:
        lim = req.limits
        zh = req.lang == "zh"

        def chars(units: int) -> int:
            return max(1, units // 2) if zh else units

        facts = {k: v for k, v in {
            "title": req.title, "description": req.description, "brand": req.brand, "product_type": req.product_type,
            "color": req.color, "price": str(req.price) if req.price is not None else None,
            "original_price": str(req.original_price) if req.original_price is not None else None,
            "currency": req.currency}.items() if v}
        roles = {r: chars(lim.of(r)) for r in ("headline", "subhead", "cta", "badge") if lim.of(r)}
        return [
            {"role": "system", "content": "You write short, truthful retail banner copy. Never invent claims about "
             "shipping, returns, stock or awards. Answer with one JSON object only."},
            {"role": "user", "content": json.dumps({
                "task": "Write banner copy for this product.", "language": req.locale, "occasion": req.occasion,
                "tone": req.tone, "product": facts,
                "fields": {r: f"at most {n} characters" for r, n in roles.items()},
                "answer_format": {r: "string" for r in roles}}, ensure_ascii=False)},
        ]

    def _ask(self, req: CopyRequest) -> dict:
        import httpx

        body = {"model": self.model, "messages": self._prompt(req), "temperature": 0, "seed": req.seed,
                "response_format": {"type": "json_object"}}
        key = hashlib.sha256(json.dumps([self.url, body], sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        cached = self.cache_dir / key[:2] / f"{key}.json" if self.cache_dir else None
        if cached is not None and cached.is_file():
            try:
                return json.loads(cached.read_text(encoding="utf-8"))
            except ValueError:
                pass
        endpoint = f"{self.url}/chat/completions"
        hint = f"; fix {ENV_URL} or unset it to use the built-in phrase banks"
        try:
            r = self._client.post(endpoint, json=body)
        except httpx.TimeoutException:
            raise CopyProviderError(f"copy provider {endpoint} did not answer within {TIMEOUT:g} s{hint}") from None
        except httpx.HTTPError as e:
            raise CopyProviderError(f"copy provider {endpoint} is unreachable ({e}){hint}") from None
        if r.status_code in (401, 403):
            raise CopyProviderError(f"copy provider {endpoint} refused the key (HTTP {r.status_code}); check {ENV_KEY}")
        if r.status_code != 200:
            raise CopyProviderError(f"copy provider {endpoint} answered HTTP {r.status_code}{hint}")
        try:
            text = r.json()["choices"][0]["message"]["content"]
            answer = json.loads(_FENCE.sub("", text.strip()))
        except (ValueError, KeyError, IndexError, TypeError):
            answer = {}  # not JSON: every role then comes from the banks (and says so)
        if not isinstance(answer, dict):
            answer = {}
        if cached is not None:
            from ..render.export import save_json

            save_json(answer, cached)
        return answer

    def write(self, req: CopyRequest) -> Copy:
        answer = self._ask(req)
        base = write_copy(req)
        lim = req.limits
        out: dict[str, str | None] = {}
        source: list[tuple[str, str]] = []
        for role in ("headline", "subhead", "cta", "badge"):
            v = answer.get(role)
            v = " ".join(v.split()) if isinstance(v, str) else ""
            if v and lim.of(role) and text_units(v) <= max(lim.of(role), 4) * 1.15:
                out[role] = v
                source.append((role, "llm"))
            else:
                out[role] = getattr(base, role)
                if out[role]:
                    source.append((role, "bank"))
        return Copy(out["headline"] or base.headline, out["subhead"], out["cta"], out["badge"], tuple(source))


def get_writer(provider: str = "auto", *, cache_dir: Path | None = None) -> BankWriter | OpenAICompatibleWriter:
    """``bank``, ``openai`` (needs ``CREATIVE_COPY_URL``) or ``auto`` (openai when configured)."""
    if provider not in PROVIDERS:
        raise UsageError(f"unknown copy provider '{provider}'; choose one of: {', '.join(PROVIDERS)}")
    url = os.environ.get(ENV_URL, "").strip()
    if provider == "bank" or (provider == "auto" and not url):
        return BankWriter()
    if not url:
        raise UsageError(f"copy provider 'openai' needs {ENV_URL} (and usually {ENV_KEY}, {ENV_MODEL})")
    return OpenAICompatibleWriter(url, os.environ.get(ENV_KEY) or None, os.environ.get(ENV_MODEL) or DEFAULT_MODEL,
                                  cache_dir=cache_dir)
