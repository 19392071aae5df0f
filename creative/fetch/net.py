"""Safe HTTP GET: http/https only, bounded bytes, time and redirects, no private addresses.

The private-address rule is enforced where the socket is opened, not on the URL's
text: a custom httpcore network backend resolves the host, checks *every* address
it resolves to with :mod:`ipaddress`, and connects to a checked address itself.
Redirects are followed by hand, one hop at a time, so each hop goes through the same
check (a public page redirecting to ``http://127.0.0.1/`` is refused, and so is a
name that resolves to ``10.0.0.5``). TLS still verifies the certificate against the
host name (httpcore passes it as ``server_hostname``). Proxies from the environment
are ignored (``trust_env=False``): through a proxy the check would apply to the proxy.
"""
from __future__ import annotations

import hashlib
import ipaddress
import os
import socket
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Iterable

import httpcore
import httpx

from ..errors import InputError

__all__ = ["BlockedAddressError", "FetchError", "FetchPolicy", "Fetched", "Fetcher", "is_public_address"]

REDIRECT_STATUSES = (301, 302, 303, 307, 308)
SCHEMES = ("http", "https")
USER_AGENT = "creative-batch/0.1 (+https://github.com/; product banner generator)"

#: Magic numbers of the image formats ``creative.material.load`` decodes.
_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"GIF87a", "gif"), (b"GIF89a", "gif"),
    (b"BM", "bmp"), (b"II*\x00", "tif"), (b"MM\x00*", "tif"),
)


class FetchError(InputError):
    """A URL could not be fetched within the policy; the message names the URL."""


class BlockedAddressError(FetchError):
    """The host resolves to an address the policy refuses (private, loopback, link-local...)."""


class _Blocked(Exception):
    """Raised inside the transport; turned into :class:`BlockedAddressError` with the URL."""

    def __init__(self, host: str, address: str, why: str):
        super().__init__(f"{host} resolves to {why} address {address}")
        self.host, self.address, self.why = host, address, why


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for one fetch. ``timeout`` bounds the whole fetch, redirects and body included."""

    allow_private: bool = False
    max_bytes: int = 25 * 1024 * 1024
    timeout: float = 20.0
    max_redirects: int = 5
    user_agent: str = USER_AGENT

    def with_(self, **changes) -> "FetchPolicy":
        from dataclasses import replace

        return replace(self, **changes)


def address_problem(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why ``ip`` is not a public unicast address ("loopback", "private"...), or None when it is."""
    if isinstance(ip, ipaddress.IPv6Address):
        for embedded in (ip.ipv4_mapped, ip.sixtofour, (ip.teredo or (None, None))[1]):
            if embedded is not None:
                inner = address_problem(embedded)
                if inner:
                    return inner
    for attr, name in (("is_loopback", "a loopback"), ("is_link_local", "a link-local"),
                       ("is_private", "a private"), ("is_multicast", "a multicast"),
                       ("is_unspecified", "an unspecified"), ("is_reserved", "a reserved")):
        if getattr(ip, attr):
            return name
    if not ip.is_global:
        return "a non-public"
    return None


def is_public_address(address: str) -> bool:
    """True for a public unicast IP address (the only kind fetched without ``allow_private``)."""
    return address_problem(ipaddress.ip_address(address.split("%", 1)[0])) is None


