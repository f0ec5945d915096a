"""The access matrix: every endpoint against every kind of user, GET and POST, with the expected answer.

One table (`MATRIX`) lists every endpoint of `app.url_map` with the status each subject gets:
anonymous, coach, financien, a partner of organisation A (which owns every object of the world),
a partner of organisation B (which owns nothing) and beheer. A test runs all combinations against a
world with one object of each kind, and fails on any difference, on an endpoint missing from the
table, on a table row for an endpoint that no longer exists, and on a route argument the URL builder
does not know. Object level: partner B gets 404 on org A's objects (in the table); for every route
with an id, an unknown id gives 404 (never a 500) for a role that may use the route.

POSTs carry an empty body (CSRF is off in the test config): an allowed role gets the form back
(422), a refusal (400) or a redirect; nothing here relies on a successful change.
"""

from datetime import UTC, date, datetime
from typing import NamedTuple

import pytest
from flask import url_for
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed

from blueprints.auth.accounts import create_password_link
from core.access import PARTICIPANT, PUBLIC
from models import (
    ContractSigningLink,
    OnwardReferral,
    OutboxMessage,
    PortalMessage,
    ReferralImport,
    ReferralImportRow,
    db,
)
from tests.conftest import make_org, make_user
from tests.factories_budget import make_request, make_year
from tests.factories_contracts import make_sent, make_world
from tests.factories_documents import make_document
from tests.factories_partners import make_commitment
from tests.factories_youths import make_action, make_assessment, make_conversation

SUBJECTS = ("anon", "coach", "fin", "pa", "pb", "beheer")
# Order in which subjects are tried per endpoint: refused ones first, so an allowed POST that does
# change something (sign out, disable a user, send a contract) cannot influence a later check.
RUN_ORDER = ("anon", "fin", "pb", "pa", "coach", "beheer")


class Row(NamedTuple):
    get: dict | None  # subject -> status, None when the route has no GET
    post: dict | None


def _statuses(values) -> dict | None:
    if values is None:
        return None
    assert len(values) == len(SUBJECTS), values
    return dict(zip(SUBJECTS, values, strict=True))


def row(get=None, post=None) -> Row:
    """Expected statuses in the column order anon, coach, fin, pa, pb, beheer."""
    return Row(_statuses(get), _statuses(post))


