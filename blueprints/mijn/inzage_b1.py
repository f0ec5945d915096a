"""The inzage for the participant themself: the output of `privacy.inzage.collect`, in plain Dutch (B1).

Headings and sentences instead of field names. What is confidential for the coach's work (conversation
summaries, notes with an assessment) and partner-internal notes are left out here; the PDF says how to
ask the municipality for the full export, which holds everything.
"""

from __future__ import annotations

from datetime import date, datetime

from core.formatting import date_nl, datetime_nl
from core.pdf import DutchPDF
from models import (
    ATTENDANCE_LABELS,
    CONVERSATION_KIND_LABELS,
    GOAL_STATUS_LABELS,
    ZRM_DOMAIN_LABELS,
)

PLAIN_STATUS = {
    "aangemeld": "aangemeld",
    "intake": "in de kennismakingsfase (intake)",
    "actief": "bezig met je perspectiefjaar",
    "afgerond": "klaar met je perspectiefjaar",
    "uitgevallen": "gestopt met je perspectiefjaar",
    "niet_gestart": "niet begonnen met je perspectiefjaar",
}
PLAIN_CONTRACT_STATUS = {
    "concept": "nog in voorbereiding",
    "verzonden": "wacht op handtekeningen",
    "voorgesteld": "voorstel voor een nieuwe versie, wacht op handtekeningen",
    "geweigerd": "niet getekend",
    "actief": "getekend, dit geldt nu",
    "beeindigd": "beëindigd",
    "vervangen": "vervangen door een nieuwere versie",
}
PLAIN_REQUEST_STATUS = {
    "aangevraagd": "aangevraagd",
    "goedgekeurd": "goedgekeurd",
    "afgewezen": "niet goedgekeurd",
    "ingetrokken": "ingetrokken",
    "betaald": "betaald",
}
PLAIN_COMMITMENT_STATUS = {
    "toegezegd": "beloofd",
    "in_uitvoering": "ze zijn ermee bezig",
    "nagekomen": "gedaan",
    "niet_nagekomen": "niet gelukt",
    "vervallen": "gaat niet meer door",
}


def _date(value) -> str:
    if not value:
        return "onbekend"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return datetime_nl(value, "d MMMM yyyy 'om' HH:mm")
    return date_nl(value)


