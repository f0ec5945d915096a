"""Drafting an inspanningscontract: sections from the case plan, the canonical text and its SHA-256.

Plain functions without HTTP. The canonical text is what people sign: the same text always gives
the same hash, one changed character gives another.
"""

import calendar
import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from core.formatting import date_nl
from models import (
    COMMITMENT_KIND_LABELS,
    OPEN_GOAL_STATUSES,
    ZRM_DOMAIN_LABELS,
    Commitment,
    Contract,
    ContractParty,
    ContractStatus,
    ContractTemplate,
    ContractVersion,
    Goal,
    Organisation,
    Participant,
    PartyKind,
    User,
    db,
)

MUNICIPALITY_NAME = "Gemeente Hengelo"

# Goals in these leefgebieden are personal: they go into the personal annex that only the
# participant and the municipality see and sign (health, addiction, justice, home relations).
SENSITIVE_DOMAINS = frozenset(
    {"geestelijke_gezondheid", "lichamelijke_gezondheid", "middelengebruik", "justitie", "huiselijke_relaties"}
)
ANNEX_KEY = "bijlage"
SUMMARY_KEY = "samenvatting"
ANNEX_HEADING = "PERSOONLIJKE BIJLAGE (alleen voor de deelnemer en de gemeente)"
MAX_SECTION_LENGTH = 10_000

# Built-in texts, used until beheer saves its own version of the template. {voornaam} is replaced.
DEFAULT_TEXTS = {
    "preamble": (
        "Het perspectiefjaar is een jaar waarin {voornaam} met steun van een life-coach en de partners "
        "werkt aan een goede plek op de arbeidsmarkt: een diploma, werk, of leren en werken tegelijk. "
        "In dit contract staat wat iedereen daarvoor doet."
    ),
    "participant_text": (
        "{voornaam} komt naar de afspraken met de life-coach en de partners, of meldt zich op tijd af. "
        "{voornaam} werkt actief aan de doelen hieronder en vertelt het de life-coach als er iets verandert."
    ),
    "municipality_text": (
        "De gemeente Hengelo zorgt voor een vaste life-coach die {voornaam} het hele jaar begeleidt. "
        "De life-coach helpt bij het maken en uitvoeren van het plan, houdt contact met de partners en "
        "kan maatwerk aanvragen als dat nodig is om de doelen te halen (de goedkoopste passende oplossing)."
    ),
    "consequences_text": (
        "Meedoen is niet vrijblijvend. Komt een partij de afspraken niet na, dan bespreekt de life-coach "
        "dat eerst met alle betrokkenen. Blijven afspraken zonder goede reden uit, dan kan de gemeente het "
        "perspectiefjaar beëindigen. Wie een afspraak niet kan nakomen, meldt dat zo snel mogelijk."
    ),
    "privacy_text": (
        "De gemeente Hengelo bewaart de gegevens van {voornaam} volgens de AVG. Partners krijgen alleen de "
        "gegevens die ze nodig hebben voor hun eigen afspraken: dit contract en hun eigen toezeggingen, "
        "nooit de gespreksverslagen of metingen van de life-coach. {voornaam} mag altijd vragen welke "
        "gegevens er zijn en wie ze heeft gezien."
    ),
    "summary_b1": (
        "In het kort: je doet een jaar mee aan het perspectiefjaar. Je werkt aan je doelen, samen met je "
        "life-coach. Je komt naar afspraken of je belt op tijd af. De gemeente en de partners helpen je. "
        "Meedoen is niet vrijblijvend. Lees hieronder het hele contract voordat je tekent."
    ),
}

TEMPLATE_FIELDS = tuple(DEFAULT_TEXTS)


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start: date) -> date:
    """The perspectiefjaar lasts twelve months."""
    return add_months(start, 12)


def current_template() -> ContractTemplate | None:
    return db.session.scalar(select(ContractTemplate).order_by(ContractTemplate.id.desc()).limit(1))


def template_texts() -> dict[str, str]:
    template = current_template()
    if template is None:
        return dict(DEFAULT_TEXTS)
    return {field: getattr(template, field) for field in TEMPLATE_FIELDS}


def save_template(values: dict[str, str], actor: User | None) -> ContractTemplate:
    """Beheer saves the standard texts; existing versions keep the text they were drafted with."""
    template = current_template() or ContractTemplate()
    for field in TEMPLATE_FIELDS:
        setattr(template, field, values[field].strip())
    template.updated_by_id = actor.id if actor else None
    db.session.add(template)
    return template


def _fill(text: str, participant: Participant) -> str:
    return text.replace("{voornaam}", participant.first_name)


def municipality_organisation() -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.kind == "gemeente").order_by(Organisation.id))