# Columns:                    anon coach  fin   pa    pb  beheer
# 302: anonymous is sent to /inloggen. 403: wrong role. 404: partner B on org A's object, or no such
# state (e.g. no concept to edit on a sent contract). 422: form refused (empty POST). 303: done, redirected.
# fmt: off
MATRIX = {
    "calendar.feed_create": row(get=None, post=(302, 200, 403, 403, 403, 403)),
    "calendar.feed_ics": row(get=(404, 404, 404, 404, 404, 404), post=None),
    "calendar.feed_page": row(get=(302, 200, 403, 403, 403, 403), post=None),
    "calendar.feed_revoke": row(get=None, post=(302, 303, 403, 403, 403, 403)),
    "calendar.index": row(get=(302, 302, 403, 403, 403, 403), post=None),
    "calendar.month": row(get=(302, 200, 403, 403, 403, 403), post=None),
    "calendar.plan": row(get=(302, 200, 403, 403, 403, 403), post=None),
    "calendar.week": row(get=(302, 200, 403, 403, 403, 403), post=None),
    "admin.audit_chain": row(get=(302, 403, 403, 403, 403, 200), post=None),
    "admin.audit_log": row(get=(302, 403, 403, 403, 403, 200), post=None),
    "admin.audit_export": row(get=(302, 403, 403, 403, 403, 200), post=None),
    "admin.audit_seal": row(get=None, post=(302, 403, 403, 403, 403, 303)),
    "admin.user_disable": row(get=None, post=(302, 403, 403, 403, 403, 303)),
    "admin.user_enable": row(get=None, post=(302, 403, 403, 403, 403, 303)),
    "admin.user_edit": row(get=(302, 403, 403, 403, 403, 200), post=(302, 403, 403, 403, 403, 422)),
    "admin.user_new": row(get=(302, 403, 403, 403, 403, 200), post=(302, 403, 403, 403, 403, 422)),
    "admin.user_reset_second_factor": row(get=(302, 403, 403, 403, 403, 200), post=(302, 403, 403, 403, 403, 422)),
    "admin.user_send_password_link": row(get=None, post=(302, 403, 403, 403, 403, 303)),
    "admin.users": row(get=(302, 403, 403, 403, 403, 200), post=None),
    "auth.change_password": row(get=(302, 200, 200, 200, 200, 200), post=(302, 422, 422, 422, 422, 422)),
    "auth.login": row(get=(200, 302, 302, 302, 302, 302), post=(422, 302, 302, 302, 302, 302)),
    "auth.logout": row(get=None, post=(302, 303, 303, 303, 303, 303)),
    # Single sign-on is off in this app (no OIDC_ISSUER): its routes do not exist; tests/test_auth_sso.py has it on.
    "auth.sso_callback": row(get=(404, 404, 404, 404, 404, 404)),
    "auth.sso_start": row(post=(404, 404, 404, 404, 404, 404)),
    # Public but token-gated: a working set-password link opens the form (an unknown one is 404, below).
    "auth.set_password": row(get=(200, 200, 200, 200, 200, 200), post=(422, 422, 422, 422, 422, 422)),
    "auth.second_step": row(get=(303, 302, 302, 302, 302, 302), post=(303, 302, 302, 302, 302, 302)),
    "budget.approve": row(get=None, post=(302, 403, 422, 403, 403, 403)),  # empty POST: no "gecontroleerd" tick
    "budget.carry": row(get=None, post=(302, 403, 422, 403, 403, 403)),
    "budget.contribution": row(get=None, post=(302, 403, 422, 403, 403, 422)),
    "budget.dashboard_page": row(get=(302, 403, 200, 403, 403, 403), post=None),
    "budget.export_payments_csv": row(get=(302, 403, 200, 403, 403, 403), post=None),
    "budget.export_requests_csv": row(get=(302, 403, 200, 403, 403, 403), post=None),
    "budget.export_xlsx": row(get=(302, 403, 200, 403, 403, 403), post=None),
    "budget.index": row(get=(302, 403, 302, 403, 403, 403), post=None),
    "budget.invoices": row(get=(302, 403, 200, 403, 403, 403), post=(302, 403, 422, 403, 403, 403)),
    "budget.months": row(get=(302, 403, 200, 403, 403, 403), post=(302, 403, 422, 403, 403, 403)),
    "budget.my_requests_page": row(get=(302, 200, 403, 403, 403, 403), post=None),
    "budget.new_request": row(get=(302, 200, 403, 403, 403, 403), post=(302, 422, 403, 403, 403, 403)),
    "budget.pay": row(get=None, post=(302, 403, 422, 403, 403, 403)),
    "budget.pot_room": row(get=(302, 200, 403, 403, 403, 403), post=None),
    "budget.reject": row(get=None, post=(302, 403, 422, 403, 403, 403)),
    "budget.request_detail": row(get=(302, 200, 200, 403, 403, 403), post=None),
    "budget.reverse": row(get=None, post=(302, 403, 422, 403, 403, 403)),
    "budget.withdraw": row(get=None, post=(302, 303, 403, 403, 403, 403)),
    "budget.year_edit": row(get=(302, 403, 200, 403, 403, 200), post=(302, 403, 422, 403, 403, 422)),
    "budget.years": row(get=(302, 403, 200, 403, 403, 200), post=(302, 403, 422, 403, 403, 422)),
    "contracts.create_link": row(get=None, post=(302, 200, 403, 403, 403, 403)),
    "contracts.diff": row(get=(302, 303, 403, 403, 403, 303), post=None),
    "contracts.edit": row(get=(302, 404, 403, 403, 403, 403), post=(302, 404, 403, 403, 403, 403)),
    "contracts.end": row(get=None, post=(302, 422, 403, 403, 403, 403)),
    "contracts.in_person": row(get=(302, 200, 403, 403, 403, 403), post=(302, 422, 403, 403, 403, 403)),
    "contracts.index": row(get=(302, 200, 403, 403, 403, 200), post=None),
    "contracts.municipality_decline": row(get=None, post=(302, 422, 403, 403, 403, 422)),
    "contracts.municipality_sign": row(get=(302, 200, 403, 403, 403, 200), post=(302, 422, 403, 403, 403, 422)),
    "contracts.new": row(get=(302, 200, 403, 403, 403, 403), post=(302, 422, 403, 403, 403, 403)),
    "contracts.new_version": row(get=None, post=(302, 303, 403, 403, 403, 403)),
    "contracts.outbox_list": row(get=(302, 403, 403, 403, 403, 200), post=None),
    "contracts.outbox_send": row(get=None, post=(302, 403, 403, 403, 403, 303)),
    "contracts.pdf": row(get=(302, 200, 403, 200, 404, 200), post=None),
    "contracts.portal_decline": row(get=None, post=(302, 403, 403, 422, 404, 403)),
    "contracts.portal_index": row(get=(302, 403, 403, 200, 200, 403), post=None),
    "contracts.portal_show": row(get=(302, 403, 403, 200, 404, 403), post=None),
    "contracts.portal_sign": row(get=None, post=(302, 403, 403, 422, 404, 403)),
    "contracts.rebuild": row(get=None, post=(302, 404, 403, 403, 403, 403)),
    "contracts.remind": row(get=None, post=(302, 303, 403, 403, 403, 403)),
    "contracts.revoke_link": row(get=None, post=(302, 303, 403, 403, 403, 403)),
    "contracts.send_link": row(get=None, post=(302, 303, 403, 403, 403, 403)),
    "contracts.send": row(get=None, post=(302, 404, 403, 403, 403, 403)),
    "contracts.show": row(get=(302, 200, 403, 403, 403, 200), post=None),
    # Documents: the world's document belongs to the file (not to a maatwerk request): only coaches get it.
    "documents.download": row(get=(302, 200, 404, 404, 404, 404), post=None),
    "documents.upload_contract": row(get=(302, 200, 403, 403, 403, 403), post=(302, 422, 403, 403, 403, 403)),
    "documents.upload_maatwerk": row(get=(302, 200, 200, 403, 403, 403), post=(302, 422, 422, 403, 403, 403)),
    "documents.upload_participant": row(get=(302, 200, 403, 403, 403, 403), post=(302, 422, 403, 403, 403, 403)),
    # Removal: the world's conversation is not removed, so beheer's restore finds nothing (404); finance may
    # remove only a document it uploaded (404 for a conversation).
    "removal.index": row(get=(302, 403, 403, 403, 403, 200), post=None),
    "removal.remove": row(get=(302, 200, 404, 403, 403, 403), post=(302, 422, 404, 403, 403, 403)),
    "removal.restore": row(get=(302, 403, 403, 403, 403, 404), post=(302, 403, 403, 403, 403, 404)),
    "contracts.template_edit": row(get=(302, 403, 403, 403, 403, 200), post=(302, 403, 403, 403, 403, 422)),
    "contracts.withdraw": row(get=None, post=(302, 422, 403, 403, 403, 403)),
    "contracts.verify": row(get=(302, 200, 403, 200, 404, 200), post=None),
    "home.beheer": row(get=(302, 403, 403, 403, 403, 200), post=None),
    "home.coach": row(get=(302, 200, 403, 403, 403, 403), post=None),
    "home.financien": row(get=(302, 403, 200, 403, 403, 403), post=None),
    "home.index": row(get=(302, 302, 302, 302, 302, 302), post=None),
    "home.partner": row(get=(302, 403, 403, 200, 200, 403), post=None),
    "mijn.appointment_ics": row(get=(302, 302, 302, 302, 302, 302), post=None),
    "mijn.ask_code": row(get=None, post=(422, 422, 422, 422, 422, 422)),
    "mijn.cancel": row(get=(302, 302, 302, 302, 302, 302), post=(302, 302, 302, 302, 302, 302)),
    "mijn.coach_contact": row(get=(302, 200, 403, 403, 403, 403), post=(302, 303, 403, 403, 403, 403)),
    "mijn.coach_qr": row(get=None, post=(302, 200, 403, 403, 403, 403)),
    "mijn.code": row(get=(302, 302, 302, 302, 302, 302), post=(302, 302, 302, 302, 302, 302)),
    "mijn.contract_pdf": row(get=(302, 302, 302, 302, 302, 302), post=None),
    "mijn.home": row(get=(302, 302, 302, 302, 302, 302), post=None),
    "mijn.inzage_pdf": row(get=(302, 302, 302, 302, 302, 302), post=None),
    "mijn.login": row(get=(200, 200, 200, 200, 200, 200), post=None),
    "mijn.logout": row(get=None, post=(302, 302, 302, 302, 302, 302)),
    "mijn.message": row(get=None, post=(302, 302, 302, 302, 302, 302)),
    "mijn.message_read": row(get=None, post=(302, 303, 403, 403, 403, 403)),
    "mijn.qr": row(get=(404, 404, 404, 404, 404, 404), post=(404, 404, 404, 404, 404, 404)),
    "mijn.reminder_channel": row(get=None, post=(302, 302, 302, 302, 302, 302)),
    "mijn.tick": row(get=None, post=(302, 302, 302, 302, 302, 302)),
    "partners.commitment": row(get=(302, 200, 200, 200, 404, 200), post=None),
    "partners.commitment_card": row(get=(302, 200, 403, 200, 404, 200), post=None),
    "partners.commitment_edit": row(get=(302, 200, 403, 403, 403, 200), post=(302, 422, 403, 403, 403, 422)),
    "partners.commitment_new": row(get=(302, 200, 403, 403, 403, 200), post=(302, 422, 403, 403, 403, 422)),
    "partners.commitment_status": row(get=(302, 200, 403, 200, 404, 200), post=(302, 422, 403, 422, 404, 422)),
    "partners.commitments": row(get=(302, 200, 200, 200, 200, 200), post=None),
    "partners.organisation": row(get=(302, 403, 403, 403, 403, 200), post=None),
    "partners.organisation_edit": row(get=(302, 403, 403, 403, 403, 200), post=(302, 403, 403, 403, 403, 422)),
    "partners.organisation_new": row(get=(302, 403, 403, 403, 403, 200), post=(302, 403, 403, 403, 403, 422)),
    "partners.organisations": row(get=(302, 403, 403, 403, 403, 200), post=None),
    "partners.overview": row(get=(302, 200, 200, 403, 403, 200), post=None),
    "partners.participant_commitments": row(get=(302, 200, 403, 403, 403, 200), post=None),
    "partners.user_disable": row(get=None, post=(302, 403, 403, 403, 403, 303)),
    "partners.user_enable": row(get=None, post=(302, 403, 403, 403, 403, 303)),
    "partners.user_new": row(get=(302, 403, 403, 403, 403, 200), post=(302, 403, 403, 403, 403, 422)),
    "privacy.export_json": row(get=(302, 403, 403, 403, 403, 200), post=None),
    "privacy.export_pdf": row(get=(302, 403, 403, 403, 403, 200), post=None),
    "privacy.index": row(get=(302, 403, 403, 403, 403, 200), post=None),
    "reports.export_csv": row(get=(302, 200, 200, 403, 403, 200), post=None),
    "reports.export_xlsx": row(get=(302, 200, 200, 403, 403, 200), post=None),
    "reports.export_pdf": row(get=(302, 200, 200, 403, 403, 200), post=None),
    "referrals.discard": row(get=None, post=(302, 303, 403, 403, 403, 303)),
    "referrals.index": row(get=(302, 200, 403, 403, 403, 200), post=None),
    "referrals.mapping": row(get=(302, 303, 403, 403, 403, 303), post=(302, 303, 403, 403, 403, 303)),
    "referrals.result_file": row(get=(302, 200, 403, 403, 403, 200), post=None),
    "referrals.resume": row(get=None, post=(302, 303, 403, 403, 403, 303)),
    "referrals.show": row(get=(302, 200, 403, 403, 403, 200), post=None),
    "referrals.start": row(get=None, post=(302, 303, 403, 403, 403, 303)),
    "referrals.upload": row(get=None, post=(302, 422, 403, 403, 403, 422)),
    "reports.index": row(get=(302, 200, 200, 403, 403, 200), post=None),
    "reports.people": row(get=(302, 404, 404, 403, 403, 404), post=None),  # 404: no figure named
    "sign.check": row(get=None, post=(422, 422, 422, 422, 422, 422)),
    "sign.contract": row(get=(303, 303, 303, 303, 303, 303), post=None),
    "sign.decline": row(get=None, post=(303, 303, 303, 303, 303, 303)),
    "sign.copy_page": row(get=(404, 404, 404, 404, 404, 404), post=None),
    "sign.copy_pdf": row(get=(404, 404, 404, 404, 404, 404), post=None),
    "sign.done": row(get=(404, 404, 404, 404, 404, 404), post=None),
    "sign.sign": row(get=None, post=(303, 303, 303, 303, 303, 303)),
    "sign.start": row(get=(200, 200, 200, 200, 200, 200), post=None),
    "verify.by_code": row(get=(404, 404, 404, 404, 404, 404), post=None),
    "verify.check": row(get=None, post=(422, 422, 422, 422, 422, 422)),
    "verify.index": row(get=(200, 200, 200, 200, 200, 200), post=None),
    "static": row(get=(200, 200, 200, 200, 200, 200), post=None),
    "system.healthz": row(get=(200, 200, 200, 200, 200, 200), post=None),
    "youths.edit_conversation": row(get=(302, 200, 403, 403, 403, 403), post=(302, 422, 403, 403, 403, 403)),
    "youths.edit_details": row(get=(302, 200, 403, 403, 403, 403), post=(302, 422, 403, 403, 403, 403)),
    "youths.correct_outcome": row(get=(302, 200, 403, 403, 403, 200), post=(302, 403, 403, 403, 403, 403)),
    "youths.clear_followup": row(get=(302, 200, 403, 403, 403, 403), post=(302, 422, 403, 403, 403, 403)),
    "youths.extend": row(get=(302, 200, 403, 403, 403, 403), post=(302, 422, 403, 403, 403, 403)),
    "youths.goal_status": row(get=None, post=(302, 422, 403, 403, 403, 403)),
    # Onward referrals and the question after the end: coaches only, also a partner named as the destination.
    "youths.new_onward_referral": row(get=(302, 200, 403, 403, 403, 403), post=(302, 422, 403, 403, 403, 403)),
    "youths.edit_onward_referral": row(get=(302, 200, 403, 403, 403, 403), post=(302, 422, 403, 403, 403, 403)),
    "youths.onward_referral_result": row(get=(302, 200, 403, 403, 403, 403), post=(302, 422, 403, 403, 403, 403)),
    "youths.lasting_answer": row(get=(302, 404, 403, 403, 403, 403), post=(302, 404, 403, 403, 403, 403)),
    "youths.lasting_tasks": row(get=(302, 200, 403, 403, 403, 403), post=None),
    "youths.handover_page": row(get=(302, 200, 403, 403, 403, 403), post=(302, 422, 403, 403, 403, 403)),
    "youths.handover_read": row(get=None, post=(302, 303, 403, 403, 403, 403)),
    "youths.index": row(get=(302, 200, 403, 403, 403, 403), post=None),
    "youths.new": row(get=(302, 200, 403, 403, 403, 403), post=(302, 422, 403, 403, 403, 403)),
    "youths.new_action": row(get=None, post=(302, 422, 403, 403, 403, 403)),
    "youths.new_assessment": row(get=(302, 200, 403, 403, 403, 403), post=(302, 422, 403, 403, 403, 403)),
    "youths.new_conversation": row(get=(302, 200, 403, 403, 403, 403), post=(302, 422, 403, 403, 403, 403)),
    "youths.new_goal": row(get=(302, 200, 403, 403, 403, 403), post=(302, 422, 403, 403, 403, 403)),
    "youths.show": row(get=(302, 200, 403, 403, 403, 403), post=None),
    "youths.status": row(get=(302, 200, 403, 403, 403, 403), post=(302, 422, 403, 403, 403, 403)),
    "youths.timeline_page": row(get=(302, 200, 403, 403, 403, 403), post=None),
    "youths.toggle_action": row(get=None, post=(302, 303, 403, 403, 403, 403)),
}
# fmt: on


