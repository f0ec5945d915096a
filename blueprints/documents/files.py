"""What an uploaded file is: its type from the content (never from the name), its size, a safe name.

PDF, JPEG, PNG and DOCX up to 10 MB. `filetype` reads the magic bytes; a DOCX is a ZIP archive, which
`filetype` only recognises when the Word part comes early in the archive, so a ZIP is opened and must
hold `word/document.xml` and `[Content_Types].xml` to count as DOCX. Knows nothing of HTTP.
"""

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype

MAX_BYTES = 10 * 1024 * 1024
MAX_MB = 10

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png", DOCX: "docx"}
TYPE_LABELS = {PDF: "PDF", JPEG: "foto (JPEG)", PNG: "afbeelding (PNG)", DOCX: "Word-document"}
ZIP = "application/zip"

EMPTY_MESSAGE = "Het bestand is leeg. Kies een ander bestand."
TOO_LARGE_MESSAGE = (
    f"Het bestand is groter dan {MAX_MB} MB. Maak het kleiner (bijvoorbeeld een foto met minder pixels)."
)
TYPE_MESSAGE = "Dit soort bestand kan niet. Kies een PDF, een foto (JPEG of PNG) of een Word-document (DOCX)."

# Letters and digits of any script, and a few harmless marks; everything else becomes "_".
UNSAFE = re.compile(r"[^\w .()+-]", re.UNICODE)
MAX_NAME = 120


class FileProblem(ValueError):
    """The upload cannot be stored; the message is Dutch and meant for the user."""


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    size: int
    sha256: str


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "word/document.xml" in names and "[Content_Types].xml" in names


def detect_type(data: bytes) -> str | None:
    """The MIME type the content shows, if it is one we accept; None otherwise."""
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind is not None else None
    if mime in (PDF, JPEG, PNG):
        return mime
    if mime in (DOCX, ZIP) and _is_docx(data):
        return DOCX
    return None


def safe_filename(name: str | None, content_type: str) -> str:
    """The name to store and offer on download: no folders, no control or odd characters, the
    extension of the real type (a PNG called `scan.pdf` becomes `scan.png`)."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]  # "C:\\x\\y.pdf" and "../../etc/passwd.pdf" keep only the last part
    name = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in name)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = UNSAFE.sub("_", stem)
    stem = re.sub(r"\s+", " ", stem).strip(" ._")
    extension = EXTENSIONS[content_type]
    stem = stem[: MAX_NAME - len(extension) - 1].rstrip(" ._") or "document"
    return f"{stem}.{extension}"


def check_upload(name: str | None, data: bytes) -> CheckedFile:
    """Check one upload; raises FileProblem with the Dutch reason when it cannot be stored."""
    if not data:
        raise FileProblem(EMPTY_MESSAGE)
    if len(data) > MAX_BYTES:
        raise FileProblem(TOO_LARGE_MESSAGE)
    content_type = detect_type(data)
    if content_type is None:
        raise FileProblem(TYPE_MESSAGE)
    return CheckedFile(
        filename=safe_filename(name, content_type),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def format_size(size: int) -> str:
    """`12 kB`, `1,4 MB`: Dutch style, for lists."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