def participant_commitments(participant_id: int, organisation_ids: list[int]) -> list[Commitment]:
    if not organisation_ids:
        return []
    return list(
        db.session.scalars(
            select(Commitment)
            .where(Commitment.participant_id == participant_id, Commitment.organisation_id.in_(organisation_ids))
            .order_by(Commitment.organisation_id, Commitment.id)
        )
    )


def suggested_partner_ids(participant_id: int) -> list[int]:
    """Organisations that already made a commitment for this participant."""
    rows = db.session.scalars(
        select(Commitment.organisation_id).where(Commitment.participant_id == participant_id).distinct()
    )
    return sorted(set(rows))


def _goal_line(goal: Goal) -> str:
    label = goal.domain_label if hasattr(goal, "domain_label") else goal.domain
    line = f"- {label}: {goal.description.strip()}"
    if goal.target_date:
        line += f" (streefdatum {date_nl(goal.target_date)})"
    return line


def _commitment_line(commitment: Commitment) -> str:
    label = COMMITMENT_KIND_LABELS.get(commitment.kind, commitment.kind)
    line = f"- {label}: {commitment.description.strip()}"
    if commitment.quantity:
        line += f" (aantal: {commitment.quantity})"
    if commitment.due_date:
        line += f", uiterlijk {date_nl(commitment.due_date)}"
    return line


def build_sections(participant: Participant, partners: list[Organisation], texts: dict[str, str] | None = None) -> list:
    """The editable sections of a new version, prefilled from goals, commitments and the template."""
    texts = texts or template_texts()
    goals = list(
        db.session.scalars(
            select(Goal)
            .where(Goal.participant_id == participant.id, Goal.status.in_(OPEN_GOAL_STATUSES))
            .order_by(Goal.id)
        )
    )
    shared = [g for g in goals if not is_personal(g)]
    personal = [g for g in goals if is_personal(g)]
    goal_lines = "\n".join(_goal_line(g) for g in shared) or "- De doelen worden samen met de life-coach gemaakt."
    commitments = participant_commitments(participant.id, [p.id for p in partners])
    sections = [
        {"key": "doel", "title": "Waarom dit contract", "body": _fill(texts["preamble"], participant)},
        {
            "key": "deelnemer",
            "title": f"Wat {participant.first_name} doet",
            "body": _fill(texts["participant_text"], participant) + "\n\nDoelen:\n" + goal_lines,
        },
        {
            "key": "gemeente",
            "title": "Wat de gemeente Hengelo en de life-coach doen",
            "body": _fill(texts["municipality_text"], participant),
        },
    ]
    for org in partners:
        lines = [_commitment_line(c) for c in commitments if c.organisation_id == org.id]
        body = "\n".join(lines) or "- De afspraken worden met de life-coach gemaakt en in een nieuwe versie vastgelegd."
        sections.append({"key": f"partner-{org.id}", "title": f"Wat {org.name} doet", "body": body})
    sections.append({"key": "niet-vrijblijvend", "title": "Niet vrijblijvend", "body": texts["consequences_text"]})
    sections.append({"key": "privacy", "title": "Privacy", "body": _fill(texts["privacy_text"], participant)})
    if personal:
        sections.append(
            {
                "key": ANNEX_KEY,
                "title": "Persoonlijke doelen",
                "body": "\n".join(_goal_line(g) for g in personal),
            }
        )
    sections.append({"key": SUMMARY_KEY, "title": "In het kort", "body": _fill(texts["summary_b1"], participant)})
    return sections


def is_personal(goal: Goal) -> bool:
    """A goal for the personal annex: a sensitive leefgebied, or marked confidential by the coach."""
    return goal.domain in SENSITIVE_DOMAINS or bool(goal.confidential)


def body_sections(version: ContractVersion) -> list[dict]:
    """Sections of the contract text everyone signs (the B1 summary is shown, not signed; the annex apart)."""
    return [s for s in version.sections if s["key"] not in (SUMMARY_KEY, ANNEX_KEY)]


def annex_section(version: ContractVersion) -> dict | None:
    return next((s for s in version.sections if s["key"] == ANNEX_KEY), None)


def summary_b1(version: ContractVersion) -> str:
    for section in version.sections:
        if section["key"] == "samenvatting":
            return section["body"]
    return ""


@dataclass
class PersonalSummary:
    """ "In het kort" for the participant, in plain words (B1), from the version they sign."""

    first_name: str
    goals: list[str]
    coach_name: str
    phone: str
    start: date
    end: date
    partners: list[tuple[str, list[str]]]  # (organisation, what it does)
    template_text: str


HENGELO_PHONE = "14 074"  # the municipality's general number, when no contact number is set


