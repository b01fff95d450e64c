"""Turning an export's bytes into text: UTF-8, UTF-16, Danish Excel's cp1252, and mojibake.

Survey tools and Excel disagree about encodings. A file may be UTF-8, UTF-16
(Excel's "Unicode-tekst", tab-separated), cp1252 ("CSV (semikolonsepareret)"),
a mix of UTF-8 and cp1252 after someone pasted rows between files, or UTF-8
that was once read as cp1252 and saved again, so "æ" became "Ã¦" (mojibake).
"""

from __future__ import annotations

import codecs
import re

_BINARY_MAGIC = (b"\x89PNG", b"%PDF", b"GIF8", b"\xff\xd8\xff", b"\x7fELF", b"MZ")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # old .xls (and .doc) files
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0c")


def _byte_char(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)   # the five bytes cp1252 leaves undefined keep their Latin-1 meaning


def _cp1252_fallback(err: UnicodeError):
    # One byte at a time, so the valid UTF-8 around a stray cp1252 byte stays UTF-8.
    if not isinstance(err, UnicodeDecodeError):
        raise err
    return _byte_char(err.object[err.start]), err.start + 1


codecs.register_error("textmine-cp1252", _cp1252_fallback)

_CHAR_BYTE = {_byte_char(b): b for b in range(0x80, 0x100)}
_CONT = "[" + re.escape("".join(_byte_char(b) for b in range(0x80, 0xC0))) + "]"
# A UTF-8 byte sequence read as cp1252: a lead byte and its continuation bytes.
_SEQUENCE = re.compile(f"[\xc2-\xdf]{_CONT}|[\xe0-\xef]{_CONT}{{2}}|[\xf0-\xf4]{_CONT}{{3}}")
# Repair only text that shows the typical signs ("Ã¦", "Ã¸", "Ã¥", "â€“", "ðŸ˜€"): Danish
# never writes "Ã" or "Â" before such a character, so ordinary text is left alone.
_HINT = re.compile(f"[ÃÂ]{_CONT}|â€|ðŸ")


def looks_binary(raw: bytes) -> bool:
    """True for images, PDFs, programs and other files that are not text."""
    if raw.startswith(_BINARY_MAGIC):
        return True
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or utf16_without_bom(raw):
        return False
    sample = raw[:8192]
    controls = sum(sample.count(bytes([b])) for b in _CONTROL_BYTES)
    # A stray NUL or two in an answer is text; an image is full of them.
    return controls > max(2, len(sample) // 50)


def decode(raw: bytes) -> str:
    """Text from an export's bytes; raises UnicodeDecodeError only for broken UTF-16."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    utf16 = utf16_without_bom(raw)
    if utf16:
        return raw.decode(utf16)
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    return raw.decode("utf-8", errors="textmine-cp1252")


def utf16_without_bom(raw: bytes) -> str | None:
    sample = raw[:4096]
    half = len(sample) // 2
    if half < 2:
        return None
    if sample[1::2].count(0) > 0.9 * half and sample[0::2].count(0) < 0.1 * half:
        return "utf-16-le"
    if sample[0::2].count(0) > 0.9 * half and sample[1::2].count(0) < 0.1 * half:
        return "utf-16-be"
    return None


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as cp1252 ("Ã¦" → "æ") where that decodes cleanly.

    Each suspicious sequence is repaired on its own, so a cell that mixes
    correct "æ" and broken "Ã¸" comes out right; a sequence that does not
    decode as UTF-8 is left as it was.

    Examples
    --------
    >>> repair_mojibake("Konsulenten var sÃ¦rdeles god â€“ tak")
    'Konsulenten var særdeles god – tak'
    """
    if not _HINT.search(text):
        return text
    return _SEQUENCE.sub(_repair_sequence, text)


def _repair_sequence(match: re.Match) -> str:
    seq = match.group()
    try:
        fixed = bytes(_CHAR_BYTE[c] for c in seq).decode("utf-8")
    except UnicodeDecodeError:
        return seq
    # A repair that yields a space or an invisible character ("Â\xa0" -> no-break space) is a guess.
    return seq if "\ufffd" in fixed or not fixed.isprintable() or fixed.isspace() else fixed
