"""Plain text of an fpdf2 PDF for tests: decodes the page streams and maps the embedded (subset) fonts'
codes back to characters with their ToUnicode maps. pyHanko's reader (a dependency already) parses the
file; no PDF text library is needed. Handles what fpdf2 writes: literal strings in Tj and TJ."""

import re
from io import BytesIO

from pyhanko.pdf_utils.reader import PdfFileReader

TOKENS = re.compile(rb"/([A-Za-z0-9_.+-]+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)\s*Tj|\[((?:\\.|[^\\\]])*)\]\s*TJ", re.S)
STRING = re.compile(rb"\(((?:\\.|[^\\)])*)\)", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw: bytes) -> bytes:
    def one(match: re.Match) -> bytes:
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8)])
        return ESCAPES.get(code, code)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, raw, flags=re.S)


def _cmap(data: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    text = data.decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(int(dst, 16) + offset)
    return mapping


def _decode(raw: bytes, cmap: dict[int, str] | None) -> str:
    data = _unescape(raw)
    if cmap is None:  # a core font (Courier, Helvetica): Latin-1
        return data.decode("latin-1")
    return "".join(cmap.get(int.from_bytes(data[i : i + 2], "big"), "?") for i in range(0, len(data) - 1, 2))


def pdf_text(data: bytes) -> str:
    """Every text piece of every page, in drawing order, separated by single spaces."""
    reader = PdfFileReader(BytesIO(data))
    pieces: list[str] = []
    for page in reader.root["/Pages"]["/Kids"]:
        page = page.get_object()
        fonts = page["/Resources"]["/Font"]
        maps = {}
        for name in fonts:
            font = fonts[name]  # item access resolves the indirect reference
            maps[str(name)[1:]] = _cmap(font["/ToUnicode"].data) if "/ToUnicode" in font else None
        contents = page["/Contents"]
        streams = contents if isinstance(contents, list) else [contents]
        cmap = None
        for stream in streams:
            for font, tj, tj_array in TOKENS.findall(stream.get_object().data):
                if font:
                    cmap = maps.get(font.decode())
                elif tj:
                    pieces.append(_decode(tj, cmap))
                else:
                    pieces.append("".join(_decode(s, cmap) for s in STRING.findall(tj_array)))
    return re.sub(r"\s+", " ", " ".join(pieces))
