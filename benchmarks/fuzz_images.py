#!/usr/bin/env python3
"""A longer fuzz session of image loading: mutate valid images of every accepted format and
check that ``load_image`` either returns an RGBA image or raises a CreativeError naming the file.

    .venv/bin/python benchmarks/fuzz_images.py --minutes 5 --seed 1

Prints a summary; any other exception is a finding and is saved under ``--out``.
"""
from __future__ import annotations

import argparse
import collections
import io
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from creative.errors import CreativeError  # noqa: E402
from creative.material.load import load_image  # noqa: E402
from creative.testing.fixtures import synthetic_product  # noqa: E402

FORMATS = [("PNG", ".png", {}), ("JPEG", ".jpg", {"quality": 85}), ("WEBP", ".webp", {}), ("GIF", ".gif", {}),
           ("BMP", ".bmp", {}), ("TIFF", ".tiff", {}), ("PNG", ".png", {"bits": 16})]


def seeds() -> list[tuple[bytes, str]]:
    img = synthetic_product("bottle", (40, 120, 200), (96, 128))[0]
    out = []
    for fmt, ext, kw in FORMATS:
        buf = io.BytesIO()
        if kw.get("bits") == 16:
            img.convert("I;16").save(buf, fmt)
        else:
            img.save(buf, fmt, **kw)
        out.append((buf.getvalue(), ext))
    anim = io.BytesIO()
    img.save(anim, "GIF", save_all=True, append_images=[img.rotate(90)], duration=50)
    out.append((anim.getvalue(), ".gif"))
    return out


def mutate(rng: random.Random, data: bytes) -> bytes:
    raw = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 4, 8, 32])):
        op = rng.random()
        i = rng.randrange(len(raw))
        if op < 0.5:
            raw[i] = rng.randrange(256)
        elif op < 0.7:
            del raw[i : i + rng.randrange(1, 64)]
        elif op < 0.85:
            raw[i:i] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
        else:
            raw[i : i + 4] = rng.choice([b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\x7f\xff\xff\xff"])
        if not raw:
            raw = bytearray(b"\x00")
    if rng.random() < 0.2:
        raw = raw[: rng.randrange(1, len(raw) + 1)]
    return bytes(raw)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "creative-fuzz-findings")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    pool = seeds()
    work = Path(tempfile.mkdtemp(prefix="creative-fuzz-"))
    outcomes: collections.Counter[str] = collections.Counter()
    findings = 0
    slowest = 0.0
    end = time.monotonic() + a.minutes * 60
    n = 0
    while time.monotonic() < end:
        data, ext = rng.choice(pool)
        blob = mutate(rng, data)
        p = work / f"case{ext}"
        p.write_bytes(blob)
        t0 = time.perf_counter()
        try:
            img = load_image(p)
            assert img.mode == "RGBA"
            outcomes["loaded"] += 1
        except CreativeError as e:
            assert str(p) in str(e), e
            outcomes[f"error: {type(e).__name__}"] += 1
        except Exception:  # a finding
            findings += 1
            a.out.mkdir(parents=True, exist_ok=True)
            (a.out / f"finding-{findings}{ext}").write_bytes(blob)
            (a.out / f"finding-{findings}.txt").write_text(traceback.format_exc())
            outcomes["FINDING"] += 1
        slowest = max(slowest, time.perf_counter() - t0)
        n += 1
    print(f"fuzz_images: {n} cases in {a.minutes:g} min (seed {a.seed}); slowest case {slowest * 1000:.0f} ms")
    for k, v in outcomes.most_common():
        print(f"  {k}: {v}")
    print(f"findings: {findings}" + (f" (saved in {a.out})" if findings else ""))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
