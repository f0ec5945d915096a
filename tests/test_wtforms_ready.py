"""Ready for WTForms 3.4: no form offers its choices as tuples, also not those assigned in a view.

WTForms 3.3 warns about tuple choices only where a field is declared; choices a view assigns later are
turned into SelectChoice silently, and 3.4 drops tuples altogether. This test makes every tuple an
error while the form pages render.
"""

import pytest
from wtforms.fields import choices as wtforms_choices

from tests.conftest import make_org, make_participant
from tests.factories_budget import make_year
from tests.factories_youths import make_goal

ORIGINAL = wtforms_choices.SelectChoice.from_input.__func__


@pytest.fixture
def no_tuple_choices(monkeypatch):
    def from_input(cls, value, optgroup=None):
        if isinstance(value, tuple):
            raise AssertionError(f"tuple choice {value!r}: use SelectChoice")
        return ORIGINAL(cls, value, optgroup)

    monkeypatch.setattr(wtforms_choices.SelectChoice, "from_input", classmethod(from_input))


@pytest.mark.parametrize(
    ("role", "paths"),
    [
        ("coach", ["/deelnemers/", "/deelnemers/nieuw", "/deelnemers/{p}", "/deelnemers/{p}/metingen/nieuw",
                   "/deelnemers/{p}/doelen/nieuw", "/deelnemers/{p}/gesprekken/nieuw", "/financien/aanvragen/nieuw",
                   "/partners/toezeggingen", "/partners/toezeggingen/nieuw", "/contracten/nieuw", "/rapportage/",
                   "/aanmeldlijsten/"]),
        ("financien", ["/financien/2026", "/financien/jaren", "/financien/jaren/2026", "/financien/maanden",
                       "/financien/2026/life-coach"]),
        ("beheer", ["/beheer/auditlog", "/partners/organisaties/nieuw", "/partners/organisaties/{o}/gebruikers/nieuw"]),
    ],
)  # fmt: skip
def test_form_pages_render_without_tuple_choices(client, login_as, no_tuple_choices, role, paths):
    make_year(2026)
    org = make_org()
    participant = make_participant()
    make_goal(participant)  # the case file then shows a new-action form with its shared options
    login_as(role)
    for path in paths:
        response = client.get(path.format(p=participant.id, o=org.id))
        assert response.status_code == 200, path
