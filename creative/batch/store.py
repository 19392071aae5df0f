"""The job store: ``manifest.jsonl`` in the output folder, one JSON record per finished job.

Promises, and how they are kept:

* **Nothing rendered twice.** A job whose key has an ``ok`` record (and whose image is still
  there) is skipped. A job killed after its files were renamed into place but before its
  record was appended is *adopted*: its sidecar ``.json`` carries the job key, so it is
  recorded without rendering again.
* **Nothing half-written.** Images and sidecars are written under a temporary name and
  renamed (``creative.render.export``); a record is appended only after both exist. Each
  record is one ``write()`` of one line under a file lock (``filelock``), so concurrent
  batches never interleave bytes; a line torn by a crash is skipped by readers and the next
  writer starts on a fresh line. Temporary ``.*.part`` files left by a killed run are
  removed at the start of the next run when no other run is active in the folder.
* **Two batches at once.** Each run holds a lock file under ``.creative/runs/`` for its
  lifetime (released by the kernel even on ``kill -9``); runs read each other's records as
  they go (:meth:`JobStore.refresh`), so they mostly split the work instead of repeating it.
"""
from __future__ import annotations

import errno
import json
import os
import time
import uuid
from pathlib import Path
from typing import Any, Iterator

from filelock import FileLock, Timeout

from ..errors import CreativeError

MANIFEST = "manifest.jsonl"


def iter_records(path: Path) -> Iterator[dict[str, Any]]:
    """Every well-formed record of a manifest (torn or foreign lines are skipped)."""
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        return
    with fh:
        for line in fh:
            rec = _parse(line)
            if rec is not None:
                yield rec


def _parse(line: bytes) -> dict[str, Any] | None:
    line = line.strip()
    if not line:
        return None
    try:
        rec = json.loads(line)
    except ValueError:
        return None
    return rec if isinstance(rec, dict) else None


class JobStore:
    """The manifest of one output folder; use as a context manager."""

    def __init__(self, out_dir: Path, state_dir: Path):
        self.out_dir = Path(out_dir)
        self.state_dir = Path(state_dir)
        self.path = self.out_dir / MANIFEST
        self.run_id = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.done: set[str] = set()
        self._offset = 0
        self._fd: int | None = None
        self._lock = FileLock(str(self.state_dir / "manifest.lock"))
        self._run_lock: FileLock | None = None
        self.cleaned_parts = 0

    def __enter__(self) -> "JobStore":
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            (self.state_dir / "runs").mkdir(exist_ok=True)
            self._run_lock = FileLock(str(self.state_dir / "runs" / f"{self.run_id}.lock"))
            self._run_lock.acquire(timeout=0)
            self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)  # read: the last byte (append_many)
        except OSError as e:
            raise CreativeError(f"{self.out_dir}: cannot use the output folder ({e.strerror or e})") from None
        self.refresh()
        if self._alone():
            self.cleaned_parts = self._clean_parts()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._fd is not None:
            try:
                os.fsync(self._fd)
            except OSError:
                pass
            os.close(self._fd)
            self._fd = None
        if self._run_lock is not None:
            self._run_lock.release()
            Path(self._run_lock.lock_file).unlink(missing_ok=True)
            self._run_lock = None

    # -- reading -----------------------------------------------------------------------------------------

    def refresh(self) -> int:
        """Read records appended since the last look (by this run or another); returns how many."""
        n = 0
        try:
            with self.path.open("rb") as fh:
                fh.seek(self._offset)
                data = fh.read()
        except FileNotFoundError:
            return 0
        end = data.rfind(b"\n")
        if end < 0:
            return 0
        for line in data[: end + 1].splitlines():
            rec = _parse(line)
            if rec is not None and rec.get("kind") == "job" and rec.get("key"):
                n += 1
                if rec.get("status") == "ok":
                    self.done.add(rec["key"])
                else:
                    self.done.discard(rec["key"])
        self._offset += end + 1
        return n

    def is_done(self, key: str, out_path: str) -> bool:
        """Finished before (by a record) and its image is still there."""
        return key in self.done and os.path.isfile(out_path)

    @staticmethod
    def finished_on_disk(key: str, out_path: str) -> bool:
        """The image and its sidecar are in place and the sidecar names this job key."""
        if not os.path.isfile(out_path):
            return False
        side = Path(out_path).with_suffix(".json")
        try:
            return json.loads(side.read_text(encoding="utf-8")).get("job_key") == key
        except (OSError, ValueError, AttributeError):
            return False

    # -- writing -----------------------------------------------------------------------------------------

    def append(self, record: dict[str, Any]) -> None:
        """Append one record as one line, under the folder's lock."""
        self.append_many([record])

    def append_many(self, records: list[dict[str, Any]]) -> None:
        """Append records as lines in one write, under one hold of the folder's lock (a product's
        jobs finish together: one lock and one write instead of one per job)."""
        if self._fd is None:
            raise RuntimeError("JobStore is not open")
        if not records:
            return
        now = round(time.time(), 3)
        records = [{"run": self.run_id, "t": now, **r} for r in records]
        data = b"".join((json.dumps(r, ensure_ascii=False, separators=(",", ":"), default=str) + "\n").encode("utf-8")
                        for r in records)
        try:
            with self._lock:
                size = os.fstat(self._fd).st_size
                if size and os.pread(self._fd, 1, size - 1) != b"\n":
                    data = b"\n" + data  # a torn line before us: start on a fresh one
                written = os.write(self._fd, data)
                if written != len(data):
                    raise OSError(errno.ENOSPC, "short write")
                if size == self._offset:  # nobody wrote since our last look: no need to read our own lines back
                    self._offset = size + written
        except OSError as e:
            raise CreativeError(f"{self.path}: cannot append to the manifest ({e.strerror or e})") from None
        for record in records:
            if record.get("kind") == "job" and record.get("status") == "ok":
                self.done.add(record["key"])

    # -- other runs and leftovers ------------------------------------------------------------------------

    def _alone(self) -> bool:
        """True when no other run holds its lock in this folder (stale lock files are removed)."""
        alone = True
        for f in (self.state_dir / "runs").glob("*.lock"):
            if self._run_lock is not None and f == Path(self._run_lock.lock_file):
                continue
            other = FileLock(str(f))
            try:
                other.acquire(timeout=0)
            except Timeout:
                alone = False
                continue
            other.release()
            f.unlink(missing_ok=True)
        return alone

    def _clean_parts(self) -> int:
        """Remove ``.*.part`` temporaries a killed run left in the output tree."""
        n = 0
        for root, _dirs, files in os.walk(self.out_dir):
            for name in files:
                if name.startswith(".") and name.endswith(".part"):
                    try:
                        os.unlink(os.path.join(root, name))
                        n += 1
                    except OSError:
                        pass
        return n
