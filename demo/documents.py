"""Demo documents (a quote on a maatwerk request, a diploma photo in a file) and one removed by mistake.

So the documents blocks, beheer's list of removed items and its restore page have something to show.
"""

import struct
import zlib

from sqlalchemy import select

from blueprints.documents import rules as documents
from blueprints.documents.files import check_upload
from blueprints.removal import rules as removal
from core.pdf import DutchPDF
from models import MaatwerkRequest, db


class _Quote(DutchPDF):
    def footer_label(self) -> str:
        return "Offerte (demo)"


def _quote_pdf() -> bytes:
    pdf = _Quote()
    pdf.add_page()
    pdf.heading("Offerte Twents Fietsenhuis", 14)
    pdf.set_font(pdf.family, "", 10)
    pdf.multi_cell(0, 5, pdf.t("Tweedehands stadsfiets met slot en verlichting: EUR 245,00 inclusief btw."))
    return bytes(pdf.output())


def _photo_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    width, height = 40, 28
    raw = b"".join(b"\x00" + b"\xf4\xf1\xe8" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def load(world: dict) -> None:
    coach = world["users"]["coach@hengelo.test"]
    request = db.session.scalars(
        select(MaatwerkRequest).where(MaatwerkRequest.requested_by_id == coach.id).limit(1)
    ).first()
    if request is not None:
        data = _quote_pdf()
        documents.store(
            db.session, request.participant, check_upload("offerte fiets.pdf", data), data, "offerte", coach, request
        )
    participant = next(p for p in world["participants"] if p.coach_id == coach.id and p.status == "actief")
    photo = _photo_png()
    documents.store(db.session, participant, check_upload("IMG_2041.png", photo), photo, "diploma", coach)
    # A mistake undone: the same photo added twice, the second removed (a document, so no figure moves).
    twice = documents.store(db.session, participant, check_upload("IMG_2041.png", photo), photo, "diploma", coach)
    removal.remove(db.session, twice, coach, "Twee keer toegevoegd.")
    db.session.flush()
