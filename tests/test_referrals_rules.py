"""Rules of the bulk referral import without HTTP: reading files, the same-person rule, row verdicts."""

from datetime import date

import pytest

from blueprints.referrals import rules
from blueprints.referrals.parsing import MAX_BYTES, FileProblem, read_table
from blueprints.youths.same_person import find_same_person, name_key, same_person_among
from tests.conftest import make_participant
from tests.factories_referrals import HEADER, MAPPING, csv_bytes, person, xlsx_bytes

DEFAULTS = rules.Defaults("rmc", date(2026, 9, 1), date(2026, 8, 1), date(2026, 12, 1))


def verdict(cells, seen=None, headers=HEADER, mapping=MAPPING):
    values = rules.read_row(cells, headers, mapping, DEFAULTS)
    return rules.classify(2, values, DEFAULTS, seen or rules.Seen({}, {}))


# --------------------------------------------------------------------------- the same person


def test_name_key_ignores_accents_case_spacing_and_punctuation():
    assert name_key("Zoë  van der Berg") == name_key("zoe Van-der-berg") == "zoevanderberg"
    assert name_key("Zoë Berg") != name_key("Zoë van der Berg")


class P:
    def __init__(self, first, last, born, id=1, status="actief", start=date(2025, 1, 1)):
        self.first_name, self.last_name, self.date_of_birth, self.id = first, last, born, id
        self.status, self.start_date = status, start

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"


def test_same_person_needs_the_same_birth_date_and_a_similar_name():
    people = [P("Zoë", "van der Berg", date(2001, 5, 17))]
    assert same_person_among("ZOE VAN DER BERG", date(2001, 5, 17), people) is people[0]
    assert same_person_among("Zoe van der Berg", date(2001, 5, 18), people) is None
    assert same_person_among("Zoe Bergen", date(2001, 5, 17), people) is None
    assert same_person_among("   ", date(2001, 5, 17), people) is None


def test_find_same_person_looks_in_the_database(app):
    existing = make_participant(first_name="Daniël", last_name="Öztürk", date_of_birth=date(2000, 2, 29))
    assert find_same_person("daniel ozturk", date(2000, 2, 29)).id == existing.id
    assert find_same_person("daniel ozturk", date(2000, 3, 1)) is None


# --------------------------------------------------------------------------- reading files


def test_csv_with_semicolons_in_windows_1252_is_read_with_accents():
    table = read_table(csv_bytes([person(first="Chloë", last="Müller")], encoding="cp1252"))
    assert (table.kind, table.encoding, table.delimiter) == ("csv", "Windows-1252", ";")
    assert table.rows[0][0] == "Chloë" and table.rows[0][2] == "Müller"


def test_csv_with_commas_in_utf8_with_bom_is_read():
    data = "\ufeff".encode() + csv_bytes([person(first="Zoë")], delimiter=",")
    table = read_table(data)
    assert (table.encoding, table.delimiter, table.headers[0]) == ("UTF-8", ",", "Voornaam")
    assert table.rows[0][0] == "Zoë"


def test_xlsx_date_cells_become_dates_the_row_rules_accept():
    table = read_table(xlsx_bytes([[*person()[:3], date(2001, 12, 31), "", "Vmbo"]]))
    assert table.rows[0][3] == "2001-12-31"
    assert rules.parse_date(table.rows[0][3]) == date(2001, 12, 31)


def test_xlsx_is_read_by_content_whatever_its_name_and_formulas_stay_text():
    table = read_table(xlsx_bytes([person(first='=HYPERLINK("http://x.test","klik")')]), "lijst.csv")
    assert table.kind == "xlsx"
    assert table.rows[0][0].startswith("=HYPERLINK(")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "leeg"),
        (b"   \r\n", "leeg"),
        (b"%PDF-1.7 binary", "PDF"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "afbeelding"),
        (bytes(range(256)) * 20, "geen tekst"),
        (b"PK\x03\x04not really a zip", "Excel-bestand kan niet"),
        (b"Voornaam;Achternaam;Geboortedatum\r\n", "geen regels"),
        (b"x" * (MAX_BYTES + 1), "20 MB"),
    ],
)
def test_a_file_that_is_no_list_gets_a_dutch_message(data, message):
    with pytest.raises(FileProblem, match=message):
        read_table(data, "lijst.csv")


# --------------------------------------------------------------------------- mapping


def test_mapping_is_guessed_from_header_names_and_remembered_mapping_wins():
    headers = ["Roepnaam", "Achternaam", "Geb.datum", "Naam ouder"]
    assert rules.guess_mapping(headers) == {
        "first_name": "Roepnaam",
        "last_name": "Achternaam",
        "date_of_birth": "Geb.datum",
    }
    assert rules.guess_mapping(headers, {"first_name": "Naam ouder"})["first_name"] == "Naam ouder"


def test_missing_required_columns_are_named():
    problems = rules.mapping_problems({"first_name": "Voornaam"}, ["Voornaam"])
    assert set(problems) == {"last_name", "date_of_birth"}
    assert "verplicht" in problems["last_name"]


