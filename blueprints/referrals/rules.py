"""The rules of a bulk referral import: columns to fields, one row to a verdict, the row's hash.

Plain functions without HTTP. A row's verdict is one of VERDICTS: new, already known (same person, or
the same row imported before), not in the target group (eligibility rules of the case files), or wrong
(a Dutch reason per field). The dry run and the import call the same `classify` so they cannot differ.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from blueprints.youths import eligibility
from blueprints.youths.forms import EDUCATION_CHOICES
from blueprints.youths.same_person import all_same_among, name_key
from blueprints.youths.workflow import ENDED

NEW = "nieuw"
REENTRY = "terugkeer"  # the same person as a closed file: a new trajectory of that person (youths/persons.py)
KNOWN = "bekend"
IMPORTED = "al_geimporteerd"
EXCLUDED = "buiten_doelgroep"
WRONG = "fout"
CREATED = "aangemaakt"  # the import's result for a new row
CREATES = (NEW, REENTRY)  # verdicts the import turns into a new trajectory

VERDICT_LABELS = {
    NEW: "Nieuw",
    REENTRY: "Nieuw traject (terugkeer)",
    KNOWN: "Al bekend",
    IMPORTED: "Al eerder geïmporteerd",
    EXCLUDED: "Niet in de doelgroep",
    WRONG: "Fout in de regel",
    CREATED: "Aangemaakt",
}
VERDICT_KINDS = {
    NEW: "info",
    REENTRY: "info",
    KNOWN: "neutral",
    IMPORTED: "neutral",
    EXCLUDED: "warning",
    WRONG: "danger",
}
VERDICT_KINDS[CREATED] = "success"


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    required: bool
    synonyms: tuple[str, ...]  # header names a list usually uses for it


FIELDS = (
    Field("first_name", "Voornaam", True, ("voornaam", "voornamen", "roepnaam", "firstname")),
    Field("infix", "Tussenvoegsel", False, ("tussenvoegsel", "tussenvoegsels", "voorvoegsel", "tv")),
    Field("last_name", "Achternaam", True, ("achternaam", "geslachtsnaam", "familienaam", "lastname")),
    Field("date_of_birth", "Geboortedatum", True, ("geboortedatum", "geb.datum", "gebdatum", "geboren", "dob")),
    Field("email", "E-mailadres", False, ("email", "e-mail", "e-mailadres", "emailadres", "mail")),
    Field("phone", "Telefoonnummer", False, ("telefoon", "telefoonnummer", "tel", "mobiel", "06")),
    Field("address", "Adres", False, ("adres", "woonadres", "straat")),
    Field("highest_education", "Hoogst gevolgde opleiding", False, ("opleiding", "hoogste opleiding", "onderwijs")),
    Field("has_startkwalificatie", "Startkwalificatie (ja/nee)", False, ("startkwalificatie", "sk", "diploma")),
    Field("referral_date", "Aanmelddatum", False, ("aanmelddatum", "verwijsdatum", "datum aanmelding", "datum")),
    Field("start_date", "Geplande startdatum", False, ("startdatum", "start", "begindatum")),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
REQUIRED_FIELDS = [f.name for f in FIELDS if f.required]

FORMULA_START = ("=", "+", "-", "@")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
DATE_PATTERNS = (
    re.compile(r"^(?P<d>[0-9]{1,2})[-/.](?P<m>[0-9]{1,2})[-/.](?P<y>[0-9]{4})$"),
    re.compile(r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})(?: 00:00:00)?$"),
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9+() -]{6,30}$")
YES = {"ja", "j", "yes", "y", "1", "x", "waar", "true"}
NO = {"nee", "n", "no", "0", "", "onwaar", "false"}
EDUCATION = {choice.value: choice.label for choice in EDUCATION_CHOICES if choice.value}
# Diplomas that are a startkwalificatie: a list that names one needs no separate yes/no column.
QUALIFYING_EDUCATION = {"mbo2_plus", "havo_vwo"}
LIMITS = {"first_name": 100, "infix": 30, "last_name": 100, "email": 254, "phone": 30, "address": 300}


# --------------------------------------------------------------------------- columns to fields


def _header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9.]", "", header.casefold().replace("-", ""))


def guess_mapping(headers: list[str], remembered: dict | None = None) -> dict[str, str]:
    """field -> header: the source's remembered mapping where its headers still exist, else by header name."""
    mapping = {}
    available = set(headers)
    for name, header in (remembered or {}).items():
        if name in FIELD_BY_NAME and header in available:
            mapping[name] = header
    used = set(mapping.values())
    keys = {_header_key(h): h for h in headers}
    for f in FIELDS:
        if f.name in mapping:
            continue
        for synonym in (f.name, f.label, *f.synonyms):
            header = keys.get(_header_key(synonym))
            if header and header not in used:
                mapping[f.name] = header
                used.add(header)
                break
    return mapping