def _plain_lines(body: str) -> list[str]:
    """The "- ..." lines of a section without the dash and the leefgebied or kind label."""
    lines = []
    for line in body.split("\n"):
        line = line.strip()
        if line.startswith("- "):
            text = line[2:]
            label, sep, rest = text.partition(": ")
            lines.append(rest if sep and len(label) <= 40 else text)
    return lines


def _contact_phone(coach: User | None, municipality: Organisation | None) -> str:
    """The coach's own number (set on "Mijn bereikbaarheid"), else the municipality's, else 14 074."""
    if coach is not None and coach.phone:
        return coach.phone
    if municipality is not None and municipality.contact_phone:
        return municipality.contact_phone
    return HENGELO_PHONE


def personal_summary(version: ContractVersion) -> PersonalSummary:
    """The participant's own summary: goals, coach, dates, what each partner does (only participant pages)."""
    participant = version.contract.participant
    by_key = {s["key"]: s for s in version.sections}
    goals = []
    own = by_key.get("deelnemer")
    if own is not None:
        goals += _plain_lines(own["body"].split("Doelen:", 1)[-1])
    annex = by_key.get(ANNEX_KEY)
    if annex is not None:
        goals += _plain_lines(annex["body"])
    goals = [g for g in goals if not g.startswith("De doelen worden samen met de life-coach")]
    coach = participant.coach
    municipality = municipality_organisation()
    partners = []
    for party in version.parties:
        if party.kind == PartyKind.PARTNER.value:
            section = by_key.get(f"partner-{party.organisation_id}")
            partners.append((party.name, _plain_lines(section["body"]) if section else []))
    return PersonalSummary(
        first_name=participant.first_name,
        goals=goals,
        coach_name=coach.name if coach else "je life-coach",
        phone=_contact_phone(coach, municipality),
        start=version.start_date,
        end=version.end_date,
        partners=partners,
        template_text=summary_b1(version),
    )


def new_contract(participant: Participant, partners: list[Organisation], start: date, actor: User | None) -> Contract:
    """A contract with its first concept version and parties; the caller commits."""
    contract = Contract(participant=participant, created_by_id=actor.id if actor else None)
    version = ContractVersion(
        contract=contract,
        number=1,
        start_date=start,
        end_date=period_end(start),
        sections=build_sections(participant, partners),
        created_by_id=actor.id if actor else None,
    )
    set_parties(version, participant, partners)
    db.session.add(contract)
    return contract


def set_parties(
    version: ContractVersion, participant: Participant, partners: list[Organisation], signers=None, resign=()
):
    """(Re)build the parties of a concept version: participant, municipality, then each partner.

    `resign` holds the organisations the coach asks to sign again although their text is unchanged.
    """
    signers = signers or {}
    version.parties.clear()
    municipality = municipality_organisation()
    version.parties.append(ContractParty(position=0, kind=PartyKind.DEELNEMER.value, name=participant.full_name))
    version.parties.append(
        ContractParty(
            position=1,
            kind=PartyKind.GEMEENTE.value,
            organisation_id=municipality.id if municipality else None,
            name=municipality.name if municipality else MUNICIPALITY_NAME,
            signer_user_id=signers.get("gemeente"),
        )
    )
    for position, org in enumerate(partners, start=2):
        version.parties.append(
            ContractParty(
                position=position,
                kind=PartyKind.PARTNER.value,
                organisation_id=org.id,
                name=org.name,
                signer_user_id=signers.get(org.id),
                resign_requested=org.id in resign,
            )
        )


def sync_partner_sections(version: ContractVersion, participant: Participant, partners: list[Organisation]) -> None:
    """Keep one section per partner party: keep edited text, add new partners, drop removed ones."""
    fresh = {s["key"]: s for s in build_sections(participant, partners)}
    existing = {s["key"]: s for s in version.sections}
    sections = []
    for key, section in fresh.items():
        if key.startswith("partner-") or key not in existing:
            sections.append(existing.get(key, section))
        else:
            sections.append(existing[key])
    version.sections = sections


def next_version(contract: Contract, actor: User | None) -> ContractVersion:
    """A new concept copying the latest version's text and parties; the caller commits."""
    latest = contract.versions[-1]
    version = ContractVersion(
        contract=contract,
        number=latest.number + 1,
        start_date=latest.start_date,
        end_date=latest.end_date,
        sections=[dict(s) for s in latest.sections],
        created_by_id=actor.id if actor else None,
    )
    db.session.add(version)
    for party in latest.parties:
        version.parties.append(
            ContractParty(
                position=party.position,
                kind=party.kind,
                organisation_id=party.organisation_id,
                name=party.name,
                signer_user_id=party.signer_user_id,
            )
        )
    contract.status = ContractStatus.CONCEPT.value if latest.status == ContractStatus.CONCEPT else contract.status
    db.session.add(version)
    return version


# --------------------------------------------------------------------------- canonical text and hash


