"""E-mail addresses are checked by email-validator (WTForms' Email), the same way in forms and the CLI."""

import pytest
from werkzeug.datastructures import MultiDict

from blueprints.partners.forms import OrganisationForm
from core.forms import EMAIL_MESSAGE, is_email_address


@pytest.mark.parametrize(
    "address", ["sanne@voorbeeld.nl", "coach@hengelo.test", "j.de.vries+pilot@roc-twente.nl", "jöran@voorbeeld.nl"]
)
def test_real_addresses_pass(address):
    assert is_email_address(address)


@pytest.mark.parametrize(
    "address",
    ["geen-adres", "a@b", "twee@@x.nl", "spatie in@x.nl", "punt.@x.nl", "a@-x.nl", "a@x..nl", "a@x.nl\x00", "  "],
)
def test_broken_addresses_fail(address):
    assert not is_email_address(address)


def test_form_shows_the_dutch_message_at_the_field(app):
    with app.test_request_context():
        form = OrganisationForm(MultiDict({"name": "Nieuw", "kind": "werkgever", "contact_email": "a@x..nl"}))
        assert not form.validate()
    assert form.contact_email.errors == [EMAIL_MESSAGE]
