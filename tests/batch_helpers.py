"""Shared by the batch tests: synthetic feeds with real image files, and a CLI runner for subprocesses."""
from __future__ import annotations

import csv
import sys
import textwrap
from pathlib import Path

from creative.testing.fixtures import synthetic_product

KINDS = ("bottle", "wide", "round")
FIELDS = ["id", "title", "title:zh-CN", "description", "price", "sale_price", "image_link", "brand", "product_type"]

CLI = textwrap.dedent("""
    import sys
    from creative.cutout import REMOVERS, register_remover
    from creative.testing.fixtures import WhiteBackgroundRemover
    if "fake" not in REMOVERS:
        register_remover(WhiteBackgroundRemover)
    from creative.cli import app, main
    from creative.cli import batch
    if not any(c.name == "batch" for c in app.registered_commands):
        batch.register(app)
    main(sys.argv[1:])
""")


def photo(folder: Path, i: int) -> Path:
    """A distinct synthetic product photo (its own colour, so its own cut-out)."""
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / f"p{i}.png"
    if not p.exists():
        img, _ = synthetic_product(KINDS[i % 3], ((37 * i) % 200 + 20, (91 * i) % 200 + 20, (53 * i) % 200 + 30), size=(240, 320))
        img.save(p)
    return p


def good_row(folder: Path, i: int, **over) -> dict:
    photo(folder / "photos", i)
    row = {"id": f"SKU-{i}", "title": f"Product {i}", "title:zh-CN": f"商品 {i}", "description": "A fine thing.",
           "price": f"{20 + i}.00 USD", "sale_price": f"{15 + i}.00 USD" if i % 2 else "", "image_link": f"photos/p{i}.png",
           "brand": "Acme", "product_type": "Home > Things"}
    row.update(over)
    return row


def write_feed(folder: Path, rows: list[dict], name: str = "feed.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    with p.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return p


def feed(folder: Path, n: int) -> Path:
    return write_feed(folder, [good_row(folder, i) for i in range(n)])


def cli_script(tmp: Path) -> Path:
    p = tmp / "creative_cli.py"
    p.write_text(CLI, encoding="utf-8")
    return p


def cli_argv(tmp: Path, *args: str) -> list[str]:
    return [sys.executable, str(cli_script(tmp)), *args]
