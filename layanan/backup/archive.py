"""The contents of a backup archive: typed frames inside the encrypted stream (:mod:`.stream`).

Each frame is ``type (1 byte) || length (u32) || payload``. In order:

- ``H`` the header (JSON): format version, created-at, source engine, the migrations applied at
  the source, the file areas and what the archive leaves out;
- for every table: ``T`` (JSON: model, table, columns), ``R`` frames (a JSON list of rows, each a
  list of column values) and ``t`` (JSON: rows and the SHA-256 of the ``R`` payloads);
- for every file: ``F`` (JSON: area, name), ``D`` frames (bytes) and ``f`` (JSON: size, SHA-256);
- ``M`` the manifest (JSON): every table with its row count and SHA-256, every file with its
  size and SHA-256;
- ``Z`` the end.

The manifest comes last so that one pass writes the archive with no temporary copy; ``restore``
reads the archive twice, checking every hash against the manifest before it writes anything.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from layanan.backup.stream import ArchiveError, DecryptingReader, EncryptingWriter

HEADER, TABLE, ROWS, TABLE_END = b"H", b"T", b"R", b"t"
FILE, DATA, FILE_END, MANIFEST, END = b"F", b"D", b"f", b"M", b"Z"
_MAX_FRAME = 64 * 1024 * 1024


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass
class Manifest:
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"tables": self.tables, "files": self.files}


class ArchiveWriter:
    """Writes frames, keeping the hashes the manifest lists."""

    def __init__(self, out: EncryptingWriter) -> None:
        self._out = out
        self.manifest = Manifest()
        self._hash: Any = None
        self._count = 0
        self._open: dict[str, Any] | None = None

    def _frame(self, kind: bytes, payload: bytes) -> None:
        self._out.write(kind + struct.pack(">I", len(payload)) + payload)

    def header(self, header: dict[str, Any]) -> None:
        self._frame(HEADER, _json(header))

    def table_begin(self, label: str, table: str, columns: list[str]) -> None:
        self._frame(TABLE, _json({"model": label, "table": table, "columns": columns}))
        self._open = {"model": label}
        self._hash, self._count = hashlib.sha256(), 0

    def rows(self, rows: list[list[Any]]) -> None:
        payload = _json(rows)
        self._hash.update(payload)
        self._count += len(rows)
        self._frame(ROWS, payload)

    def table_end(self) -> None:
        assert self._open is not None
        entry = {"rows": self._count, "sha256": self._hash.hexdigest()}
        self.manifest.tables[self._open["model"]] = entry
        self._frame(TABLE_END, _json(entry))
        self._open = None

    def file(self, area: str, name: str, handle: IO[bytes], chunk: int = 1 << 20) -> None:
        self._frame(FILE, _json({"area": area, "name": name}))
        digest, size = hashlib.sha256(), 0
        while block := handle.read(chunk):
            digest.update(block)
            size += len(block)
            self._frame(DATA, block)
        entry = {"size": size, "sha256": digest.hexdigest()}
        self.manifest.files.append({"area": area, "name": name, **entry})
        self._frame(FILE_END, _json(entry))

    def finish(self) -> None:
        self._frame(MANIFEST, _json(self.manifest.as_json()))
        self._frame(END, b"")
        self._out.close()


@dataclass
class Event:
    """One step of reading: a header, a table with its row batches, a file with its blocks..."""

    kind: bytes
    meta: dict[str, Any] = field(default_factory=dict)
    rows: list[list[Any]] | None = None
    data: bytes = b""


def _load(payload: bytes) -> Any:
    try:
        return json.loads(payload)
    except ValueError as exc:
        raise ArchiveError("the archive's contents are malformed") from exc


def read_events(reader: DecryptingReader) -> Iterator[Event]:
    """Every frame as an :class:`Event`, checking the hashes and order as it goes.

    A table's or file's end event carries what was measured (``rows``/``size`` and ``sha256``),
    already compared with the frame's own claim; the final ``M`` event carries the manifest,
    compared with everything measured. Anything out of place raises :class:`ArchiveError`.
    """
    measured = Manifest()
    current: dict[str, Any] | None = None
    digest: Any = None
    count = 0
    seen_header = seen_manifest = False
    while True:
        head = reader.read(5)
        if len(head) < 5:
            raise ArchiveError("the archive ends before its end mark")
        kind, (length,) = head[:1], struct.unpack(">I", head[1:])
        if length > _MAX_FRAME:
            raise ArchiveError("the archive's contents are malformed (frame too large)")
        payload = reader.read(length)
        if len(payload) != length:
            raise ArchiveError("the archive ends before its end mark")
        if not seen_header and kind != HEADER:
            raise ArchiveError("the archive has no header")
        if kind == HEADER:
            if seen_header:
                raise ArchiveError("the archive has two headers")
            seen_header = True
            yield Event(HEADER, _load(payload))
        elif kind in (TABLE, FILE):
            if current is not None:
                raise ArchiveError("the archive's contents are malformed (unfinished entry)")
            current = {"kind": kind, **_load(payload)}
            digest, count = hashlib.sha256(), 0
            yield Event(kind, current)
        elif kind == ROWS:
            if current is None or current["kind"] != TABLE:
                raise ArchiveError("the archive's contents are malformed (rows outside a table)")
            digest.update(payload)
            rows = _load(payload)
            count += len(rows)
            yield Event(ROWS, current, rows=rows)
        elif kind == DATA:
            if current is None or current["kind"] != FILE:
                raise ArchiveError("the archive's contents are malformed (data outside a file)")
            digest.update(payload)
            count += len(payload)
            yield Event(DATA, current, data=payload)
        elif kind in (TABLE_END, FILE_END):
            expected_kind = TABLE if kind == TABLE_END else FILE
            if current is None or current["kind"] != expected_kind:
                raise ArchiveError("the archive's contents are malformed (end without a beginning)")
            claim = _load(payload)
            size_key = "rows" if kind == TABLE_END else "size"
            actual = {size_key: count, "sha256": digest.hexdigest()}
            if claim != actual:
                raise ArchiveError(f"a hash does not match in the archive ({current.get('model', 'a file')})")
            if kind == TABLE_END:
                measured.tables[current["model"]] = actual
            else:
                measured.files.append({"area": current["area"], "name": current["name"], **actual})
            yield Event(kind, current)
            current = None
        elif kind == MANIFEST:
            if current is not None:
                raise ArchiveError("the archive's contents are malformed (unfinished entry)")
            manifest = _load(payload)
            if manifest != measured.as_json():
                raise ArchiveError("the archive's manifest does not match its contents")
            seen_manifest = True
            yield Event(MANIFEST, manifest)
        elif kind == END:
            if not seen_manifest:
                raise ArchiveError("the archive has no manifest")
            if not reader.at_end():
                raise ArchiveError("the archive has data after its end mark")
            yield Event(END)
            return
        else:
            raise ArchiveError("the archive's contents are malformed (unknown frame)")
