"""Decode a page as a browser in a Western locale would, and spot binaries posing as HTML.

Scrapy 2.19 decodes a page that declares no charset and is not UTF-8 with charset-normalizer's
guess, which reads French Windows-1252 pages as windows-1250 or mac-latin2 (`œuvre` becomes
`śuvre`). Browsers use windows-1252 there (the WHATWG default for Western locales, and what
`latin-1` means on the web), so `page_text` does the same. Declared charsets (header, BOM,
`<meta>`) are left to Scrapy. The check costs a header lookup on pages that declare their
charset, and one UTF-8 decode on those that do not.
"""

from __future__ import annotations

from scrapy.http import TextResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

FALLBACK = "cp1252"
SNIFF_BYTES = 1024
MAGIC = (  # file signatures: never a web page, whatever the Content-Type says
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
    (b"\x89PNG", "image/png"),
    (b"GIF8", "image/gif"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\xd0\xcf\x11\xe0", "application/x-ole-storage"),
    (b"Rar!", "application/vnd.rar"),
    (b"7z\xbc\xaf", "application/x-7z-compressed"),
    (b"MZ", "application/x-msdownload"),
    (b"\x7fELF", "application/x-executable"),
    (b"ID3", "audio/mpeg"),
    (b"OggS", "audio/ogg"),
    (b"RIFF", "application/x-riff"),
    (b"\x00\x00\x01\x00", "image/x-icon"),
)
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"


def sniff_binary(body: bytes) -> str | None:
    """A media type when the body is a binary file, else None.

    Magic numbers first; then a start with many control bytes (a stray NUL in a real page
    does not count).
    """
    head = body[:SNIFF_BYTES]
    stripped = head.lstrip()
    for magic, media_type in MAGIC:
        if stripped.startswith(magic):
            return media_type
    if not head:
        return None
    controls = len(head) - len(head.translate(None, _CONTROL))
    return "application/octet-stream" if controls * 10 > len(head) else None


def declared_encoding(response: TextResponse) -> str | None:
    """The charset the response declares: Content-Type header, BOM or `<meta>`."""
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    return (http_content_type_encoding(content_type) or read_bom(response.body)[0]
            or html_body_declared_encoding(response.body))


def page_text(response: TextResponse) -> tuple[str, bool]:
    """The page's text (declared charset, else UTF-8, else windows-1252), and whether the
    windows-1252 fallback was used."""
    if declared_encoding(response):
        return response.text, False
    try:
        return response.body.decode("utf-8"), False
    except UnicodeDecodeError:
        return response.body.decode(FALLBACK, errors="replace"), True