def person_cells(cells: list[str], headers: list[str], mapping: dict | None) -> tuple[str, str]:
    """(name, date of birth) as written in the row, through the mapping: what a user recognises a row by."""
    index = {h: i for i, h in enumerate(headers)}

    def cell(name):
        i = index.get((mapping or {}).get(name))
        return " ".join(cells[i].split()) if i is not None and i < len(cells) else ""

    name = " ".join(part for part in (cell("first_name"), cell("infix"), cell("last_name")) if part)
    return name, cell("date_of_birth")


def mapping_problems(mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
    """field -> Dutch message, for a mapping that misses a required column or uses a column twice."""
    problems = {}
    for name in REQUIRED_FIELDS:
        if not mapping.get(name):
            problems[name] = f"Kies de kolom met de {FIELD_BY_NAME[name].label.lower()}; die is verplicht."
        elif mapping[name] not in headers:
            problems[name] = f"De kolom '{mapping[name]}' staat niet in dit bestand."
    seen = {}
    for name, header in mapping.items():
        if header and header in seen:
            problems[name] = f"De kolom '{header}' is al gekozen bij {FIELD_BY_NAME[seen[header]].label}."
        seen.setdefault(header, name)
    return problems


def remembered_mapping_fits(remembered: dict | None, headers: list[str]) -> bool:
    """The source's mapping can be used as it is: every field it names is a column of this file."""
    if not remembered:
        return False
    return not mapping_problems(remembered, headers) and all(h in headers for h in remembered.values() if h)


# --------------------------------------------------------------------------- one row


@dataclass
class Defaults:
    """What the upload form says for every row: the source, planned start and referral date."""

    source: str
    start_date: date
    referral_date: date
    today: date


@dataclass
class RowValues:
    values: dict = field(default_factory=dict)  # field -> parsed value
    errors: dict = field(default_factory=dict)  # field -> Dutch message

    @property
    def full_name(self) -> str:
        parts = (self.values.get("first_name"), self.values.get("infix"), self.values.get("last_name"))
        return " ".join(p for p in parts if p)


def parse_date(text: str) -> date | None:
    """31-12-2001, 31/12/2001, 31.12.2001 or 2001-12-31 (ASCII digits only); None when it is none of them."""
    text = text.strip()
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    return None


def read_row(cells: list[str], headers: list[str], mapping: dict[str, str], defaults: Defaults) -> RowValues:
    """Parse and check one row's cells; every problem is a Dutch message at its field."""
    row = RowValues()
    index = {h: i for i, h in enumerate(headers)}
    raw = {name: cells[index[h]] if h in index and index[h] < len(cells) else "" for name, h in mapping.items() if h}
    for f in FIELDS:
        text = raw.get(f.name, "")
        if CONTROL.search(text):
            row.errors[f.name] = "Bevat een teken dat niet in een lijst hoort (bijvoorbeeld een NUL-teken)."
            continue
        text = " ".join(text.split())
        if f.required and not text:
            row.errors[f.name] = "Is leeg; dit veld is verplicht."
            continue
        if not text:
            continue
        if f.name in LIMITS and len(text) > LIMITS[f.name]:
            row.errors[f.name] = f"Is te lang (hoogstens {LIMITS[f.name]} tekens)."
            continue
        if f.name != "phone" and text.startswith(FORMULA_START):
            row.errors[f.name] = "Begint met =, +, - of @: dat is een formule en wordt niet overgenomen."
            continue
        try:
            row.values[f.name] = _value(f.name, text, defaults)
        except ValueError as problem:
            row.errors[f.name] = str(problem)
    if "first_name" in row.values and not name_key(row.values["first_name"]):
        row.errors["first_name"] = "Bevat geen letters."
    if "last_name" in row.values and not name_key(row.values["last_name"]):
        row.errors["last_name"] = "Bevat geen letters."
    return row


def _value(name: str, text: str, defaults: Defaults):
    if name in ("date_of_birth", "referral_date", "start_date"):
        day = parse_date(text)
        if day is None:
            raise ValueError(f"'{text}' is geen datum. Gebruik bijvoorbeeld 31-12-2001, 31/12/2001 of 2001-12-31.")
        if name == "date_of_birth" and not date(1950, 1, 1) <= day <= defaults.today:
            raise ValueError("Vul een geboortedatum tussen 1950 en vandaag in.")
        if name == "referral_date" and not date(2020, 1, 1) <= day <= defaults.today:
            raise ValueError("De aanmelddatum ligt tussen 2020 en vandaag.")
        if name == "start_date" and not date(2020, 1, 1) <= day <= defaults.today + timedelta(days=730):
            raise ValueError("De startdatum ligt tussen 2020 en twee jaar vanaf nu.")
        return day
    if name == "email":
        if not EMAIL.match(text):
            raise ValueError(f"'{text}' is geen geldig e-mailadres.")
        return text
    if name == "phone":
        if not PHONE.match(text):
            raise ValueError(f"'{text}' is geen geldig telefoonnummer.")
        return text
    if name == "highest_education":
        key = _education(text)
        if key is None:
            raise ValueError(f"'{text}' is geen bekende opleiding. Kies uit: {', '.join(EDUCATION.values())}.")
        return key
    if name == "has_startkwalificatie":
        answer = text.casefold()
        if answer in YES:
            return True
        if answer in NO:
            return False
        raise ValueError(f"'{text}' is geen ja of nee.")
    return text


def _education(text: str) -> str | None:
    wanted = _header_key(text)
    for key, label in EDUCATION.items():
        if wanted in (_header_key(key), _header_key(label)):
            return key
    return None


def row_hash(source: str, row: RowValues) -> str:
    """SHA-256 of the source and the row's parsed values: the same referral gives the same hash in any file."""
    values = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in sorted(row.values.items())}
    values["first_name"] = name_key(str(values.get("first_name", "")))
    values["last_name"] = name_key(f"{values.pop('infix', '')}{values.get('last_name', '')}")
    payload = json.dumps({"source": source, "values": values}, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(payload.encode()).hexdigest()


# --------------------------------------------------------------------------- the verdict


@dataclass
class Verdict:
    kind: str  # one of VERDICT_LABELS
    message: str = ""
    participant_id: int | None = None  # the existing person (known, imported) or the one created
    values: RowValues | None = None
    hash: str | None = None
    start_date: date | None = None
    referral_date: date | None = None

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.kind]


