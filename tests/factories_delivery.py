"""Test helpers for the delivery of contracts: a seal certificate made at run time, a fully signed contract,
a small RFC 3161 timestamp server, and reading text out of a PDF's content streams."""

import contextlib
import re
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from core.seal import make_self_signed
from models import PartyKind
from tests.factories_contracts import make_sent, make_world, party, sign


def seal_config(tmp_path, passphrase="zegel-wachtwoord", **extra) -> dict:  # noqa: S107 (made at run time)
    """Settings with a fresh self-signed seal certificate (no key in the repository)."""
    cert, key = tmp_path / "seal-cert.pem", tmp_path / "seal-key.pem"
    make_self_signed(cert, key, common_name="Gemeente Hengelo (test)", passphrase=passphrase)
    return {"SEAL_CERT_FILE": str(cert), "SEAL_KEY_FILE": str(key), "SEAL_KEY_PASSPHRASE": passphrase, **extra}


def signer_names(world) -> dict:
    return {
        PartyKind.DEELNEMER: world["participant"].full_name,
        PartyKind.GEMEENTE: world["coach"].name,
    }


def sign_all(version, world, skip=()):
    """Sign every party of `version` with the right name; returns the last SignResult."""
    result = None
    users = {u.organisation_id: u for u in world["partner_users"]}
    for p in list(version.parties):
        if p.kind in skip or p.signature is not None:
            continue
        if p.kind == PartyKind.PARTNER:
            user = users[p.organisation_id]
            result = sign(version, p, name=user.name, user=user)
        elif p.kind == PartyKind.GEMEENTE:
            result = sign(version, p, name=world["coach"].name, user=world["coach"])
        else:
            result = sign(version, p, name=world["participant"].full_name)
    return result


def make_signed(**world_kw):
    """A world whose contract version 1 is fully signed (and so sealed when a certificate is set)."""
    from models import db

    world = make_world(**world_kw)
    contract, version, token = make_sent(world)
    sign_all(version, world)
    db.session.commit()
    return world, contract, version, token


def participant_party(version):
    return party(version, PartyKind.DEELNEMER)


def pdf_text(data: bytes) -> str:
    """Text of the core-font (Courier) lines of an fpdf2 PDF, which hold codes, hashes and URLs as ASCII."""
    chunks = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        raw = match.group(1)
        with contextlib.suppress(zlib.error):  # not every stream is compressed
            raw = zlib.decompress(raw)
        chunks.append(raw.decode("latin-1"))
    return "\n".join(chunks)


class TimestampServer:
    """An RFC 3161 time-stamping authority on 127.0.0.1 (pyHanko's DummyTimeStamper behind real HTTP)."""

    def __init__(self, tmp_path):
        from asn1crypto import keys, pem, tsp, x509
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        cert_path, key_path = tmp_path / "tsa-cert.pem", tmp_path / "tsa-key.pem"
        make_self_signed(cert_path, key_path, common_name="Test TSA", time_stamping=True)
        cert = x509.Certificate.load(pem.unarmor(cert_path.read_bytes())[2])
        key = keys.PrivateKeyInfo.load(pem.unarmor(key_path.read_bytes())[2])
        stamper = DummyTimeStamper(tsa_cert=cert, tsa_key=key)
        self.cert = cert
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                response = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                outer.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(response)))
                self.end_headers()
                self.wfile.write(response)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
