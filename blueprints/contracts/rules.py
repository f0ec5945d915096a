"""Which contract version holds, and the contract-level rules around it. No HTTP here.

One version at a time is in force ("geldend", status ACTIEF). A new version of a contract that has
one is a proposal (VOORGESTELD): the old version keeps holding until every party of the proposal
has signed, and keeps holding when the proposal is declined or withdrawn. Every page that needs to
know what holds (case file, partner portal, contracts list, home pages) asks `version_in_force`
for a loaded contract, or uses `in_force_clause` / `in_force_version_id` inside a query.
"""

import unicodedata

from sqlalchemy import select

from blueprints.contracts import drafting
from models import Contract, ContractStatus, ContractVersion, db

S = ContractStatus

# Versions that still wait for signatures: the first version (nothing in force yet) or a proposal.
OPEN_STATUSES = (S.VERZONDEN, S.VOORGESTELD)
OPEN_VALUES = tuple(s.value for s in OPEN_STATUSES)


def version_in_force(contract: Contract) -> ContractVersion | None:
    """The version that holds now (fully signed, not ended or replaced), or None."""
    return next((v for v in contract.versions if v.status == S.ACTIEF), None)


def open_version(contract: Contract) -> ContractVersion | None:
    """The one sent version that waits for signatures (a proposal, or a first version), or None."""
    return next((v for v in reversed(contract.versions) if v.status in OPEN_STATUSES), None)


def open_proposal(contract: Contract) -> ContractVersion | None:
    """The open version that would replace the version in force, or None."""
    version = open_version(contract)
    return version if version is not None and version.status == S.VOORGESTELD else None


def is_open(version: ContractVersion) -> bool:
    return version.status in OPEN_STATUSES


def in_force_clause():
    """SQL condition on `ContractVersion`: this row is the version in force of its contract."""
    return ContractVersion.status == S.ACTIEF.value


def in_force_version_id():
    """Correlated scalar subquery: the id of `Contract`'s version in force (NULL when none)."""
    return (
        select(ContractVersion.id)
        .where(ContractVersion.contract_id == Contract.id, in_force_clause())
        .limit(1)
        .scalar_subquery()
    )


def contract_status(contract: Contract) -> str:
    """The contract's own status: 'actief' while a version holds, else that of its latest sent version."""
    if version_in_force(contract) is not None:
        return S.ACTIEF.value
    frozen = [v for v in contract.versions if v.is_frozen]
    if not frozen:
        return S.CONCEPT.value
    if any(v.status == S.BEEINDIGD for v in frozen) and not any(is_open(v) for v in frozen):
        return S.BEEINDIGD.value
    return frozen[-1].status


def sync_contract_status(contract: Contract) -> None:
    contract.status = contract_status(contract)


def running_contract_id(participant_id: int) -> int | None:
    """One contract per participant: the id of the one that has not ended, if any."""
    return db.session.scalar(
        select(Contract.id).where(Contract.participant_id == participant_id, Contract.status != S.BEEINDIGD.value)
    )


NO_SECOND_CONTRACT = "Deze deelnemer heeft al een contract. Maak daar een nieuwe versie van."


def normalised_sections(sections: list[dict], bodies: dict[str, str]) -> list[dict]:
    """The concept's sections with the typed texts, each normalised (NFC, line ends, no trailing spaces)."""
    return [{**s, "body": drafting.normalise(bodies.get(s["key"], s["body"])).rstrip("\n")} for s in sections]


def name_key(name: str) -> str:
    """A name as compared when signing: no accents, case or extra spaces ("Zoë  de Jong" = "zoe de jong")."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def names_match(typed: str, expected: str) -> bool:
    """Does the typed name match the name on file, ignoring case, accents and extra spaces?"""
    return bool(name_key(typed)) and name_key(typed) == name_key(expected)