# --------------------------------------------------------------------------- the world

# Case content only the coach (and beheer, for the file pages it may open) may ever see.
SECRET_SUMMARY = "GEHEIM-GESPREKSVERSLAG"
SECRET_NOTE = "GEHEIM-METINGSNOTITIE"
NO_CASE_CONTENT = ("fin", "pa", "pb", "anon")


def build_world() -> dict:
    """One object of each kind, all belonging to (or involving) organisation A; B owns nothing."""
    make_year(2026)
    base = make_world(partner_names=("ROC van Twente",))
    org_a, pa = base["partners"][0], base["partner_users"][0]
    org_b = make_org("Werkgever Beta", "werkgever")
    coach, participant = base["coach"], base["participant"]
    users = {
        "coach": coach,
        "fin": make_user("financien"),
        "pa": pa,
        "pb": make_user("partner", organisation=org_b),
        "beheer": make_user("beheer"),
    }
    goal = participant.goals[0]
    action = make_action(goal, who="partner", organisation=org_a)
    conversation = make_conversation(participant, datetime(2026, 9, 1, 9), kind="intake", summary=SECRET_SUMMARY)
    assessment = make_assessment(participant, date(2026, 9, 2), kind="intake")
    assessment.note = SECRET_NOTE
    commitment = make_commitment(org_a, participant)
    pilot_commitment = make_commitment(org_a, None, kind="cofinanciering", description="Cofinanciering 2026")
    request = make_request(participant=participant, coach=coach)
    contract, version, token = make_sent(base)
    link = db.session.scalars(select(ContractSigningLink).where(ContractSigningLink.version_id == version.id)).one()
    db.session.add(OutboxMessage(to_address="sanne@example.test", subject="Uw contract", body="Tekenen"))
    # A finished referral import: its mapping, start and discard refuse politely (303), so the order
    # in which subjects are tried cannot change what the next one sees.
    referral_import = ReferralImport(
        source="rmc",
        filename="rmc.csv",
        file_sha256="0" * 64,
        headers=["Voornaam"],
        start_date=date(2026, 9, 1),
        referral_date=date(2026, 8, 1),
        status="klaar",
        total_rows=1,
        processed_rows=1,
    )
    db.session.add(referral_import)
    db.session.flush()
    db.session.add(ReferralImportRow(import_id=referral_import.id, row_number=2, cells=["Sanne"], result="fout"))
    # For the coach, not partner A: beheer's "send a link" to partner A (user_id) would replace it.
    password_token = create_password_link(users["coach"], None)
    portal_message = PortalMessage(participant_id=participant.id, body="Ik ben ziek")
    db.session.add(portal_message)
    onward_referral = OnwardReferral(
        participant_id=participant.id,
        destination="partner",
        organisation_id=org_a.id,
        referred_on=participant.start_date,
        reason=SECRET_NOTE,
    )
    db.session.add(onward_referral)
    db.session.commit()
    document = make_document(participant, coach, data=b"%PDF-1.4 " + SECRET_SUMMARY.encode(), name="verslag.pdf")
    return {
        "users": users,
        "org_a": org_a,
        "org_b": org_b,
        "participant": participant,
        "goal": goal,
        "action": action,
        "conversation": conversation,
        "assessment": assessment,
        "commitment": commitment,
        "pilot_commitment": pilot_commitment,
        "request": request,
        "contract": contract,
        "version": version,
        "token": token,
        "password_token": password_token,
        "link": link,
        "referral_import": referral_import,
        "portal_message": portal_message,
        "onward_referral": onward_referral,
        "document": document,
        "year": 2026,
    }


