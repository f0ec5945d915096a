"""The PDF of a contract version: the exact signed text plus a certificate page with the evidence.

Text is set as every app PDF (core/pdf.py). Hashes are set in the core Courier font so they stay
plain, copyable ASCII in the file.
"""

from blueprints.contracts import drafting
from blueprints.contracts.signing import METHOD_LABELS, party_status
from core.pdf import DutchPDF
from core.qr import qr_png
from models import ContractVersion


class ContractPDF(DutchPDF):
    def __init__(self, version: ContractVersion):
        super().__init__()
        self.version = version

    def footer_label(self) -> str:
        return f"{self.version.contract.reference} versie {self.version.number}"

    def para(self, text: str, size: int = 10, bold: bool = False):
        self.set_font(self.family, "B" if bold else "", size)
        self.multi_cell(0, 5, self.t(text), new_x="LMARGIN", new_y="NEXT")

    def hash_line(self, label: str, value: str):
        self.set_font(self.family, "", 9)
        self.multi_cell(0, 5, self.t(label), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Courier", "", 8.5)
        self.multi_cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)


def build_pdf(
    version: ContractVersion,
    compress: bool = True,
    verification: tuple[str, str] | None = None,
    for_partner: bool = False,
) -> bytes:
    """PDF bytes for a frozen version (a concept gets a 'CONCEPT' mark and no certificate).

    `verification` is (code, url) of the public verify page, printed with a QR code on the certificate
    page of the fully signed PDF (blueprints/contracts/documents.py stores and seals that one).
    `for_partner`: the partner's copy, without the personal annex (only the participant and the
    municipality see and sign that).
    """
    pdf = ContractPDF(version)
    pdf.set_compression(compress)
    contract = version.contract
    pdf.set_title(f"Inspanningscontract {contract.reference} versie {version.number}")
    pdf.set_author("Gemeente Hengelo, Perspectiefjaar 23+")
    if version.text_sha256:
        pdf.set_keywords(f"sha256:{version.text_sha256}")
    pdf.add_page()
    if for_partner:
        text = drafting.partner_view_text(version)
    else:
        text = version.canonical_text if version.is_frozen else drafting.render_text(version)
    if not version.is_frozen:
        pdf.heading("CONCEPT: nog niet verstuurd, nog niet te tekenen", 12)
    lines = text.rstrip("\n").split("\n")
    pdf.heading(lines[0])
    for line in lines[1:]:
        if line and line[0].isdigit() and ". " in line[:4]:
            pdf.ln(2)
            pdf.para(line, 11, bold=True)
        else:
            pdf.para(line or " ")
    if version.is_frozen:
        _certificate(pdf, version, verification)
    return bytes(pdf.output())


def _verification_block(pdf: ContractPDF, code: str, url: str) -> None:
    top = pdf.get_y()
    pdf.image(qr_png(url), x=pdf.l_margin, y=top, w=32, h=32, alt_text=f"QR-code naar {url}")
    pdf.set_xy(pdf.l_margin + 36, top)
    pdf.set_font(pdf.family, "B", 11)
    pdf.multi_cell(0, 6, pdf.t("Is dit contract echt?"), new_x="LEFT", new_y="NEXT")
    pdf.set_font(pdf.family, "", 9.5)
    pdf.multi_cell(
        0,
        5,
        pdf.t(
            "Scan de QR-code of ga naar de controlepagina en vul de controlecode in. U kunt daar ook deze PDF "
            "uploaden. De PDF is digitaal verzegeld door gemeente Hengelo: een PDF-lezer laat zien of hij "
            "na het verzegelen is veranderd."
        ),
        new_x="LEFT",
        new_y="NEXT",
    )
    pdf.set_font("Courier", "B", 11)
    pdf.multi_cell(0, 6, f"Controlecode: {code}", new_x="LEFT", new_y="NEXT")
    pdf.set_font("Courier", "", 8.5)
    pdf.multi_cell(0, 5, url, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), top + 34))
    pdf.ln(2)


def _certificate(pdf: ContractPDF, version: ContractVersion, verification: tuple[str, str] | None = None) -> None:
    pdf.add_page()
    pdf.heading("Certificaat van ondertekening")
    if verification is not None:
        _verification_block(pdf, *verification)
    pdf.para(
        f"Contract {version.contract.reference}, versie {version.number}. Status: {version.status_label}. "
        "Tijden zijn in UTC. De SHA-256-code is de vingerafdruk van de volledige contracttekst: "
        "verandert er één teken, dan verandert de code."
    )
    pdf.ln(2)
    pdf.hash_line("SHA-256 van deze versie (opgeslagen):", version.text_sha256 or "")
    pdf.hash_line("SHA-256 opnieuw berekend uit de opgeslagen tekst:", drafting.sha256_hex(version.canonical_text))
    verdict = "Komt overeen." if drafting.verify(version) else "KOMT NIET OVEREEN: de tekst is gewijzigd."
    pdf.para(f"Controle: {verdict}", bold=True)
    pdf.para(f"Verstuurd ter ondertekening: {version.sent_at:%Y-%m-%d %H:%M:%S} UTC")
    if version.activated_at:
        pdf.para(f"Volledig getekend: {version.activated_at:%Y-%m-%d %H:%M:%S} UTC")
    for party in version.parties:
        pdf.ln(3)
        pdf.para(f"{party.kind_label}: {party.name}", 11, bold=True)
        status = party_status(party)
        signature = party.signature
        if signature is not None:
            pdf.para(f"Getekend door: {signature.signer_name}")
            if signature.user is not None:
                pdf.para(f"Account: {signature.user.email}")
            if signature.link_id:
                pdf.para(f"Persoonlijke link nr. {signature.link_id}")
            pdf.para(f"Manier: {METHOD_LABELS.get(signature.method, signature.method)}")
            pdf.para(f"Controle: {signature.authentication}")
            pdf.para(f"Tijdstip: {signature.signed_at:%Y-%m-%d %H:%M:%S} UTC")
            pdf.para(f"IP-adres: {signature.ip or 'onbekend'}")
            pdf.para(f"Browser: {signature.user_agent or 'onbekend'}")
            pdf.para(f"Verklaring: {signature.intent_text}")
            if signature.factors:
                pdf.para(f"Gecontroleerd: {signature.factors}")
            if signature.witness is not None:
                pdf.para(f"Getuige: {signature.witness.name} (life-coach)")
            origin = signature.carried_from
            signed_on = origin.version.number if origin is not None else version.number
            pdf.para(f"Geldt voor versie {signed_on}" + (", tekst ongewijzigd" if origin is not None else ""))
            if signature.covered_sha256:
                pdf.para(f"Dekt: {signature.covers}")
                pdf.hash_line(f"SHA-256 van wat deze handtekening dekt (versie {signed_on}):", signature.covered_sha256)
            pdf.hash_line(f"SHA-256 van de getekende versie {signed_on}:", signature.version_sha256)
        elif status == "geweigerd":
            decline = party.decline
            pdf.para(f"Geweigerd door {decline.name} op {decline.declined_at:%Y-%m-%d %H:%M:%S} UTC")
            pdf.para(f"Reden: {decline.reason}")
        else:
            pdf.para("Nog niet getekend.")