# --------------------------------------------------------------------------- one row


@pytest.mark.parametrize("born", ["31-12-2001", "31/12/2001", "2001-12-31", "31.12.2001"])
def test_dates_in_three_ways_are_accepted(born):
    result = verdict(person(born=born))
    assert result.kind == rules.NEW
    assert result.values.values["date_of_birth"] == date(2001, 12, 31)


@pytest.mark.parametrize("born", ["31-13-2001", "٣١-١٢-٢٠٠١", "morgen", "01-01-1900", "01-01-2030"])
def test_wrong_dates_are_wrong_at_the_field(born):
    result = verdict(person(born=born))
    assert result.kind == rules.WRONG
    assert result.message.startswith("Geboortedatum:")


def test_a_formula_in_a_name_is_refused_at_the_field():
    result = verdict(person(first='=HYPERLINK("http://x.test","klik")'))
    assert result.kind == rules.WRONG and "Voornaam: Begint met =" in result.message


def test_a_nul_byte_makes_the_row_wrong():
    result = verdict(person(last="Jo\x00ng"))
    assert result.kind == rules.WRONG and "Achternaam" in result.message and "NUL" in result.message


def test_empty_required_fields_and_bad_email_each_get_a_reason():
    result = verdict(person(first=" ", email="geen-mail", education="Heelal"))
    assert result.kind == rules.WRONG
    for part in ("Voornaam: Is leeg", "E-mailadres:", "Hoogst gevolgde opleiding:"):
        assert part in result.message


def test_names_with_accents_are_kept():
    result = verdict(person(first="Anaïs", last="Çelik"))
    assert result.kind == rules.NEW and result.values.full_name == "Anaïs de Çelik"


def test_too_young_or_with_a_startkwalificatie_is_not_in_the_target_group():
    young = verdict(person(born="01-01-2005"))
    assert young.kind == rules.EXCLUDED and "RMC" in young.message
    qualified = verdict(person(education="Mbo 2 of hoger"))
    assert qualified.kind == rules.EXCLUDED and "startkwalificatie" in qualified.message


def test_age_is_judged_on_the_rows_own_start_date():
    headers, mapping = [*HEADER, "Startdatum"], {**MAPPING, "start_date": "Startdatum"}
    # 22 on the upload's start date (1 September 2026), 23 on the row's own start date.
    result = verdict([*person(born="15-10-2003"), "01-11-2026"], headers=headers, mapping=mapping)
    assert result.kind == rules.NEW and result.start_date == date(2026, 11, 1)


def test_a_known_person_and_a_repeated_row_in_the_same_file_create_nothing():
    known = P("Sanne", "de Jong", date(2001, 5, 17), id=7)
    seen = rules.Seen({}, {date(2001, 5, 17): [known]})
    result = verdict(person(first="SANNE", last="jong"), seen)
    assert (result.kind, result.participant_id) == (rules.KNOWN, 7)

    seen = rules.Seen({}, {})
    values = rules.read_row(person(first="Ali"), HEADER, MAPPING, DEFAULTS)
    assert rules.classify(2, values, DEFAULTS, seen).kind == rules.NEW
    again = rules.classify(3, values, DEFAULTS, seen)
    assert again.kind == rules.KNOWN and "regel 2" in again.message


def test_the_same_person_with_only_closed_files_comes_back_for_a_new_trajectory():
    born = date(2001, 5, 17)
    first = P("Sanne", "de Jong", born, id=3, status="afgerond", start=date(2023, 2, 1))
    second = P("Sanne", "de Jong", born, id=8, status="uitgevallen", start=date(2024, 3, 1))
    result = verdict(person(first="Sánne", last="Jong"), rules.Seen({}, {born: [first, second]}))
    assert (result.kind, result.participant_id) == (rules.REENTRY, 8)  # the latest closed file
    assert "01-03-2024" in result.message
    running = P("Sanne", "de Jong", born, id=9, status="intake")
    result = verdict(person(first="Sanne", last="Jong"), rules.Seen({}, {born: [first, running]}))
    assert (result.kind, result.participant_id) == (rules.KNOWN, 9)
    other_day = P("Sanne", "de Jong", date(2001, 5, 18), id=4, status="afgerond")
    assert verdict(person(), rules.Seen({}, {date(2001, 5, 18): [other_day]})).kind == rules.NEW


def test_the_row_hash_ignores_spacing_and_case_but_not_the_source():
    a = rules.read_row(person(first="Sanne"), HEADER, MAPPING, DEFAULTS)
    b = rules.read_row(person(first=" SANNE "), HEADER, MAPPING, DEFAULTS)
    assert rules.row_hash("rmc", a) == rules.row_hash("rmc", b) != rules.row_hash("werkplein", a)
    seen = rules.Seen({rules.row_hash("rmc", a): 42}, {})
    assert rules.classify(2, b, DEFAULTS, seen).kind == rules.IMPORTED


def test_coaches_are_spread_in_turn():
    assert [rules.spread_coach([3, 5, 9], n) for n in range(7)] == [3, 5, 9, 3, 5, 9, 3]