class _GuardedBackend(httpcore.SyncBackend):
    """Resolve, check every address, then connect to a checked address (never re-resolving)."""

    def __init__(self, allow_private: bool):
        super().__init__()
        self.allow_private = allow_private

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options: Iterable | None = None):
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as e:
            raise httpcore.ConnectError(f"cannot resolve host {host!r} ({e})") from None
        addresses: list[str] = []
        for _family, _type, _proto, _name, sockaddr in infos:
            addr = str(sockaddr[0])
            if addr not in addresses:
                addresses.append(addr)
        if not self.allow_private:
            for addr in addresses:  # one bad address is enough: DNS may rotate to it
                why = address_problem(ipaddress.ip_address(addr.split("%", 1)[0]))
                if why:
                    raise _Blocked(host, addr, why)
        last: Exception | None = None
        for addr in addresses:
            try:
                return super().connect_tcp(addr, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                last = e
        raise last or httpcore.ConnectError(f"no address for host {host!r}")


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport with its connection pool built on :class:`_GuardedBackend`."""

    def __init__(self, allow_private: bool):
        super().__init__(trust_env=False, retries=0)
        ssl_context = httpx.create_ssl_context(trust_env=False)
        # httpx 0.28 keeps the pool in ``_pool``; the version is pinned (a test checks the guard).
        self._pool = httpcore.ConnectionPool(ssl_context=ssl_context, network_backend=_GuardedBackend(allow_private),
                                             max_connections=32, max_keepalive_connections=8, retries=0)


@dataclass(frozen=True)
class Fetched:
    url: str
    final_url: str
    content_type: str  #: the header as sent, parameters included ("text/html; charset=gbk")
    body: bytes

    @property
    def mime(self) -> str:
        return self.content_type.split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.content_type.split(";")[1:]:
            k, _, v = part.partition("=")
            if k.strip().lower() == "charset" and v.strip():
                return v.strip().strip('"').lower()
        return None


def _check_url(url: str) -> httpx.URL:
    try:
        u = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as e:
        raise FetchError(f"{url}: not a valid URL ({e})") from None
    if u.scheme not in SCHEMES:
        raise FetchError(f"{url}: only http and https URLs are fetched (got '{u.scheme or 'no scheme'}')")
    if not u.host:
        raise FetchError(f"{url}: the URL has no host")
    return u


def image_extension(head: bytes) -> str | None:
    """File extension for image bytes by their magic number, or None when they are not an image."""
    for magic, ext in _IMAGE_MAGIC:
        if head.startswith(magic):
            return ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


class Fetcher:
    """An HTTP client bound to a :class:`FetchPolicy`; thread-safe, use as a context manager."""

    def __init__(self, policy: FetchPolicy | None = None):
        self.policy = policy or FetchPolicy()
        self._client_made: httpx.Client | None = None
        self._lock = threading.Lock()

    @property
    def _client(self) -> httpx.Client:
        """The HTTP client, made at the first request (its TLS set-up costs tens of milliseconds,
        which a batch of local files never needs)."""
        with self._lock:
            if self._client_made is None:
                self._client_made = httpx.Client(
                    transport=_GuardedTransport(self.policy.allow_private), trust_env=False,
                    follow_redirects=False, headers={"User-Agent": self.policy.user_agent})
            return self._client_made

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._client_made is not None:
                self._client_made.close()
                self._client_made = None

    def _stream(self, url: str, sink: Callable[[bytes], None], max_bytes: int) -> tuple[str, str]:
        """GET ``url`` following redirects; body chunks go to ``sink``. Returns (final URL, content type)."""
        pol = self.policy
        current = _check_url(url)
        deadline = time.monotonic() + pol.timeout
        for _hop in range(pol.max_redirects + 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FetchError(f"{url}: timed out after {pol.timeout:g} s")
            try:
                with self._client.stream("GET", current, timeout=httpx.Timeout(remaining)) as r:
                    if r.status_code in REDIRECT_STATUSES and "location" in r.headers:
                        nxt = r.url.join(r.headers["location"])
                        current = _check_url(str(nxt))
                        continue
                    if not 200 <= r.status_code < 300:
                        raise FetchError(f"{url}: HTTP {r.status_code} {r.reason_phrase}".rstrip())
                    declared = r.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > max_bytes:
                        raise FetchError(f"{url}: response is {int(declared):,} bytes, over the {max_bytes:,}-byte limit")
                    total = 0
                    for chunk in r.iter_bytes():
                        total += len(chunk)
                        if total > max_bytes:
                            raise FetchError(f"{url}: response is over the {max_bytes:,}-byte limit")
                        if time.monotonic() > deadline:
                            raise FetchError(f"{url}: timed out after {pol.timeout:g} s")
                        sink(chunk)
                    return str(r.url), r.headers.get("content-type", "").strip()
            except _Blocked as b:
                hint = "" if pol.allow_private else "; pass --allow-private-network to allow it"
                raise BlockedAddressError(f"{url}: refused: {b}{hint}") from None
            except httpx.TimeoutException:
                raise FetchError(f"{url}: timed out after {pol.timeout:g} s") from None
            except httpx.DecodingError as e:
                raise FetchError(f"{url}: bad response encoding ({e})") from None
            except (httpx.TransportError, httpcore.NetworkError) as e:
                raise FetchError(f"{url}: cannot connect ({e or type(e).__name__})") from None
        raise FetchError(f"{url}: too many redirects (more than {pol.max_redirects})")

    def get(self, url: str, *, max_bytes: int | None = None) -> Fetched:
        """The whole body in memory (for pages); bounded by ``max_bytes`` or the policy's limit."""
        parts: list[bytes] = []
        final, ctype = self._stream(url, parts.append, max_bytes or self.policy.max_bytes)
        return Fetched(url, final, ctype, b"".join(parts))

    def download_image(self, url: str, folder: Path) -> Path:
        """Download an image to ``folder`` (named by the URL's hash) unless already there; atomic.

        The bytes must start like an image (JPEG, PNG, WebP, GIF, BMP, TIFF); anything else,
        such as an HTML error page served with status 200, is refused with its content type.
        """
        name = hashlib.sha256(url.encode("utf-8")).hexdigest()
        dest = Path(folder) / name[:2] / f"{name}.img"
        if dest.is_file():
            return dest
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
        head = bytearray()
        try:
            with os.fdopen(fd, "wb") as fh:
                def sink(chunk: bytes, fh: IO[bytes] = fh) -> None:
                    if len(head) < 16:
                        head.extend(chunk[: 16 - len(head)])
                    fh.write(chunk)

                _final, ctype = self._stream(url, sink, self.policy.max_bytes)
            if not head:
                raise FetchError(f"{url}: the response is empty")
            if image_extension(bytes(head)) is None:
                raise FetchError(f"{url}: not an image (content type {ctype.split(';')[0] or 'unknown'})")
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return dest
