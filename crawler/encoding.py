"""Which character encoding an HTML body is in, and its decoding.

Precedence, as browsers do it: a byte-order mark, the HTTP ``Content-Type`` charset, a
``<meta charset>`` / ``<meta http-equiv=content-type>`` in the first 1024 bytes (the HTML
standard's prescan), then a UTF-8 attempt; a declaration later in the first 4096 bytes
(browsers honour it by re-parsing), then windows-1252. Labels are resolved the WHATWG way by
w3lib (latin-1 and ascii mean windows-1252). One deliberate departure from browsers: a legacy
label (header or meta) on a body that is valid UTF-8 beyond ASCII is taken as stale and the
body is read as UTF-8 (transcoded pages, server default charsets). Wrong bytes never raise:
they decode to U+FFFD.

HTTP headers come either as a Scrapy ``Headers`` object (bytes, case-insensitive) or as a
plain mapping of str; :func:`header_values` reads both.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from typing import Any

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from crawler.compiled import imported_later

try:  # one compiled pass instead of a decode (built with the compiled extractor); same answers
    from crawler._fastscan import is_utf8 as _compiled_is_utf8
except ImportError:  # pragma: no cover - the extension is optional
    _compiled_is_utf8 = None

__all__ = ["decode_body", "detect_encoding", "header_values"]

PRESCAN_BYTES = 1024
LATE_SCAN_BYTES = 4096
FALLBACK = "cp1252"
_UTF16_32 = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})


def _as_str(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def header_values(headers: Any, name: str) -> list[str]:
    """All values of header ``name`` (case-insensitive) in ``headers``: a Scrapy
    ``Headers``, a mapping of str or bytes to a value or a list of values, or None."""
    if not headers:
        return []
    getlist = getattr(headers, "getlist", None)
    if getlist is not None and not isinstance(headers, dict):
        return [_as_str(v) for v in getlist(name)]
    wanted = name.lower()
    values: list[str] = []
    if isinstance(headers, Mapping):
        for key, value in headers.items():
            if _as_str(key).lower() != wanted or value is None:
                continue
            if isinstance(value, list | tuple):
                values.extend(_as_str(v) for v in value)
            else:
                values.append(_as_str(value))
    return values


def _known(encoding: str | None) -> str | None:
    """``encoding`` if it names a text encoding a browser would use, else None. Python's
    codec registry also knows bytes-to-bytes and str-to-str codecs (base64, hex, zlib,
    rot13 ...), which cannot decode a page, and UTF-7, which browsers refuse to read."""
    if not encoding:
        return None
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name == "utf-7":
        return None
    return encoding


def _meta_encoding(chunk: bytes) -> str | None:
    encoding = _known(html_body_declared_encoding(chunk))
    # A document that could be read as ASCII to find its declaration is not UTF-16/32:
    # the HTML standard reads such a declaration as UTF-8.
    if encoding and codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return encoding


# crawler.treeview imports this module (through crawler.pagefacts).
_treeview = imported_later("crawler.treeview", "using_compiled")


def _is_utf8(body: bytes) -> bool:
    if body.isascii():
        return True
    if _compiled_is_utf8 is not None and body.__class__ is bytes:
        # Not on the pure path (BACKLINKS_PURE_PYTHON, set_compiled), nor with a stale build
        # (crawler.compiled), which the view leaves unused alike.
        if _treeview()[0]():
            return _compiled_is_utf8(body)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(body: bytes, content_type: str | None = None) -> tuple[str, int]:
    """The Python codec name ``body`` is in, and the length of its byte-order mark."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom:
        return bom_encoding, len(bom)
    encoding = _known(http_content_type_encoding(content_type)) if content_type else None
    if encoding is None:
        encoding = _meta_encoding(body[:PRESCAN_BYTES])
    if encoding is not None and codecs.lookup(encoding).name != "utf-8" and _is_utf8(body):
        # A legacy label on a body that is valid UTF-8 beyond ASCII is a stale label (a
        # transcoded page, a server default charset): legacy text almost never forms
        # valid multi-byte UTF-8, so UTF-8 reads it as its author wrote it.
        if not body.isascii() and codecs.lookup(encoding).name not in _UTF16_32:
            return "utf-8", 0
    if encoding is None:
        if _is_utf8(body):
            return "utf-8", 0
        encoding = _meta_encoding(body[:LATE_SCAN_BYTES]) or FALLBACK
    if encoding in ("utf-16", "utf-32"):
        encoding += "-be"
    return encoding, 0


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str | bytes, str]:
    """``(markup, encoding)``: UTF-8 bodies stay bytes (the parser reads UTF-8 directly and
    replaces broken sequences); anything else is decoded to str with errors replaced."""
    encoding, bom_length = detect_encoding(body, content_type)
    if bom_length:
        body = body[bom_length:]
    if codecs.lookup(encoding).name == "utf-8":
        return body, "utf-8"
    return body.decode(encoding, "replace"), encoding