# Route argument name -> its value in the world. An unknown name fails the test: extend this map
# (and the table) consciously when a new kind of route appears.
ARGUMENTS = {
    "participant_id": lambda w: w["participant"].id,
    "goal_id": lambda w: w["goal"].id,
    "action_id": lambda w: w["action"].id,
    "conversation_id": lambda w: w["conversation"].id,
    "commitment_id": lambda w: w["commitment"].id,
    "request_id": lambda w: w["request"].id,
    "contract_id": lambda w: w["contract"].id,
    "version_id": lambda w: w["version"].id,
    "link_id": lambda w: w["link"].id,
    "message_id": lambda w: w["portal_message"].id,
    "party_id": lambda w: w["version"].parties[0].id,
    "token": lambda w: w["token"],
    "link_token": lambda w: w["password_token"],
    "year": lambda w: w["year"],
    "organisation_id": lambda w: w["org_a"].id,
    "user_id": lambda w: w["users"]["pa"].id,
    "code": lambda w: "ABCD-EFGH-JKMN",  # a well-formed verification code nobody was given
    "filename": lambda w: "app.css",
    "import_id": lambda w: w["referral_import"].id,
    "referral_id": lambda w: w["onward_referral"].id,
    "feed_token": lambda w: "geen-feed-" + "z" * 30,  # nobody's feed: 404 for everyone
    "months": lambda w: 6,  # the world's file is still running: the question is not due (404)
    "document_id": lambda w: w["document"].id,
    "kind": lambda w: "gesprek",
    "object_id": lambda w: w["conversation"].id,
}
# Arguments that name a database row: an unknown value must give 404.
ID_ARGUMENTS = set(ARGUMENTS) - {"filename"}