class Seen:
    """What a run has met so far: hashes already imported and people by date of birth (db and this file)."""

    def __init__(self, imported: dict[str, int], people: dict):
        self.imported = imported  # row hash -> participant id
        self.people = people  # date of birth -> list of objects with date_of_birth, full_name, id
        self.in_file: dict[tuple[str, date], int] = {}  # (name key, dob) -> row number earlier in this file


def classify(row_number: int, values: RowValues, defaults: Defaults, seen: Seen) -> Verdict:
    """The verdict of one parsed row. Updates `seen` so a later duplicate in the same file is 'known'."""
    if values.errors:
        message = " ".join(f"{FIELD_BY_NAME[name].label}: {text}" for name, text in values.errors.items())
        return Verdict(WRONG, message, values=values)
    digest = row_hash(defaults.source, values)
    birth = values.values["date_of_birth"]
    start = values.values.get("start_date", defaults.start_date)
    referral = values.values.get("referral_date", defaults.referral_date)
    common = {"values": values, "hash": digest, "start_date": start, "referral_date": referral}
    if digest in seen.imported:
        return Verdict(IMPORTED, "Deze regel is al eens geïmporteerd.", seen.imported[digest], **common)
    same = all_same_among(values.full_name, birth, seen.people.get(birth, []))
    running = [p for p in same if p.status not in ENDED]
    if running:
        return Verdict(KNOWN, "Zelfde geboortedatum en naam als een bestaande deelnemer.", running[0].id, **common)
    key = (name_key(values.full_name), birth)
    if key in seen.in_file:
        return Verdict(KNOWN, f"Staat al eerder in dit bestand (regel {seen.in_file[key]}).", **common)
    seen.in_file[key] = row_number
    qualified = values.values.get("has_startkwalificatie", False) or (
        values.values.get("highest_education") in QUALIFYING_EDUCATION
    )
    result = eligibility.check(birth, qualified, start)
    if not result.eligible:
        return Verdict(EXCLUDED, " ".join(result.reasons), **common)
    if same:  # only closed files of this person: they come back for a new trajectory
        latest = max(same, key=lambda p: (p.start_date, p.id))
        started = latest.start_date.strftime("%d-%m-%Y")
        message = f"Zelfde persoon als een afgesloten dossier (start {started}): wordt een nieuw traject."
        return Verdict(REENTRY, message, latest.id, **common)
    return Verdict(NEW, "Wordt aangemeld.", **common)


def spread_coach(coach_ids: list[int], created_so_far: int) -> int:
    """Coaches in turn: the n-th new person goes to coach n mod count (stable across a resumed import)."""
    return coach_ids[created_so_far % len(coach_ids)]
