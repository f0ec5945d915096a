"""Dutch money input and display: what `parse_money` accepts and refuses, exactly."""

from decimal import Decimal

import pytest
from babel.numbers import format_decimal

from core.money import MoneyError, format_money, parse_money, to_money


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1234", "1234.00"),
        ("1.234", "1234.00"),
        ("12.345.678", None),  # above the maximum: refused below
        ("0,01", "0.01"),
        ("€ 1.234,5", "1234.50"),
        ("EUR 12", "12.00"),
        ("eur 1.234,56", "1234.56"),
        (" 75 ", "75.00"),
    ],
)
def test_accepts_dutch_notation(text, expected):
    if expected is None:
        with pytest.raises(MoneyError):
            parse_money(text)
    else:
        assert parse_money(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Vul een bedrag in"),
        ("-5", "negatief"),
        ("-1.234,56", "negatief"),
        ("0", "groter zijn dan"),
        ("0,00", "groter zijn dan"),
        ("12,345", "twee cijfers"),
        ("1234.56", "komma"),
        ("1,234.56", "geen geldig bedrag"),
        ("12.34.56", "geen geldig bedrag"),
        ("1.23,45", "geen geldig bedrag"),
        ("abc", "geen geldig bedrag"),
        ("1e5", "geen geldig bedrag"),
        ("1000000,01", "onwaarschijnlijk hoog"),
        ("99999999999", "onwaarschijnlijk hoog"),
    ],
)
def test_refuses_bad_amounts_with_a_dutch_message(text, message):
    with pytest.raises(MoneyError, match=message):
        parse_money(text)


def test_zero_only_when_allowed():
    assert parse_money("0", allow_zero=True) == Decimal("0.00")


def test_display_and_normalisation():
    assert format_money(Decimal("1234.56")) == "€ 1.234,56"
    assert format_money(Decimal("-50")) == "€ -50,00"
    assert to_money(0.1 + 0.2) == Decimal("0.30")
    assert to_money(None) == Decimal("0.00")


@pytest.mark.parametrize(
    "value", ["0", "0.004", "0.005", "-0.004", "7", "999.99", "1000", "-1234.565", "150000", "1234567.89", "-1000000"]
)
def test_money_reads_as_babels_dutch_number_pattern(value):
    assert format_money(Decimal(value)) == "€ " + format_decimal(
        to_money(Decimal(value)), format="#,##0.00;-#,##0.00", locale="nl_NL"
    )
