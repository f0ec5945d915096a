"""The tamper-evident audit log: daily seals chained day to day; a changed, removed or inserted row,
and a changed or removed seal, are detected by `flask audit verify` and the beheer page (both databases)."""

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from blueprints.admin import auditchain
from models import AuditLog, AuditSeal, db, utcnow


def add_row(at, action="update", **kw):
    row = AuditLog(at=at, action=action, actor_label=kw.pop("actor_label", "coach@hengelo.test"), result="ok", **kw)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def three_days(app):
    """Audit rows on three finished days and today; the finished days sealed."""
    now = utcnow().replace(hour=12)
    days = [now - timedelta(days=d) for d in (3, 2, 1)]
    rows = {}
    for i, at in enumerate(days):
        rows[i] = [
            add_row(at, object_type="maatwerk_request", object_id=i, changes={"amount": [None, f"{100 + i}.00"]}),
            add_row(at + timedelta(minutes=5), "view", object_type="participant", object_id=7),
            add_row(
                at + timedelta(minutes=9),
                object_type="participant",
                object_id=7,
                changes={"first_name": ["Sanne", "Sam"]},
            ),
        ]
    add_row(now, "login")  # today: not sealed yet
    sealed = auditchain.seal_finished_days(now)
    db.session.commit()
    assert [s.day for s in sealed] == [d.date() for d in days]
    return {"now": now, "days": days, "rows": rows}


def problems():
    return [(p.day, p.kind) for p in auditchain.verify().problems]


def test_an_untouched_log_verifies_and_today_stays_open(three_days):
    report = auditchain.verify()
    assert report.intact and report.seals == 3 and report.rows_checked == 9
    assert report.unsealed_rows >= 1  # today's row, plus the seal events themselves


def test_sealing_twice_adds_nothing_and_waits_for_the_day_to_settle(three_days):
    assert auditchain.seal_finished_days(three_days["now"]) == []
    midnight = three_days["now"].replace(hour=0, minute=5) + timedelta(days=1)
    assert auditchain.seal_finished_days(midnight) == []  # 5 minutes after midnight: too early for today
    assert [s.day for s in auditchain.seal_finished_days(midnight + timedelta(minutes=10))] == [
        three_days["now"].date()
    ]


def test_each_sealing_is_itself_in_the_audit_log(three_days):
    sealed = db.session.scalars(select(AuditLog).where(AuditLog.action == "audit_sealed").order_by(AuditLog.id)).all()
    first_seal = db.session.scalars(select(AuditSeal.seal).order_by(AuditSeal.id)).first()
    assert len(sealed) == 3 and sealed[0].changes["zegel"][1] == first_seal


def test_a_changed_row_is_detected(three_days):
    row = three_days["rows"][1][0]
    db.session.execute(text("UPDATE audit_log SET actor_label = 'iemand-anders' WHERE id = :id"), {"id": row.id})
    db.session.commit()
    assert problems() == [(three_days["days"][1].date(), "gewijzigd")]


def test_a_changed_amount_inside_changes_is_detected(three_days):
    row = three_days["rows"][0][0]
    db.session.execute(
        AuditLog.__table__.update().where(AuditLog.id == row.id).values(changes={"amount": [None, "999.00"]})
    )
    db.session.commit()
    assert problems() == [(three_days["days"][0].date(), "gewijzigd")]


def test_a_removed_row_is_detected(three_days):
    row = three_days["rows"][2][1]
    db.session.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": row.id})
    db.session.commit()
    assert problems() == [(three_days["days"][2].date(), "verwijderd")]


def test_an_inserted_row_is_detected(three_days):
    add_row(three_days["days"][0] + timedelta(hours=1), "approve", actor_label="financien@hengelo.test")
    assert problems() == [(three_days["days"][0].date(), "toegevoegd")]


def test_a_row_inserted_on_a_past_day_without_seal_is_detected(three_days):
    add_row(three_days["days"][0] - timedelta(days=5), "approve")
    assert problems() == [(None, "toegevoegd")]
    assert auditchain.seal_finished_days(three_days["now"]) == []  # never sealed into the chain afterwards


def test_a_changed_or_removed_seal_is_detected(three_days):
    first, second, third = db.session.scalars(select(AuditSeal).order_by(AuditSeal.day)).all()
    db.session.execute(text("UPDATE audit_seal SET row_count = 2 WHERE id = :id"), {"id": first.id})
    db.session.commit()
    assert (first.day, "zegel") in problems()
    db.session.execute(text("UPDATE audit_seal SET row_count = 3 WHERE id = :id"), {"id": first.id})
    db.session.execute(text("DELETE FROM audit_seal WHERE id = :id"), {"id": second.id})
    db.session.commit()
    assert (third.day, "zegel") in problems()  # the chain no longer links up


def test_a_seal_recomputed_without_the_key_does_not_match(three_days, app):
    app.config["AUDIT_SEAL_KEY"] = "een-andere-sleutel"
    assert {kind for _, kind in problems()} == {"zegel"}


def test_the_retention_purge_of_personal_values_is_not_tampering(three_days):
    from blueprints.privacy.retention import REMOVED

    row = three_days["rows"][1][2]
    db.session.execute(
        AuditLog.__table__.update().where(AuditLog.id == row.id).values(changes={"first_name": [REMOVED, REMOVED]})
    )
    db.session.commit()
    assert problems() == []


def test_flask_audit_verify(three_days, app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "De keten is heel." in result.output, result.output
    assert "3 dag(en) verzegeld" in result.output
    row = three_days["rows"][0][1]
    db.session.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": row.id})
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"FOUT {three_days['days'][0]:%d-%m-%Y}: 1 regel(s) verwijderd." in result.output


def test_flask_audit_seal(app):
    add_row(utcnow() - timedelta(days=2))
    result = app.test_cli_runner().invoke(args=["audit", "seal"])
    assert result.exit_code == 0 and "verzegeld: 1 regel(s)" in result.output and "Laatste zegel" in result.output


def test_beheer_page_shows_the_chain_and_the_tampering(three_days, client, login_as):
    login_as("beheer")
    page = client.get("/beheer/auditlog/keten")
    assert page.status_code == 200 and "De keten is heel." in page.text and "3 dagen verzegeld" in page.text
    db.session.execute(
        text("UPDATE audit_log SET result = 'denied' WHERE id = :id"), {"id": three_days["rows"][2][0].id}
    )
    db.session.commit()
    page = client.get("/beheer/auditlog/keten")
    assert "De auditlog is aangepast." in page.text and "Een of meer regels zijn veranderd." in page.text


def test_beheer_can_seal_now(app, client, login_as):
    add_row(utcnow() - timedelta(days=1))
    login_as("beheer")
    response = client.post("/beheer/auditlog/keten/verzegelen")
    assert response.status_code == 303
    assert db.session.scalar(select(AuditSeal.row_count)) == 1