def rules_by_endpoint(app) -> dict:
    rules = {}
    for rule in app.url_map.iter_rules():
        assert rule.endpoint not in rules, f"{rule.endpoint} has more than one URL rule; give each its own row"
        rules[rule.endpoint] = rule
    return rules


def build_url(app, endpoint: str, world: dict, **override) -> str:
    rule = rules_by_endpoint(app)[endpoint]
    unknown = sorted(set(rule.arguments) - set(ARGUMENTS))
    assert not unknown, f"{endpoint}: route argument(s) {unknown} unknown to the access matrix URL builder"
    values = {name: override.get(name, ARGUMENTS[name](world)) for name in rule.arguments}
    with app.test_request_context():
        return url_for(endpoint, **values)


def sign_in_as(client, user) -> None:
    with client.session_transaction() as session:
        session.clear()
        if user is not None:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            session["auth_at"] = datetime.now(UTC).timestamp()
            session.permanent = True


def observe(app, client, endpoint: str, world: dict, methods=("GET", "POST"), headers=None) -> dict:
    """Request the endpoint as every subject; returns {(method, subject): status}."""
    rule = rules_by_endpoint(app)[endpoint]
    url = build_url(app, endpoint, world)
    seen = {}
    for subject in RUN_ORDER:
        for method in methods:
            if method not in rule.methods:
                continue
            sign_in_as(client, world["users"].get(subject))
            response = client.open(url, method=method, data={}, headers=headers or {})
            seen[(method, subject)] = response.status_code
            if subject in NO_CASE_CONTENT:
                body = response.get_data()
                assert SECRET_SUMMARY.encode() not in body and SECRET_NOTE.encode() not in body, (
                    f"{subject} sees case content: {url}"
                )
    return seen