def normalise(text: str) -> str:
    """Unicode NFC, \\n line ends, no trailing spaces, one final newline: one text, one hash."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def render_text(version: ContractVersion) -> str:
    """The full text of a version as the participant and the municipality sign it: contract + annex."""
    text = contract_text(version)
    annex = annex_section(version)
    if annex is None:
        return text
    return normalise(text + "\n" + ANNEX_HEADING + "\n" + annex["title"] + "\n" + annex["body"])


def contract_text(version: ContractVersion) -> str:
    """The contract without the personal annex: what partners see. The full text starts with it."""
    contract = version.contract
    lines = [
        "INSPANNINGSCONTRACT PERSPECTIEFJAAR 23+",
        f"Contract {contract.reference}, versie {version.number}",
        "",
        "1. Partijen",
    ]
    for party in version.parties:
        lines.append(f"- {party.kind_label}: {party.name}")
    lines += [
        "",
        "2. Looptijd",
        f"Het perspectiefjaar loopt van {date_nl(version.start_date)} tot {date_nl(version.end_date)}"
        " (twaalf maanden).",
    ]
    for number, section in enumerate(body_sections(version), start=3):
        lines += ["", f"{number}. {section['title']}", section["body"]]
    lines += [
        "",
        f"{len(body_sections(version)) + 3}. Ondertekening",
        "Iedere partij tekent elektronisch. Bij elke handtekening worden de naam van wie tekent, de manier "
        "van controleren, het tijdstip (UTC), het IP-adres, de browser, de tekst van de verklaring en de "
        "SHA-256-code van deze versie bewaard. Een latere wijziging wordt een nieuwe versie die opnieuw "
        "wordt getekend.",
    ]
    return normalise("\n".join(lines))


def text_hash(version: ContractVersion) -> str:
    """The stored hash for a frozen version, else the hash the current concept would get."""
    return sha256_hex(version.canonical_text if version.is_frozen else render_text(version))


def verify(version: ContractVersion) -> bool:
    """Does the stored canonical text still match its stored SHA-256?"""
    return bool(version.is_frozen and version.canonical_text is not None) and (
        sha256_hex(version.canonical_text) == version.text_sha256
    )


# --------------------------------------------------------------------------- what a signature covers


def partner_scope_text(version: ContractVersion, organisation_id: int) -> str:
    """What a partner's signature covers: the common sections and its own section, without the annex,
    the version number or other partners' sections. Byte-identical in two versions -> carry-over."""
    contract = version.contract
    own = f"partner-{organisation_id}"
    party = next((p for p in version.parties if p.organisation_id == organisation_id), None)
    lines = [
        "INSPANNINGSCONTRACT PERSPECTIEFJAAR 23+",
        f"Contract {contract.reference}",
        f"Deelnemer: {contract.participant.full_name if contract.participant else ''}",
        f"Partner: {party.name if party else ''}",
        f"Looptijd: {date_nl(version.start_date)} tot {date_nl(version.end_date)}",
    ]
    for section in body_sections(version):
        if not section["key"].startswith("partner-") or section["key"] == own:
            lines += ["", section["title"], section["body"]]
    return normalise("\n".join(lines))


def coverage(version: ContractVersion, party: ContractParty) -> tuple[str, str]:
    """(the parts a party's signature covers, in words; the exact text they form)."""
    if party.kind == PartyKind.PARTNER.value:
        return (
            f"algemene afspraken en het deel van {party.name}, zonder persoonlijke bijlage",
            partner_scope_text(version, party.organisation_id),
        )
    text = version.canonical_text if version.is_frozen else render_text(version)
    has_annex = annex_section(version) is not None
    return ("hele contract met persoonlijke bijlage" if has_annex else "hele contract", text)


PERSONAL_GOAL_PLACEHOLDER = "- (persoonlijk doel: alleen voor de deelnemer en de gemeente)"


def _without_sensitive_goals(text: str) -> str:
    """Versions drafted before the personal annex existed have sensitive goals in the common text:
    a partner reads them with those goal lines left out (the stored, signed text does not change)."""
    labels = tuple(f"- {ZRM_DOMAIN_LABELS[d]}: " for d in sorted(SENSITIVE_DOMAINS))
    return "\n".join(PERSONAL_GOAL_PLACEHOLDER if line.startswith(labels) else line for line in text.split("\n"))


def partner_view_text(version: ContractVersion) -> str:
    """The text a partner may read: the stored text up to the personal annex."""
    text = version.canonical_text if version.is_frozen else render_text(version)
    if annex_section(version) is None:
        return _without_sensitive_goals(text)
    marker = "\n" + ANNEX_HEADING + "\n"
    return text.split(marker, 1)[0] + "\n" if marker in text else contract_text(version)
