"""The inzage export follows the models: every column is exported or left out with a reason."""

import json
from datetime import date

from blueprints.privacy.inzage import EXPORTED_TABLES, LEFT_OUT, LEFT_OUT_TABLES, OUTCOME_COLUMNS, collect, to_pdf
from models import (
    Action,
    CommitmentUpdate,
    Document,
    Goal,
    LastingOutcomeCheck,
    OnwardReferral,
    OutboxMessage,
    PortalMessage,
    StatusChange,
    db,
)
from tests.factories_budget import make_year
from tests.test_privacy import build_file

# What the export held before it was derived from the models: it may grow, never lose any of this.
EARLIER_KEYS = {
    "participant": {
        "id", "first_name", "last_name", "date_of_birth", "email", "phone", "address", "highest_education",
        "has_startkwalificatie", "referral_source", "start_date", "end_date", "status", "eligibility_exception",
        "extension_reason", "created_at", "coach",
    },
    "outcome": {"outcome", "outcome_date", "outcome_note", "dropout_reason"},
    "status_history": {"from_status", "to_status", "changed_on", "note", "by"},
    "assessments": {"assessed_on", "kind", "ladder_rung", "growth_rung", "note", "zrm_scores"},
    "goals": {"domain", "description", "target_date", "status", "created_at", "actions"},
    "conversations": {"held_at", "kind", "attendance", "cancel_reason", "summary", "next_action"},
    "maatwerk_requests": {
        "id", "category", "description", "supplier", "amount", "expected_on", "justification", "status",
        "requested_at", "decided_at", "rejection_reason", "invoice_number", "paid_on",
    },
    "commitments": {"id", "kind", "description", "status", "due_date", "created_at", "organisation", "updates"},
}  # fmt: skip


def _tables_about_participants():
    return {
        table.name
        for table in db.metadata.sorted_tables
        if any(fk.column.table.name == "participant" for column in table.columns for fk in column.foreign_keys)
    }


def test_every_table_about_a_participant_is_exported_or_left_out_with_a_reason(app):
    unknown = _tables_about_participants() - EXPORTED_TABLES - set(LEFT_OUT_TABLES)
    assert unknown == set(), f"add these tables to the inzage export or to LEFT_OUT_TABLES: {sorted(unknown)}"
    assert all(reason.strip() for reason in LEFT_OUT_TABLES.values())


def test_every_left_out_column_exists_and_has_a_reason(app):
    tables = db.metadata.tables
    for table, columns in LEFT_OUT.items():
        assert table in tables, table
        for column, reason in columns.items():
            assert column in tables[table].columns, f"{table}.{column} is left out but does not exist"
            assert reason.strip()


def _records(data):
    """(table, exported dict) for every record of the export."""
    yield "participant", data["participant"]
    for kind, table in (
        ("status_history", "status_change"),
        ("coach_history", "coach_assignment"),
        ("assessments", "assessment"),
        ("goals", "goal"),
    ):
        for item in data[kind]:
            yield table, item
    for goal in data["goals"]:
        for action in goal["actions"]:
            yield "goal_action", action
    for kind, table in (
        ("conversations", "conversation"),
        ("maatwerk_requests", "maatwerk_request"),
        ("messages_to_coach", "portal_message"),
        ("messages_sent", "outbox_message"),
        ("onward_referrals", "onward_referral"),
        ("lasting_outcomes", "lasting_outcome_check"),
        ("documents", "document"),
    ):
        for item in data[kind]:
            yield table, item
    for commitment in data["commitments"]:
        yield "commitment", commitment
        for update in commitment["updates"]:
            yield "commitment_update", update
    for contract in data["contracts"]:
        yield "contract", contract
        for version in contract["versions"]:
            yield "contract_version", version
            for kind, table in (
                ("parties", "contract_party"),
                ("signatures", "contract_signature"),
                ("declines", "contract_decline"),
            ):
                for item in version[kind]:
                    yield table, item


def test_the_export_holds_every_column_that_is_not_left_out(app):
    make_year(2026)
    file = build_file(closed_on=None, status="actief")
    participant = file["participant"]
    goal = db.session.scalars(db.select(Goal).where(Goal.participant_id == participant.id)).first()
    db.session.add_all(
        [
            StatusChange(participant_id=participant.id, to_status="intake", changed_on=date(2026, 9, 2)),
            Action(
                goal_id=goal.id, description="Bellen met ROC", who="partner", organisation_id=file["partners"][0].id
            ),
            PortalMessage(participant_id=participant.id, body="Ik ben morgen ziek"),
            CommitmentUpdate(
                commitment_id=file["commitment"].id,
                on_date=date(2026, 9, 5),
                old_status="toegezegd",
                new_status="in_uitvoering",
                note="Gestart",
            ),
            OutboxMessage(participant_id=participant.id, to_address="06 12345678", subject="", body="Herinnering"),
            OnwardReferral(
                participant_id=participant.id, destination="ggz", referred_on=date(2026, 9, 3), reason="Somber"
            ),
            LastingOutcomeCheck(participant_id=participant.id, months=6, situation="werk", note="Bij Stork"),
            Document(
                participant_id=participant.id,
                kind="diploma",
                filename="diploma.pdf",
                content_type="application/pdf",
                size=4,
                sha256="0" * 64,
            ),
        ]
    )
    db.session.commit()
    data = collect(db.session, participant.id)
    json.dumps(data)  # plain data all the way down
    seen = set()
    for table, record in _records(data):
        seen.add(table)
        expected = set(db.metadata.tables[table].columns.keys()) - set(LEFT_OUT.get(table, {}))
        if table == "participant":
            expected -= set(OUTCOME_COLUMNS)
        assert expected <= set(record), f"{table} misses {sorted(expected - set(record))}"
    # A record of every exported table but a decline; ZRM scores (domain, score) are a dict per assessment.
    assert seen == EXPORTED_TABLES - {"contract_decline", "zrm_score"}
    assert data["assessments"][0]["zrm_scores"]
    for section, keys in EARLIER_KEYS.items():
        items = data[section] if isinstance(data[section], list) else [data[section]]
        assert items, section
        for item in items:
            assert keys <= set(item), f"{section} lost {sorted(keys - set(item))}"
    assert data["contracts"][0]["reference"] == file["contract"].reference
    assert b"%PDF" in to_pdf(data, compress=False)[:8]