def expected(endpoint: str, method: str) -> dict | None:
    return getattr(MATRIX[endpoint], method.lower())


def differences(endpoint: str, method: str, seen: dict) -> list[str]:
    want = expected(endpoint, method)
    if want is None:
        return [f"{endpoint} {method}: the route accepts {method} but the table has no {method} column"]
    return [
        f"{endpoint} {method} as {subject}: expected {want[subject]}, got {seen[(method, subject)]}"
        for subject in SUBJECTS
        if seen[(method, subject)] != want[subject]
    ]


# --------------------------------------------------------------------------- the table is complete


def test_the_table_names_exactly_the_endpoints_of_the_app(app):
    endpoints = set(rules_by_endpoint(app))
    assert sorted(endpoints - set(MATRIX)) == [], "endpoints missing from the access matrix"
    assert sorted(set(MATRIX) - endpoints) == [], "the access matrix names endpoints that no longer exist"


def test_the_table_has_a_column_for_exactly_the_methods_each_route_accepts(app):
    wrong = []
    for endpoint, rule in rules_by_endpoint(app).items():
        for method in ("GET", "POST"):
            if (method in rule.methods) != (expected(endpoint, method) is not None):
                wrong.append(f"{endpoint} {method}")
    assert wrong == []


def test_every_route_argument_is_known_to_the_url_builder(app):
    unknown = {
        endpoint: sorted(set(rule.arguments) - set(ARGUMENTS))
        for endpoint, rule in rules_by_endpoint(app).items()
        if set(rule.arguments) - set(ARGUMENTS)
    }
    assert unknown == {}


