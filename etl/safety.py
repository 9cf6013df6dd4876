"""Refuse hostile or broken files before any parser sees them.

An .xlsx is a zip of XML parts. Everything here is decided from the bytes, the zip directory and
the XML prologues, with the declared sizes checked before anything is decompressed: the limits
protect the worker that reads uploads from exhaustion (zip bombs, entity expansion) and from files
that Excel itself would not open without the user's help (passwords, macros, the old .xls).
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

from etl.errors import cell_error
from etl.records import CellError

MAX_BYTES = 10 * 1024 * 1024            #: the upload size limit (PRODUCT.md: a config value, 10 MB)
MAX_UNCOMPRESSED = 100 * 1024 * 1024    #: all parts together, decompressed
MAX_RATIO = 100                         #: uncompressed / compressed, beyond which a zip is a bomb
MAX_ENTRIES = 10_000                    #: parts in the zip
#: The ratio is judged only on parts, or totals, at least this large: small parts may compress very
#: well and are harmless whatever their ratio.
RATIO_FLOOR = 1024 * 1024

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
# Excel's "Encrypt with password" writes an OLE2 container holding these streams instead of a zip.
_ENCRYPTION_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
_MACRO_EXTENSIONS = (".xlsm", ".xltm", ".xlam")
_MACRO_CONTENT = (b"macroEnabled", b"vbaProject", b"vnd.ms-office.activeX", b"vnd.ms-excel.intl-macrosheet",
                  b"vnd.ms-excel.macrosheet")
_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass
class Package:
    """A zip that passed the checks, with its XML parts decompressed (the readers scan them)."""

    zip: zipfile.ZipFile
    parts: dict[str, bytes] = field(default_factory=dict)


def check_file(data: bytes, filename: str = "", *, max_bytes: int = MAX_BYTES,
               max_uncompressed: int = MAX_UNCOMPRESSED, max_ratio: float = MAX_RATIO) -> list[CellError]:
    """The reasons to refuse `data` without reading it as a workbook; empty when it may be read."""
    _package, errors = open_package(data, filename, max_bytes=max_bytes,
                                    max_uncompressed=max_uncompressed, max_ratio=max_ratio)
    return errors


def open_package(data: bytes, filename: str = "", *, max_bytes: int = MAX_BYTES,
                 max_uncompressed: int = MAX_UNCOMPRESSED,
                 max_ratio: float = MAX_RATIO) -> tuple[Package | None, list[CellError]]:
    """Check `data` and open it as a zip package; (None, errors) when it must be refused."""
    if len(data) > max_bytes:
        return None, [cell_error("file_too_large", value=filename or None,
                                 limit_mb=_megabytes(max_bytes))]
    if data[:8] == _OLE2:
        code = "encrypted" if any(s in data for s in _ENCRYPTION_STREAMS) else "xls_format"
        return None, [cell_error(code, value=filename or None)]
    if not data.startswith(_ZIP):
        return None, [cell_error("not_xlsx", value=filename or None)]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, EOFError,
            struct.error, KeyError, IndexError, OverflowError):
        return None, [cell_error("not_xlsx", value=filename or None)]

    error = _check_directory(infos, filename, max_uncompressed, max_ratio)
    if error is not None:
        return None, [error]
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(n.lower().endswith("workbook.xml") for n in names):
        return None, [cell_error("not_xlsx", value=filename or None)]

    package = Package(archive)
    view = memoryview(data)
    try:
        for info in infos:
            if not info.is_dir() and info.filename.lower().endswith((".xml", ".rels", ".vml")):
                package.parts[info.filename] = _read_part(view, info)
    except (zipfile.BadZipFile, NotImplementedError, ValueError, zlib.error, struct.error):
        return None, [cell_error("not_xlsx", value=filename or None)]

    if (filename.lower().endswith(_MACRO_EXTENSIONS)
            or any(n.lower().endswith("vbaproject.bin") for n in names)
            or any(marker in package.parts["[Content_Types].xml"] for marker in _MACRO_CONTENT)):
        return None, [cell_error("macros", value=filename or None)]
    for name, part in package.parts.items():
        if _declares_entities(part):
            return None, [cell_error("xml_entities", value=name)]
    return package, []


def _check_directory(infos: list[zipfile.ZipInfo], filename: str, max_uncompressed: int,
                     max_ratio: float) -> CellError | None:
    """Judge the zip from its directory alone, before decompressing anything."""
    if any(info.flag_bits & 0x1 for info in infos):
        return cell_error("encrypted", value=filename or None)
    if len(infos) > MAX_ENTRIES:
        return cell_error("zip_bomb", value=filename or None)
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    if total > max_uncompressed:
        return cell_error("zip_bomb", value=filename or None)
    if total >= RATIO_FLOOR and total > max_ratio * max(packed, 1):
        return cell_error("zip_bomb", value=filename or None)
    for info in infos:
        if info.file_size >= RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
            return cell_error("zip_bomb", value=info.filename)
    return None


def _read_part(data: memoryview, info: zipfile.ZipInfo) -> bytes:
    """One part, decompressed to at most its declared size and checked against its CRC.

    zipfile.ZipFile.read does the same with a file object per part; this is the hot path of every
    upload, so it reads straight from the local header.
    """
    offset = info.header_offset
    if data[offset:offset + 4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    name_length, extra_length = struct.unpack_from("<HH", data, offset + 26)
    start = offset + 30 + name_length + extra_length
    packed = data[start:start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        part = bytes(packed)
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        part = zlib.decompressobj(-15).decompress(packed, info.file_size + 1)
    else:
        raise NotImplementedError("compression method")
    if len(part) != info.file_size or zlib.crc32(part) != info.CRC:
        raise zipfile.BadZipFile("size or CRC mismatch")
    return part


def _declares_entities(part: bytes) -> bool:
    """True when an XML part carries a DOCTYPE or ENTITY declaration (checked in any encoding that
    keeps ASCII as bytes, and in UTF-16 by dropping the zero bytes)."""
    if part[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in part[:64]:
        part = part.replace(b"\x00", b"")
    position = part.find(b"<!")
    while position != -1:
        if _DECLARATION.match(part, position):
            return True
        position = part.find(b"<!", position + 2)
    return False


def _megabytes(n: int) -> str:
    value = n / (1024 * 1024)
    return f"{value:g}" if value >= 1 else f"{value:.3g}"