class B1PDF(DutchPDF):
    heading_size = 14

    def footer_label(self) -> str:
        return "Mijn gegevens, Perspectiefjaar 23+"

    def say(self, text: str, size: int = 11):
        self.set_font(self.family, "", size)
        self.multi_cell(0, 6, self.t(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)


def sections(data: dict) -> list[tuple[str, list[str]]]:
    """(heading, sentences) per part of the file: the text of the PDF, testable without PDF parsing."""
    p = data.get("participant", {})
    out: list[tuple[str, list[str]]] = []
    about = [
        f"Je heet {p.get('first_name', '')} {p.get('last_name', '')}. "
        f"Je bent geboren op {_date(p.get('date_of_birth'))}.",
        f"Je e-mailadres is {p.get('email') or 'niet bekend'}. Je telefoonnummer is {p.get('phone') or 'niet bekend'}.",
        f"Je adres is {p.get('address') or 'niet bekend'}.",
        f"Je life-coach is {p.get('coach') or 'nog niet gekozen'}.",
        f"Je perspectiefjaar loopt van {_date(p.get('start_date'))} tot {_date(p.get('end_date'))}. "
        f"Je bent nu {PLAIN_STATUS.get(p.get('status'), p.get('status') or '')}.",
    ]
    if p.get("highest_education"):
        about.append(f"Je hoogste opleiding is {p['highest_education']}.")
    out.append(("Over jou", about))

    goals = []
    for goal in data.get("goals", []):
        area = ZRM_DOMAIN_LABELS.get(goal.get("domain"), "je leven")
        status = GOAL_STATUS_LABELS.get(goal.get("status"), goal.get("status") or "").lower()
        goals.append(f"Doel over {area.lower()}: {goal.get('description')} (status: {status}).")
        for action in goal.get("actions", []):
            done = "gedaan" if action.get("done") else "nog te doen"
            goals.append(f"  Actie: {action.get('description')} ({done}).")
    out.append(("Je doelen en acties", goals or ["Er zijn nog geen doelen."]))

    talks = []
    for talk in data.get("conversations", []):
        kind = CONVERSATION_KIND_LABELS.get(talk.get("kind"), talk.get("kind") or "Gesprek")
        came = ATTENDANCE_LABELS.get(talk.get("attendance"), talk.get("attendance") or "").lower()
        line = f"{_date(talk.get('held_at'))}: {kind.lower()}, {came}."
        if talk.get("cancel_reason"):
            line += f" Reden van afzeggen: {talk['cancel_reason']}"
        talks.append(line)
    out.append(("Je afspraken en gesprekken", talks or ["Er zijn nog geen gesprekken."]))

    meetings = [
        f"Op {_date(a.get('assessed_on'))} heb je met je coach gekeken hoe het met je gaat ({a.get('kind')})."
        for a in data.get("assessments", [])
    ]
    out.append(("Metingen met je coach", meetings or ["Er zijn nog geen metingen."]))

    arranged = [
        f"{r.get('description')}: {PLAIN_REQUEST_STATUS.get(r.get('status'), r.get('status'))}."
        for r in data.get("maatwerk_requests", [])
    ]
    out.append(("Wat er voor je geregeld is", arranged or ["Er is nog niets extra voor je aangevraagd."]))

    partners = [
        f"{c.get('organisation')}: {c.get('description')} "
        f"({PLAIN_COMMITMENT_STATUS.get(c.get('status'), c.get('status'))})."
        for c in data.get("commitments", [])
    ]
    out.append(("Wat partners voor je doen", partners or ["Er zijn nog geen afspraken met partners."]))

    contracts = []
    for contract in data.get("contracts", []):
        for version in contract.get("versions", []):
            status = PLAIN_CONTRACT_STATUS.get(version.get("status"), version.get("status"))
            contracts.append(f"Contract {contract.get('reference')}, versie {version.get('number')}: {status}.")
            for signature in version.get("signatures", []):
                signed = _date(signature.get("signed_at"))
                contracts.append(f"  Getekend door {signature.get('signer_name')} op {signed}.")
    out.append(("Je inspanningscontract", contracts or ["Er is nog geen contract."]))

    views = []
    for entry in data.get("access_log", []):
        who = entry.get("actor") or "onbekend"
        if who.startswith("deelnemer zelf"):
            who = "jijzelf, in Mijn Perspectiefjaar"
        views.append(f"{_date(entry.get('at'))}: {who}.")
    out.append(("Wie je dossier heeft bekeken", views or ["Nog niemand."]))

    orgs = [
        f"{o.get('organisation')} zag: {', '.join(o.get('what', []))}."
        for o in data.get("partners", {}).get("organisations", [])
    ]
    out.append(("Welke partners iets over jou zagen", orgs or ["Geen partner heeft iets over jou gezien."]))
    return out


def b1_pdf(data: dict, compress: bool = True) -> bytes:
    pdf = B1PDF()
    pdf.set_compression(compress)
    pdf.add_page()
    pdf.heading("Mijn gegevens", 18)
    pdf.say(
        f"Dit zijn de gegevens die de gemeente Hengelo over je bewaart voor Perspectiefjaar 23+. "
        f"Gemaakt op {_date(data.get('generated_at'))}."
    )
    pdf.say(
        "De verslagen die je coach van gesprekken maakt en de notities bij metingen staan hier niet in. "
        "Wil je alles zien? Vraag dan bij je coach of de gemeente een volledige inzage aan. Dat is je recht."
    )
    for heading, lines in sections(data):
        pdf.heading(heading)
        for line in lines:
            pdf.say(line)
        pdf.ln(2)
    return bytes(pdf.output())