def test_the_world_and_the_routes_cover_each_other(app):
    world = build_world()
    for endpoint in rules_by_endpoint(app):
        assert build_url(app, endpoint, world).startswith("/")


# --------------------------------------------------------------------------- every combination


def test_get_matrix(app, client):
    """GET never changes state, so one world serves every endpoint."""
    world = build_world()
    problems = []
    for endpoint, rule in sorted(rules_by_endpoint(app).items()):
        if "GET" in rule.methods:
            problems += differences(endpoint, "GET", observe(app, client, endpoint, world, methods=("GET",)))
    assert problems == []


def _post_endpoints():
    from app import create_app
    from tests.conftest import make_test_config

    app = create_app(make_test_config("sqlite://"))
    return sorted(rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods)


@pytest.mark.parametrize("endpoint", _post_endpoints())
def test_post_matrix(app, client, endpoint):
    """A POST may change the world (sign out, disable a user, approve): a fresh world per endpoint."""
    world = build_world()
    assert differences(endpoint, "POST", observe(app, client, endpoint, world, methods=("POST",))) == []


def test_methods_a_route_does_not_accept_answer_405_for_everyone(app, client):
    world = build_world()
    adapter = app.url_map.bind("localhost")

    def routed(url, method):
        try:
            adapter.match(url, method=method)
        except MethodNotAllowed:
            return False
        return True

    for endpoint in sorted(rules_by_endpoint(app)):
        url = build_url(app, endpoint, world)
        method = next(m for m in ("GET", "POST", "DELETE") if not routed(url, m))
        for subject in ("anon", "pa"):
            sign_in_as(client, world["users"].get(subject))
            assert client.open(url, method=method).status_code == 405, f"{method} {endpoint}"


