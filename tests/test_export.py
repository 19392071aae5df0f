"""Writing outputs atomically: temporary names, permissions, clean-up, and errors a user can act on."""
from __future__ import annotations

import os
import stat

import pytest
from PIL import Image

from creative.errors import CreativeError
from creative.render import export


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_outputs_get_the_usual_permissions_and_leave_no_temporary(tmp_path):
    img = Image.new("RGB", (40, 30), (200, 30, 40))
    out = export.save_image(img, tmp_path / "deep" / "er" / "banner.jpg")  # folders made on the way
    side = export.save_json({"title": "Tee 👕", "n": 3}, tmp_path / "deep" / "er" / "banner.json")
    for p in (out, side):
        assert stat.S_IMODE(p.stat().st_mode) == 0o666 & ~_umask()
    assert sorted(f.name for f in out.parent.iterdir()) == ["banner.jpg", "banner.json"]
    assert side.read_text(encoding="utf-8").startswith('{\n  "title": "Tee 👕"')
    with Image.open(out) as back:
        assert back.size == (40, 30)


def test_a_temporary_left_by_a_killed_writer_is_passed_over(tmp_path, monkeypatch):
    """Names are the process id and a counter: one already on disk is skipped, never overwritten."""
    monkeypatch.setattr(export, "_temp_seq", iter(range(3)))
    stale = tmp_path / f".out.json.{os.getpid()}-0.part"
    stale.write_bytes(b"half a file")
    export.save_json({"ok": True}, tmp_path / "out.json")
    assert stale.read_bytes() == b"half a file"
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == '{\n  "ok": true\n}'
    assert sorted(p.name for p in tmp_path.iterdir()) == [stale.name, "out.json"]


def test_a_failed_write_removes_its_temporary_and_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")

    def boom(fh):
        fh.write(b"new, partly")
        raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError):
        export._atomic_write(target, boom)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_an_output_folder_that_is_a_file_is_one_clear_error(tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder")
    with pytest.raises(CreativeError, match=r"taken/banner\.jpg: could not write"):
        export.save_image(Image.new("RGB", (8, 8)), tmp_path / "taken" / "banner.jpg")
