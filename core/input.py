"""Hostile input, refused in one place: control characters, huge numbers and ids, far dates, fake phones.

What is allowed, and why:
- Free multi-line text (every `TextAreaField`) keeps tab, newline and carriage return. Word's soft
  line break (\\x0b), a form feed and the Unicode line and paragraph separators become a newline:
  people paste them without seeing them, and they break spreadsheets (XML forbids them).
- Every other character below U+0020, DEL, the C1 controls and the non-characters U+FFFE/U+FFFF are
  refused with a Dutch message at the field (in a one-line field a tab is refused too).
- Query parameters with a control character other than tab and line breaks, or a whole number
  beyond the database's integer, get 422 with a message before any view runs; ids in URLs beyond
  the database's integer are a 404 (`IdConverter`, which is the app's `<int:...>`).
- As a last line, a flush listener refuses to store a control character in any text column, so a
  view that reads `request.form` by hand cannot store one either (SQLite would store a NUL; on
  PostgreSQL it is an error).
"""

import re
from datetime import date, datetime

import phonenumbers
from flask import current_app, request
from sqlalchemy import String, Text, event, inspect
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter

INT_MAX = 2**31 - 1  # PostgreSQL `integer`; SQLite ids never get near it either
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)

SOFT_BREAKS = re.compile(r"\r?[\x0b\x0c\x85\u2028\u2029]")
MULTI_LINE_FORBIDDEN = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
ONE_LINE_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
STORED_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
ASCII_PHONE = re.compile(r"^[0-9+()\- ]{6,30}$")

CONTROL_MESSAGE = (
    "Hier staat een onzichtbaar teken in (bijvoorbeeld een tab of een nul-teken). Haal het weg of typ de tekst opnieuw."
)
QUERY_CONTROL_MESSAGE = (
    "De zoekopdracht of het filter bevat een onzichtbaar teken (bijvoorbeeld een nul-teken). "
    "Haal het weg en probeer het opnieuw."
)
QUERY_NUMBER_MESSAGE = "In de zoekopdracht of het filter staat een getal dat veel te groot is."
NUMBER_MESSAGE = "Dit getal is te groot."
DATE_MESSAGE = "Deze datum ligt te ver weg. Kies een datum tussen 1900 en 2100."
PHONE_MESSAGE = "Vul een geldig telefoonnummer in, bijvoorbeeld 074 245 98 76 of +31 6 12345678."


class HostileInput(ValueError):
    """Raised with a Dutch message when input that must never be stored reaches the database."""


def normalise_multi_line(text):
    """Soft line breaks (Word's \\x0b, form feed, U+2028/2029) become a newline; the rest stays."""
    return SOFT_BREAKS.sub("\n", text) if isinstance(text, str) else text


def has_control_characters(text: str, multi_line: bool = False) -> bool:
    pattern = MULTI_LINE_FORBIDDEN if multi_line else ONE_LINE_FORBIDDEN
    return bool(pattern.search(normalise_multi_line(text) if multi_line else text))


def in_date_range(value) -> bool:
    if isinstance(value, datetime):
        value = value.date()
    return not isinstance(value, date) or EARLIEST_DATE <= value <= LATEST_DATE


def is_phone_number(text: str, region: str = "NL") -> bool:
    """A real phone number (Google's libphonenumber rules), typed with ASCII digits."""
    if not ASCII_PHONE.match(text or ""):
        return False
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(text, region))
    except phonenumbers.NumberParseException:
        return False


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: an id beyond the database's integer matches no route (404), not a 500."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


def is_too_big_number(value: str) -> bool:
    """A whole number beyond the database's integer, read as `int()` (and so `request.args.get(type=int)`)
    reads it: ASCII, full-width or Arabic-Indic digits, underscores between them, spaces around."""
    text = value.strip()
    digits = text.lstrip("+-").replace("_", "")
    if len(digits) < 10 or not digits.isdecimal():
        return False
    try:
        return abs(int(text)) > INT_MAX
    except ValueError:  # longer than Python reads (4,300 digits), or odd underscores: never a usable number
        return True


def checks_own_numbers(*names: str):
    """Mark a view whose filter form checks these query numbers itself, so a too-large one gets its message
    at the field, next to the user's other filters, instead of the guard's error page. Goes under `@route`."""

    def mark(view):
        view.own_number_params = frozenset(names)
        return view

    return mark


def refuse_hostile_query():
    """before_request: a query parameter with a control character or a huge number is a 422 with a message."""
    from core.errors import error_page

    view = current_app.view_functions.get(request.endpoint)
    own_numbers = getattr(view, "own_number_params", frozenset())
    for name, value in request.args.items(multi=True):
        # Tab and line breaks pass: harmless in a search, and `?next=` handles them itself.
        if STORED_FORBIDDEN.search(value):
            return error_page(422, message=QUERY_CONTROL_MESSAGE)
        if name not in own_numbers and is_too_big_number(value):
            return error_page(422, message=QUERY_NUMBER_MESSAGE)
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and ONE_LINE_FORBIDDEN.search(value):
            return error_page(404)
    return None


@event.listens_for(Session, "before_flush")
def _never_store_control_characters(session, flush_context, instances) -> None:
    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        for attr in state.mapper.column_attrs:
            column = attr.columns[0]
            if not isinstance(column.type, String | Text):
                continue
            value = state.dict.get(attr.key)
            if isinstance(value, str) and STORED_FORBIDDEN.search(value):
                raise HostileInput(CONTROL_MESSAGE)


def register(app) -> None:
    app.before_request(refuse_hostile_query)

    @app.errorhandler(HostileInput)
    def hostile_input(error):
        from core.errors import error_page
        from models import db

        db.session.rollback()
        return error_page(422, message=str(error))
