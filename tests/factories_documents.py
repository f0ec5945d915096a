"""Small real files of every accepted type (and some that are not), and a stored document."""

import io
import struct
import zipfile
import zlib

from blueprints.documents import rules
from blueprints.documents.files import check_upload
from models import db


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def docx_bytes(word_first: bool = False) -> bytes:
    """A minimal Word document; by default its Word part comes late in the archive, as some tools write it."""
    parts = [
        ("docProps/app.xml", "<Properties/>"),
        ("docProps/core.xml", "<coreProperties/>"),
        ("customXml/item1.xml", "<x/>"),
        ("customXml/item2.xml", "<x/>"),
        ("_rels/.rels", "<Relationships/>"),
        ("[Content_Types].xml", "<Types/>"),
        ("word/document.xml", "<w:document/>"),
    ]
    if word_first:
        parts.sort(key=lambda p: not p[0].startswith("word/"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts:
            archive.writestr(name, text)
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("foto.txt", "geen Word")
    return buffer.getvalue()


def make_document(participant, user, data=PDF, name="diploma.pdf", kind="diploma", **target):
    document = rules.store(db.session, participant, check_upload(name, data), data, kind, user, **target)
    db.session.commit()
    return document
