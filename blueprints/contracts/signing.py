"""The rules of sending, signing, declining, withdrawing and ending a contract version. No HTTP here.

- `send_version` freezes a concept: canonical text + SHA-256. With a version in force it becomes a
  proposal (VOORGESTELD) and the version in force keeps holding; an older open version that nobody
  will sign any more is replaced.
- `sign_version` records one signature with full evidence; a second submit for the same party
  returns the first signature (it counts once). All parties signed -> the version is in force,
  the one it replaces becomes VERVANGEN, and the participant's status becomes 'actief'.
- `decline_version` records a refusal with a reason; `withdraw_version` is the coach taking a
  proposal back. Either way the version stops being signable and the old version keeps holding.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from blueprints.contracts import drafting, rules
from blueprints.contracts.confirm import check_identity
from blueprints.contracts.events import log_event
from blueprints.contracts.links import revoke_open_links
from blueprints.contracts.rules import is_open, open_version, sync_contract_status, version_in_force
from blueprints.youths.workflow import CONTRACT_ACTIVATION_FROM, activate_after_contract
from models import (
    Contract,
    ContractDecline,
    ContractParty,
    ContractSignature,
    ContractSigningLink,
    ContractStatus,
    ContractVersion,
    Participant,
    PartyKind,
    User,
    db,
    utcnow,
)

S = ContractStatus


class SigningError(ValueError):
    """A refused signing step, with a Dutch message; `errors` says which form field each refusal is about."""

    def __init__(self, message: str, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.errors = errors or {}


METHOD_LABELS = {
    "overgenomen": "Overgenomen van een eerdere versie (tekst ongewijzigd)",
    "wachtwoord": "Ingelogd, bevestigd met wachtwoord",
    "link": "Persoonlijke link met controle van geboortedatum",
    "ter_plaatse": "Ter plaatse op het apparaat van de life-coach",
}

# The four doors to a signature. Each hands an `Attempt` to `sign_through`, the one path that makes
# the checks, writes the evidence and words the refusals.
PORTAL, MUNICIPALITY, IN_PERSON, LINK = "portaal", "gemeente", "ter_plaatse", "link"
DOOR_METHODS = {PORTAL: "wachtwoord", MUNICIPALITY: "wachtwoord", IN_PERSON: "ter_plaatse", LINK: "link"}
DOOR_PARTY_KINDS = {
    PORTAL: PartyKind.PARTNER,
    MUNICIPALITY: PartyKind.GEMEENTE,
    IN_PERSON: PartyKind.DEELNEMER,
    LINK: PartyKind.DEELNEMER,
}
NOT_SIGNABLE = "de contractversie is niet meer te tekenen"
FACTOR_LINK = "persoonlijke link"
FACTOR_BIRTH_DATE = "geboortedatum"


def intent_text(version: ContractVersion, party: ContractParty) -> str:
    """The exact statement a signer ticks; stored with the signature."""
    if party.kind == PartyKind.DEELNEMER:
        return (
            f"Ik heb versie {version.number} van het inspanningscontract {version.contract.reference} gelezen. "
            "Ik ga akkoord met de afspraken en ik teken dit contract."
        )
    return (
        f"Ik heb versie {version.number} van het inspanningscontract {version.contract.reference} gelezen "
        f"en ik teken het namens {party.name}. Ik mag namens {party.name} tekenen."
    )


# --------------------------------------------------------------------------- status helpers


def _set_status(version: ContractVersion, status: S) -> None:
    version.status = status.value
    sync_contract_status(version.contract)


def party_status(party: ContractParty) -> str:
    if party.signature is not None:
        return "getekend"
    if party.decline is not None:
        return "geweigerd"
    return "open"


def may_sign_for(user: User, party: ContractParty) -> bool:
    """Partners sign for their own organisation, the coach or beheer for the municipality."""
    if not user.active:
        return False
    if party.signer_user_id is not None and party.signer_user_id != user.id:
        return False
    if party.kind == PartyKind.PARTNER:
        return user.role == "partner" and user.organisation_id == party.organisation_id
    if party.kind == PartyKind.GEMEENTE:
        return user.role in ("coach", "beheer")
    return False


# --------------------------------------------------------------------------- send (freeze)


def send_version(version: ContractVersion, actor: User | None, now: datetime | None = None) -> ContractVersion:
    """Freeze a concept: store the canonical text and its hash. The version in force keeps holding."""
    if version.status != S.CONCEPT or version.is_frozen:
        raise SigningError("Alleen een concept kan worden verstuurd.")
    now = now or utcnow()
    contract = version.contract
    in_force = version_in_force(contract)
    text = drafting.render_text(version)
    version.canonical_text = text
    version.text_sha256 = drafting.sha256_hex(text)
    version.frozen_at = now
    version.sent_at = now
    for older in contract.versions:
        if older is not version and is_open(older):  # at most one open version per contract
            older.status = S.VERVANGEN.value
            older.closed_at = now
            older.close_reason = f"Vervangen door versie {version.number}"
            revoke_open_links(older, actor, now, reason=NOT_SIGNABLE)
            log_event(contract, "superseded", older, actor, detail=f"vervangen door versie {version.number}", at=now)
    _set_status(version, S.VOORGESTELD if in_force is not None else S.VERZONDEN)
    carried = _carry_over(version, in_force, actor, now) if in_force is not None else []
    detail = f"SHA-256 {version.text_sha256}"
    if carried:
        detail += "; handtekening blijft staan (tekst ongewijzigd): " + ", ".join(p.name for p in carried)
    if in_force is not None:
        detail += f"; versie {in_force.number} blijft gelden tot iedereen heeft getekend"
    log_event(contract, "sent", version, actor, detail=detail, at=now)
    return version


@dataclass
class Carry:
    """Per partner of a new version: may its signature on the version in force be carried over?"""

    party: ContractParty
    state: str  # "ongewijzigd" (carried over), "gewijzigd", "nieuw", "opnieuw" (the coach asks again)
    previous: ContractSignature | None = None  # the signature that would be carried over

    @property
    def label(self) -> str:
        return {
            "ongewijzigd": f"Tekst ongewijzigd: de handtekening van versie {self.previous_number} blijft staan",
            "gewijzigd": "Tekst gewijzigd: tekent opnieuw",
            "nieuw": "Nieuw in dit contract: tekent",
            "opnieuw": "Tekst ongewijzigd, maar u vraagt om opnieuw te tekenen",
        }[self.state]

    @property
    def previous_number(self) -> int | None:
        return self.previous.version.number if self.previous is not None else None


def carry_over_plan(version: ContractVersion) -> list[Carry]:
    """For each partner party of `version`: compare its covered text with what it signed on the version
    in force. Carry-over only when byte-identical, and only when the stored hash still proves that."""
    in_force = version_in_force(version.contract)
    plan = []
    for party in version.parties:
        if party.kind != PartyKind.PARTNER:
            continue
        old_party = None
        if in_force is not None and in_force is not version:
            old_party = next((p for p in in_force.parties if p.organisation_id == party.organisation_id), None)
        old_signature = old_party.signature if old_party is not None else None
        if old_signature is None:
            plan.append(Carry(party, "nieuw" if old_party is None else "gewijzigd"))
            continue
        old_text = drafting.partner_scope_text(in_force, party.organisation_id)
        new_text = drafting.partner_scope_text(version, party.organisation_id)
        identical = (
            old_signature.covered_sha256 is not None
            and drafting.sha256_hex(old_text) == old_signature.covered_sha256
            and old_text.encode("utf-8") == new_text.encode("utf-8")
        )
        if not identical:
            plan.append(Carry(party, "gewijzigd", old_signature))
        else:
            plan.append(Carry(party, "opnieuw" if party.resign_requested else "ongewijzigd", old_signature))
    return plan


def _carry_over(version: ContractVersion, in_force: ContractVersion, actor: User | None, now: datetime) -> list:
    """Copy the signature of each partner whose covered text did not change; returns those parties."""
    carried = []
    for item in carry_over_plan(version):
        if item.state != "ongewijzigd":
            continue
        old = item.previous
        origin = old.carried_from if old.carried_from_id else old
        signature = ContractSignature(
            version_id=version.id,
            party_id=item.party.id,
            signer_name=old.signer_name,
            user_id=old.user_id,
            link_id=None,
            method="overgenomen",
            authentication=(
                f"getekend op versie {origin.version.number}, tekst ongewijzigd "
                f"(SHA-256 {old.covered_sha256}); overgenomen bij het versturen van versie {version.number}"
            )[:300],
            signed_at=origin.signed_at,
            intent_text=origin.intent_text,
            version_sha256=origin.version_sha256,
            covers=old.covers,
            covered_sha256=old.covered_sha256,
            factors=origin.factors,
            carried_from_id=origin.id,
        )
        db.session.add(signature)
        item.party.signature = signature
        carried.append(item.party)
        log_event(
            version.contract,
            "carried_over",
            version,
            actor,
            detail=f"{item.party.name}: getekend op versie {origin.version.number}, tekst ongewijzigd",
            at=now,
        )
    return carried


# --------------------------------------------------------------------------- sign


@dataclass
class SignResult:
    signature: ContractSignature
    created: bool  # False: this party had already signed (a double submit counts once)
    completed: bool  # True: this signature completed the version


def sign_version(
    version: ContractVersion,
    party: ContractParty,
    *,
    signer_name: str,
    method: str,
    authentication: str,
    intent: str,
    user: User | None = None,
    link: ContractSigningLink | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
    actor: User | None = None,
    factors: list[str] | None = None,
    witness: User | None = None,
    now: datetime | None = None,
) -> SignResult:
    """Record a signature for `party` on `version` with its evidence. The caller commits.

    Doors call `sign_through`, which makes the checks first; this only records.
    """
    if party.version_id != version.id:
        raise SigningError("Deze partij hoort niet bij deze contractversie.")
    existing = _existing_signature(party)
    if existing is not None:
        return SignResult(existing, created=False, completed=False)
    if not is_open(version):
        raise SigningError("Deze versie van het contract kan niet (meer) worden getekend.")
    if party.decline is not None:
        raise SigningError("Deze partij heeft deze versie geweigerd.")
    if intent != intent_text(version, party):
        raise SigningError("De verklaring klopt niet met deze versie. Laad de pagina opnieuw.")
    if not drafting.verify(version):
        raise SigningError("De opgeslagen tekst klopt niet met de vingerafdruk. Tekenen kan niet.")
    signer_name = " ".join((signer_name or "").split())
    if not signer_name:
        raise SigningError("Vul uw naam in.")
    now = now or utcnow()
    signature = ContractSignature(
        version_id=version.id,
        party_id=party.id,
        signer_name=signer_name[:200],
        user_id=user.id if user else None,
        link_id=link.id if link else None,
        method=method,
        authentication=authentication[:300],
        signed_at=now,
        ip=(ip or "")[:45] or None,
        user_agent=(user_agent or "")[:500] or None,
        intent_text=intent,
        version_sha256=version.text_sha256,
        factors=", ".join(factors)[:200] if factors else None,
        witness_user_id=witness.id if witness else None,
    )
    signature.covers, covered = drafting.coverage(version, party)
    signature.covered_sha256 = drafting.sha256_hex(covered)
    try:
        with db.session.begin_nested():
            db.session.add(signature)
    except IntegrityError:  # a concurrent submit for the same party won the race
        db.session.expire(party)
        return SignResult(_existing_signature(party), created=False, completed=False)
    party.signature = signature
    if link is not None:
        from blueprints.contracts.links import mark_used

        mark_used(link, now)
    label = f"{signer_name} namens {party.name}" if party.kind != PartyKind.DEELNEMER else signer_name
    log_event(version.contract, "signed", version, actor, label=None if actor else label, detail=label, at=now)
    completed = all(p.signature is not None for p in version.parties)
    if completed:
        _activate(version, actor, now)
    # The sealed PDF and a copy for everyone (issue 16 points 6 and 8).
    from blueprints.contracts.delivery import after_signature

    after_signature(version, party, completed)
    return SignResult(signature, created=True, completed=completed)


@dataclass
class Attempt:
    """What one door hands over: who typed which name, and what there is to check."""

    door: str
    typed_name: str
    user: User | None = None  # the signed-in signer; at IN_PERSON the coach, who is the witness
    password: str | None = None
    code: str | None = None
    link: ContractSigningLink | None = None  # LINK: the birth date was checked when the link was opened
    date_of_birth: date | None = None  # IN_PERSON: checked here
    ip: str | None = None
    user_agent: str | None = None


def expected_name(party: ContractParty, attempt: Attempt) -> str:
    """The name the signer must type: the participant's name, or the signed-in user's account name."""
    if party.kind == PartyKind.DEELNEMER:
        return party.version.contract.participant.full_name
    return attempt.user.name if attempt.user is not None else party.name


def sign_through(version: ContractVersion, party: ContractParty, attempt: Attempt, now=None) -> SignResult:
    """The one signing path of all four doors: checks, evidence, refusals. The caller commits.

    Refusals raise `SigningError` with the Dutch message per form field. A party that already
    signed gets its first signature back (a double submit counts once) without new checks.
    """
    if party.version_id != version.id or DOOR_PARTY_KINDS.get(attempt.door) != party.kind:
        raise SigningError("Deze partij hoort niet bij deze contractversie.")
    existing = _existing_signature(party)
    if existing is not None:
        return SignResult(existing, created=False, completed=False)
    user, participant = attempt.user, version.contract.participant
    if attempt.door in (PORTAL, MUNICIPALITY) and (user is None or not may_sign_for(user, party)):
        raise SigningError(f"U mag niet namens {party.name} tekenen.")
    if attempt.door == IN_PERSON and (user is None or user.role != "coach" or not user.active):
        raise SigningError("Alleen een life-coach kan een deelnemer ter plaatse laten tekenen.")
    if attempt.door == LINK and (attempt.link is None or attempt.link.party_id != party.id):
        raise SigningError("Deze link hoort niet bij deze handtekening.")

    errors: dict[str, str] = {}
    expected = expected_name(party, attempt)
    if not rules.names_match(attempt.typed_name, expected):
        errors["signer_name"] = (
            f"Deze naam klopt niet. Typ je naam zoals in het contract: {expected}."
            if party.kind == PartyKind.DEELNEMER
            else f"Deze naam klopt niet met uw account. Typ uw naam zoals bij uw account: {expected}."
        )
    factors: list[str] = []
    if attempt.door in (PORTAL, MUNICIPALITY):
        checked, refused = check_identity(user, attempt.password or "", attempt.code)
        factors += checked
        errors.update(refused)
    elif attempt.door == IN_PERSON:
        if attempt.date_of_birth != participant.date_of_birth:
            errors["date_of_birth"] = "Deze geboortedatum klopt niet met het dossier."
        factors.append(FACTOR_BIRTH_DATE)
    else:
        factors += [FACTOR_LINK, FACTOR_BIRTH_DATE]
    if errors:
        raise SigningError(" ".join(errors.values()), errors)

    checked_words = " en ".join(factors)
    if attempt.door == IN_PERSON:
        authentication = (
            f"ter plaatse getekend op het apparaat van life-coach {user.name} ({user.email}), die getuige was; "
            f"gecontroleerd: {checked_words}"
        )
    elif attempt.door == LINK:
        authentication = (
            f"persoonlijke link nr. {attempt.link.id} (alleen bekend bij de deelnemer); gecontroleerd: {checked_words}"
        )
    else:
        authentication = f"ingelogd als {user.email} ({user.role}); bij het tekenen gecontroleerd: {checked_words}"
    return sign_version(
        version,
        party,
        signer_name=attempt.typed_name,
        method=DOOR_METHODS[attempt.door],
        authentication=authentication,
        intent=intent_text(version, party),
        user=user if attempt.door in (PORTAL, MUNICIPALITY) else None,
        link=attempt.link,
        ip=attempt.ip,
        user_agent=attempt.user_agent,
        actor=user,
        factors=factors,
        witness=user if attempt.door == IN_PERSON else None,
        now=now,
    )


def _existing_signature(party: ContractParty) -> ContractSignature | None:
    return db.session.scalar(select(ContractSignature).where(ContractSignature.party_id == party.id))


def _activate(version: ContractVersion, actor: User | None, now: datetime) -> None:
    """The last signature arrived: this version holds now and replaces the one that held until now."""
    contract = version.contract
    replaced = version_in_force(contract)
    if replaced is not None and replaced is not version:
        replaced.status = S.VERVANGEN.value
        replaced.closed_at = now
        replaced.close_reason = f"Vervangen door versie {version.number}"
        log_event(contract, "superseded", replaced, actor, detail=f"vervangen door versie {version.number}", at=now)
    version.activated_at = now
    _set_status(version, S.ACTIEF)
    log_event(contract, "activated", version, actor, label=None if actor else "systeem", at=now)
    activate_participant(contract.participant, actor)


def activate_participant(participant: Participant, actor: User | None) -> None:
    """The case-files workflow moves a participant to 'actief' (with a dated status change)."""
    if participant.status in CONTRACT_ACTIVATION_FROM:
        activate_after_contract(participant, actor)


# --------------------------------------------------------------------------- decline and end


def decline_version(
    version: ContractVersion,
    party: ContractParty,
    *,
    name: str,
    reason: str,
    user: User | None = None,
    link: ContractSigningLink | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
    actor: User | None = None,
    now: datetime | None = None,
) -> ContractDecline:
    """Record a refusal; the version can no longer be signed and the coach sees it. The caller commits."""
    if party.version_id != version.id:
        raise SigningError("Deze partij hoort niet bij deze contractversie.")
    if party.decline is not None:
        return party.decline
    if not is_open(version):
        raise SigningError("Deze versie van het contract kan niet (meer) worden geweigerd.")
    if party.signature is not None:
        raise SigningError("Deze partij heeft al getekend.")
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise SigningError("Schrijf kort op waarom u niet tekent.")
    now = now or utcnow()
    decline = ContractDecline(
        version_id=version.id,
        party_id=party.id,
        name=" ".join((name or "").split())[:200] or party.name,
        user_id=user.id if user else None,
        link_id=link.id if link else None,
        reason=reason[:2000],
        declined_at=now,
        ip=(ip or "")[:45] or None,
        user_agent=(user_agent or "")[:500] or None,
    )
    db.session.add(decline)
    party.decline = decline
    if link is not None:
        from blueprints.contracts.links import mark_used

        mark_used(link, now)
    version.closed_at = now
    version.close_reason = f"Geweigerd door {party.name}: {reason[:500]}"
    _set_status(version, S.GEWEIGERD)
    revoke_open_links(version, actor, now, reason=NOT_SIGNABLE)
    in_force = version_in_force(version.contract)
    if in_force is not None:
        reason = f"{reason[:450]} (versie {in_force.number} blijft gelden)"
    log_event(
        version.contract, "declined", version, actor, label=None if actor else decline.name, detail=reason[:500], at=now
    )
    return decline


def withdraw_version(version: ContractVersion, reason: str, actor: User | None, now: datetime | None = None) -> None:
    """The coach takes an open version back; the version in force (if any) keeps holding."""
    if not is_open(version):
        raise SigningError("Alleen een versie die nog op handtekeningen wacht, kan worden ingetrokken.")
    reason = " ".join((reason or "").split())
    if len(reason) < 3:
        raise SigningError("Vul de reden in.")
    now = now or utcnow()
    version.closed_at = now
    version.close_reason = f"Ingetrokken: {reason[:500]}"
    _set_status(version, S.INGETROKKEN)
    revoke_open_links(version, actor, now, reason=NOT_SIGNABLE)
    in_force = version_in_force(version.contract)
    detail = reason[:450] + (f" (versie {in_force.number} blijft gelden)" if in_force is not None else "")
    log_event(version.contract, "withdrawn", version, actor, detail=detail, at=now)


def end_contract(contract: Contract, reason: str, actor: User | None, now: datetime | None = None) -> None:
    """End the contract in force (for example at the end of the year or after dropout).

    An open proposal is withdrawn with it: nothing of the contract can be signed after its end.
    """
    version = version_in_force(contract)
    if version is None:
        raise SigningError("Alleen een geldend contract kan worden beëindigd.")
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise SigningError("Vul de reden in.")
    now = now or utcnow()
    proposal = open_version(contract)
    if proposal is not None:
        withdraw_version(proposal, "het contract is beëindigd", actor, now)
    version.closed_at = now
    version.close_reason = reason[:2000]
    _set_status(version, S.BEEINDIGD)
    log_event(contract, "ended", version, actor, detail=reason[:500], at=now)


def current_version(contract: Contract) -> ContractVersion | None:
    """The latest version that is not a concept, else the concept."""
    frozen = [v for v in contract.versions if v.is_frozen]
    return frozen[-1] if frozen else (contract.versions[-1] if contract.versions else None)


def concept_version(contract: Contract) -> ContractVersion | None:
    return next((v for v in contract.versions if v.status == S.CONCEPT), None)
