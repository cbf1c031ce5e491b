"""The images of an issue: their pixel size (read from the file's header) and their bytes
embedded as ``data:`` URIs for proofs that must show them before anything is published.

Only the header is read, so no imaging library is needed: PNG, GIF, JPEG and WebP, the
formats mail clients show. Anything else (SVG, a damaged file) has no known size and
is shown by the mail's CSS at most as wide as the column.
"""

from __future__ import annotations

import base64
import mimetypes
import struct
from pathlib import Path

# JPEG start-of-frame markers (SOF0–SOF15 without DHT, JPG and DAC): they carry the size
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def pixel_size(path: Path) -> tuple[int, int] | None:
    """(width, height) in pixels, or None when the format or the file is not known."""
    try:
        with path.open("rb") as stream:
            head = stream.read(64)
            if head.startswith(b"\xff\xd8"):
                stream.seek(2)
                return _jpeg_size(stream.read(1 << 20))
    except OSError:
        return None
    return _header_size(head)


def _header_size(head: bytes) -> tuple[int, int] | None:
    size: tuple[int, int] | None = None
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        size = struct.unpack(">II", head[16:24])
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        size = struct.unpack("<HH", head[6:10])
    elif head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        size = _webp_size(head)
    if size is None or min(size) <= 0:
        return None
    return size


def _webp_size(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8 " and head[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and head[20] == 0x2F:
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        return int.from_bytes(head[24:27], "little") + 1, int.from_bytes(head[27:30], "little") + 1
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Walks the segments after SOI up to the first start-of-frame."""
    i = 0
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # segments without a length
            i += 2
            continue
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if marker in _SOF and i + 9 <= len(data):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return (width, height) if width and height else None
        i += 2 + length
    return None


def media_type(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def data_uri(path: Path) -> str:
    """The file as a ``data:`` URI: a proof that shows the image without any server."""
    encoded = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"data:{media_type(path)};base64,{encoded}"