def test_anonymous_htmx_requests_get_a_client_side_redirect_to_sign_in(app, client, htmx_headers):
    world = build_world()
    for endpoint, rule in sorted(rules_by_endpoint(app).items()):
        method = "GET" if "GET" in rule.methods else "POST"
        roles = app.view_functions[endpoint].allowed_roles
        if expected(endpoint, method)["anon"] != 302 or PUBLIC in roles:
            continue  # public endpoints
        response = client.open(build_url(app, endpoint, world), method=method, headers=htmx_headers)
        assert response.status_code == 204, endpoint
        # Participant pages send to the participant's own sign-in (Mijn Perspectiefjaar), never staff's.
        sign_in = "/mijn/inloggen" if roles == {PARTICIPANT} else "/inloggen?next="
        assert response.headers["HX-Redirect"].startswith(sign_in), endpoint


# --------------------------------------------------------------------------- object level


def test_pilot_wide_commitment_of_org_a_is_a_404_for_partner_b(app, client):
    world = build_world()
    commitment_id = world["pilot_commitment"].id
    for endpoint in ("partners.commitment", "partners.commitment_card", "partners.commitment_status"):
        url = build_url(app, endpoint, world, commitment_id=commitment_id)
        sign_in_as(client, world["users"]["pa"])
        assert client.get(url).status_code == 200, endpoint
        sign_in_as(client, world["users"]["pb"])
        assert client.get(url).status_code == 404, endpoint
    sign_in_as(client, world["users"]["pb"])
    url = build_url(app, "partners.commitment_status", world, commitment_id=commitment_id)
    assert client.post(url, data={"status": "nagekomen", "note": "klaar"}).status_code == 404
    db.session.expire_all()
    assert world["pilot_commitment"].status == "toegezegd"


def test_partner_b_posting_a_valid_status_on_org_a_commitment_changes_nothing(app, client):
    world = build_world()
    sign_in_as(client, world["users"]["pb"])
    url = build_url(app, "partners.commitment_status", world)
    assert client.post(url, data={"status": "nagekomen", "note": "klaar"}).status_code == 404
    db.session.expire_all()
    assert world["commitment"].status == "toegezegd"


UNKNOWN = {"token": "onbekend-token-" + "x" * 30, "link_token": "onbekend-token-" + "y" * 30, "year": 1999}


def test_an_unknown_id_is_a_404_never_a_500(app, client):
    """Every route with an id, each id in turn unknown, as every role that may use the route."""
    world = build_world()
    problems = []
    for endpoint, rule in sorted(rules_by_endpoint(app).items()):
        if endpoint.startswith("sign."):
            continue  # tokens: see the next test
        for argument in sorted(set(rule.arguments) & ID_ARGUMENTS):
            url = build_url(app, endpoint, world, **{argument: UNKNOWN.get(argument, 987654)})
            for method in sorted({"GET", "POST"} & rule.methods):
                allowed = [
                    s for s in ("coach", "fin", "beheer", "pa") if expected(endpoint, method)[s] not in (302, 403)
                ]
                for subject in allowed:
                    sign_in_as(client, world["users"][subject])
                    status = client.open(url, method=method, data={}).status_code
                    if status != 404:
                        problems.append(f"{method} {url} as {subject}: {status}")
    assert problems == []


def test_an_unknown_signing_token_never_reveals_a_contract(app, client):
    world = build_world()
    for endpoint in ("sign.start", "sign.contract", "sign.check", "sign.sign", "sign.decline"):
        rule = rules_by_endpoint(app)[endpoint]
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(build_url(app, endpoint, world, token=UNKNOWN["token"]), method=method, data={})
        assert response.status_code in (404, 410, 303), endpoint
        assert world["participant"].last_name not in response.get_data(as_text=True)
