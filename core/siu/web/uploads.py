"""Receiving uploads: the multipart body is parsed as it streams in and each file is written to
the session's folder in chunks, so an upload never sits in memory; a file over the size limit is
refused (and removed) as soon as it passes the limit. File names lose any folder parts."""

from __future__ import annotations

import os
import re
import secrets
import tomllib
import unicodedata
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from python_multipart.multipart import MultipartParser, parse_options_header

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

from siu.base.cpr import mask_cpr
from siu.catalogue.web import NOT_SPREADSHEET, NOT_TOML, TOO_LARGE
from siu.tables import XLSX_SUFFIXES

TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
SPREADSHEET_SUFFIXES = XLSX_SUFFIXES + TEXT_SUFFIXES
MAX_FIELD = 64 * 1024  # a form field (not a file) is small: a year, a code, a source name
MAX_NAME = 120
_UNSAFE = re.compile(r"[^\w .()+,=-]")


def safe_name(raw: str) -> str:
    """A file name without folder parts, control or shell characters, or a leading dot."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name or set(name) <= {"_"}:
        name = "fil"
    if len(name) > MAX_NAME:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: MAX_NAME - len(suffix) - 1] + "." + suffix) if dot and len(suffix) < 10 else name[:MAX_NAME]
    return name


def unique_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name-2``, ``name-3``... when that is taken."""
    path = folder / name
    stem, suffix = path.stem, path.suffix
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}{suffix}"
        n += 1
    return path


def spreadsheet_problem(path: Path, name: str) -> bool:
    """Whether the file is *not* a spreadsheet or CSV/text export (by name and by content)."""
    suffix = Path(name).suffix.lower()
    if suffix not in SPREADSHEET_SUFFIXES:
        return True
    if suffix in XLSX_SUFFIXES:
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError):
            return True
        return "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names)
    with path.open("rb") as fh:
        head = fh.read(64 * 1024)
    return b"\x00" in head  # text exports never hold NUL bytes; binaries (pdf, exe, xls) do


def toml_problem(path: Path) -> bool:
    try:
        tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
        return True
    return False


class UploadRefused(Exception):
    """The request as a whole is refused (a file over the limit); ``message`` in both languages."""

    def __init__(self, code: str, message_da: str, message_en: str, status: int) -> None:
        self.code = code
        self.message_da = message_da
        self.message_en = message_en
        self.status = status
        super().__init__(message_en)


@dataclass
class Received:
    """What one multipart request brought: form fields, and files as (field, safe name, path)."""

    fields: dict[str, str] = field(default_factory=dict)
    files: list[tuple[str, str, Path]] = field(default_factory=list)


class _TooLarge(Exception):
    pass


class _Parts:
    """The multipart parser's callbacks: each part's headers, then its bytes to a temporary file
    in ``folder`` (a file) or to a bounded buffer (a form field)."""

    def __init__(self, folder: Path, limit: int) -> None:
        self.folder = folder
        self.limit = limit
        self.got = Received()
        self.header_field: list[bytes] = []
        self.header_value: list[bytes] = []
        self.headers: dict[bytes, bytes] = {}
        self.name = ""
        self.value: bytearray | None = None  # a form field's bytes
        self.file: BinaryIO | None = None  # an uploaded file being written
        self.tmp: Path | None = None
        self.filename = ""
        self.size = 0

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self.part_begin,
            "on_header_field": lambda d, s, e: self.header_field.append(d[s:e]),
            "on_header_value": lambda d, s, e: self.header_value.append(d[s:e]),
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
        }

    def part_begin(self) -> None:
        self.headers.clear()
        self.name, self.value, self.file, self.tmp, self.filename, self.size = "", None, None, None, "", 0

    def header_end(self) -> None:
        self.headers[b"".join(self.header_field).lower()] = b"".join(self.header_value)
        self.header_field.clear()
        self.header_value.clear()

    def headers_finished(self) -> None:
        _, disp = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.name = disp.get(b"name", b"").decode("utf-8", "replace")
        filename = disp.get(b"filename")
        if filename is None:
            self.value = bytearray()
            return
        raw = filename.decode("utf-8", "replace")
        if not raw:  # a file input left empty
            return
        self.tmp = self.folder / f".upload-{secrets.token_hex(8)}.part"
        self.file = self.tmp.open("xb")
        self.filename = safe_name(raw)

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self.file is not None:
            self.size += end - start
            if self.size > self.limit:
                raise _TooLarge(self.filename)
            self.file.write(data[start:end])
        elif self.value is not None and len(self.value) + (end - start) <= MAX_FIELD:
            self.value.extend(data[start:end])

    def part_end(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None
            assert self.tmp is not None
            self.got.files.append((self.name, self.filename, self.tmp))
            self.tmp = None
        elif self.value is not None:
            self.got.fields[self.name] = bytes(self.value).decode("utf-8", "replace")
            self.value = None

    def discard(self) -> None:
        """Remove every file of this request, the one being written included."""
        if self.file is not None:
            self.file.close()
            self.file = None
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)
        for _, _, path in self.got.files:
            path.unlink(missing_ok=True)
        self.got.files.clear()


async def receive(content_type: str, body: AsyncIterator[bytes], folder: Path, limit: int) -> Received:
    """Parse a ``multipart/form-data`` body into ``folder``. Files are written under temporary
    names (the caller checks and renames them); a file over ``limit`` bytes raises
    :class:`UploadRefused` after the rest of the body has been read and dropped."""
    ctype, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise UploadRefused("SIU980", "Forventede en formular med filer", "Expected a form with files", 400)
    parts = _Parts(folder, limit)
    parser = MultipartParser(boundary, parts.callbacks())
    too_large: str | None = None
    try:
        async for chunk in body:
            if too_large is None and chunk:
                try:
                    parser.write(chunk)
                except _TooLarge as exc:
                    too_large = str(exc)
            # after a refusal the rest is read and dropped, so the browser gets the answer
        if too_large is None:
            parser.finalize()
    except BaseException:
        parts.discard()
        raise
    if too_large is not None:
        parts.discard()
        mb = limit // (1024 * 1024)
        found = TOO_LARGE.make(file=mask_cpr(too_large), limit=mb)
        raise UploadRefused(TOO_LARGE.code, found.message_da, found.message_en, 413)
    return parts.got


def keep(tmp: Path, folder: Path, name: str, kind: str) -> tuple[Path | None, tuple[str, str, str] | None]:
    """Check an uploaded file and move it to its name in ``folder``; or remove it and say why.

    ``kind`` is ``export`` (spreadsheet or CSV), ``mapping`` or ``config`` (TOML). Returns the
    kept path, or None and the refusal as (code, Danish, English)."""
    if kind == "export":
        bad = spreadsheet_problem(tmp, name)
        code = NOT_SPREADSHEET
        params: dict[str, Any] = {"file": mask_cpr(name)}
    else:
        bad = toml_problem(tmp)
        what = ("tilknytningsfil", "mapping file") if kind == "mapping" else ("siu.toml", "siu.toml")
        code, params = NOT_TOML, {"file": mask_cpr(name), "what": "{what}"}
    if bad:
        tmp.unlink(missing_ok=True)
        found = code.make(**params)
        da, en = found.message_da, found.message_en
        if kind != "export":
            da, en = da.replace("{what}", what[0]), en.replace("{what}", what[1])
        return None, (code.code, da, en)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = unique_path(folder, name)
    os.replace(tmp, target)
    return target, None
