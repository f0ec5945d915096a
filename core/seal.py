"""The municipality's seal on a PDF (PAdES with pyHanko): sealing, checking, and a certificate for development.

The certificate, key and passphrase come from settings (SEAL_CERT_FILE, SEAL_KEY_FILE, SEAL_KEY_PASSPHRASE).
With SEAL_TSA_URL set, the seal carries a timestamp from that server (PAdES B-T), so the time of sealing
does not rest on the app's own clock. No key lives in the repository: development and the tests make a
self-signed certificate at run time (`make_self_signed`).

A check trusts exactly one anchor: the configured certificate. A PDF sealed by anyone else, changed after
sealing (even one byte), or with something appended after the seal is not accepted.
"""

import asyncio
import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

log = logging.getLogger(__name__)

FIELD_NAME = "ZegelGemeenteHengelo"


class SealError(RuntimeError):
    """The PDF could not be sealed (certificate, key, passphrase or timestamp server)."""


@dataclass(frozen=True)
class SealSettings:
    cert_file: str
    key_file: str
    passphrase: str | None = None
    tsa_url: str | None = None


def settings_from(config) -> SealSettings | None:
    """The seal settings from an app config, or None when no certificate is configured."""
    cert, key = config.get("SEAL_CERT_FILE"), config.get("SEAL_KEY_FILE")
    if not cert or not key:
        return None
    return SealSettings(cert, key, config.get("SEAL_KEY_PASSPHRASE") or None, config.get("SEAL_TSA_URL") or None)


def warn_when_unsealed(app) -> None:
    """Say at start-up, in the log, that PDFs are not sealed; production keeps running (see README)."""
    if settings_from(app.config) is None and app.config.get("APP_ENV") == "production":
        log.warning(
            "SEAL_CERT_FILE/SEAL_KEY_FILE ontbreken: getekende contracten worden NIET verzegeld. "
            "De controlepagina vergelijkt dan alleen met de opgeslagen PDF."
        )


# --------------------------------------------------------------------------- sealing


@lru_cache(maxsize=4)
def _signer(settings: SealSettings, _stamp: tuple):
    from pyhanko.sign import signers

    passphrase = settings.passphrase.encode() if settings.passphrase else None
    try:
        signer = signers.SimpleSigner.load(settings.key_file, settings.cert_file, key_passphrase=passphrase)
    except (OSError, ValueError, TypeError) as exc:
        raise SealError(f"Zegelcertificaat of sleutel niet te laden: {exc}") from exc
    if signer is None:  # pyHanko reports a bad passphrase or file by returning None
        raise SealError("Zegelcertificaat of sleutel niet te laden (pad of wachtwoord klopt niet).")
    return signer


def _file_stamp(settings: SealSettings) -> tuple:
    # A replaced certificate file must not keep the old signer cached in a long-running process.
    return tuple(Path(p).stat().st_mtime_ns for p in (settings.cert_file, settings.key_file))


def seal_pdf(data: bytes, settings: SealSettings, reason: str = "Volledig getekend inspanningscontract") -> bytes:
    """Return `data` with the municipality's PAdES seal appended as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import HTTPTimeStamper

    try:
        signer = _signer(settings, _file_stamp(settings))
    except OSError as exc:
        raise SealError(f"Zegelcertificaat of sleutel niet gevonden: {exc}") from exc
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location="Hengelo",
        name="Gemeente Hengelo",
    )
    timestamper = HTTPTimeStamper(settings.tsa_url, timeout=10) if settings.tsa_url else None
    try:
        out = outside_event_loop(
            lambda: signers.sign_pdf(
                IncrementalPdfFileWriter(BytesIO(data)), meta, signer=signer, timestamper=timestamper
            )
        )
    except Exception as exc:  # pyHanko wraps network, key and PDF problems in many types
        raise SealError(f"Verzegelen mislukt: {type(exc).__name__}: {exc}") from exc
    return out.getvalue()


def outside_event_loop(work):
    """pyHanko's blocking calls run their own asyncio loop; inside a running loop (an async worker, a
    browser test driver) that is refused, so they run in a helper thread there."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


# --------------------------------------------------------------------------- checking


@dataclass
class SealCheck:
    sealed: bool  # the PDF carries a signature at all
    ok: bool  # intact, valid, made with the municipality's certificate, covering the whole file
    problem: str | None = None  # why not, in Dutch
    signer: str | None = None
    timestamp: dt.datetime | None = None  # from the timestamp server (B-T), if any


def municipality_certificate(settings: SealSettings):
    from asn1crypto import pem, x509

    raw = Path(settings.cert_file).read_bytes()
    if pem.detect(raw):
        _, _, raw = pem.unarmor(raw)
    return x509.Certificate.load(raw)


def check_seal(data: bytes, settings: SealSettings | None) -> SealCheck:
    """Validate the seal of `data` with pyHanko against the configured certificate only."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # anything that is not a readable PDF
        return SealCheck(False, False, "Dit is geen leesbaar PDF-bestand.")
    if not signatures:
        return SealCheck(False, False, "Deze PDF heeft geen digitaal zegel.")
    if settings is None:
        return SealCheck(True, False, "De gemeente heeft geen zegelcertificaat ingesteld om mee te vergelijken.")
    anchor = municipality_certificate(settings)
    context = ValidationContext(trust_roots=[anchor], allow_fetching=False)
    seal = signatures[-1]
    try:
        status = outside_event_loop(
            lambda: validate_pdf_signature(seal, signer_validation_context=context, ts_validation_context=context)
        )
    except Exception as exc:  # a hostile or broken file may fail anywhere in the parser: never a 500
        return SealCheck(True, False, f"Het zegel is niet te controleren ({type(exc).__name__}).")
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else None
    timestamp = None
    if status.timestamp_validity is not None and status.timestamp_validity.intact:
        timestamp = status.timestamp_validity.timestamp
    if not (status.intact and status.valid):
        return SealCheck(True, False, "Het bestand is veranderd nadat het verzegeld is.", signer, timestamp)
    if not status.trusted or status.signing_cert.sha256 != anchor.sha256:
        return SealCheck(True, False, "Het zegel is niet van de gemeente Hengelo.", signer, timestamp)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return SealCheck(
            True, False, "Er is iets aan het bestand toegevoegd nadat het verzegeld is.", signer, timestamp
        )
    return SealCheck(True, True, None, signer, timestamp)


# --------------------------------------------------------------------------- self-signed (development, tests)


def make_self_signed(
    cert_path: Path,
    key_path: Path,
    common_name: str = "Gemeente Hengelo (ontwikkeling, niet echt)",
    passphrase: str | None = None,
    time_stamping: bool = False,
) -> None:
    """Write a fresh key and a self-signed certificate for sealing (or, with time_stamping, for a test TSA)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Gemeente Hengelo"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if time_stamping:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    cert = builder.sign(key, hashes.SHA256())
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode()) if passphrase else serialization.NoEncryption()
    )
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def development_settings(instance_dir: Path) -> dict:
    """In development without a configured certificate: one self-signed pair in instance/, made once."""
    instance_dir.mkdir(exist_ok=True)
    cert, key = instance_dir / "seal-dev-cert.pem", instance_dir / "seal-dev-key.pem"
    if not cert.exists() or not key.exists():
        make_self_signed(cert, key)
        log.info("Zelfgemaakt zegelcertificaat voor ontwikkeling aangemaakt in %s", instance_dir)
    return {"SEAL_CERT_FILE": str(cert), "SEAL_KEY_FILE": str(key)}
