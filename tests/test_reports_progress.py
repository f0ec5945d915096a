"""Progress since the first assessment (assessment_progress): the rows the listener keeps equal a rebuild and a
count by hand after random changes and after coaches saving at the same moment, and the report follows a coach
who enters an earlier intake afterwards."""

import random
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from blueprints.privacy.retention import purge_file
from blueprints.reports.figures import Filters, Share, build_report
from blueprints.youths.progress import COLUMNS, progress_rows, rebuild_assessment_progress
from models import ZRM_DOMAIN_LABELS, ZRM_DOMAINS, Assessment, AssessmentProgress, Participant, ZrmScore, db
from tests.conftest import make_participant

ROW = ["participant_id", "is_first", "rung_change", *COLUMNS.values(), "assessed_on", "next_assessed_on"]


def _as_dict(rows) -> dict[int, tuple]:
    return {
        r.assessment_id: tuple(bool(v) if k == "is_first" else v for k, v in zip(ROW, r[1:], strict=True)) for r in rows
    }


def stored_rows() -> dict[int, tuple]:
    table = AssessmentProgress.__table__
    return _as_dict(db.session.execute(select(table.c.assessment_id, *(table.c[k] for k in ROW))))


def rebuilt_rows() -> dict[int, tuple]:
    """What `rebuild_assessment_progress` would write, read without writing it."""
    return _as_dict(db.session.execute(progress_rows()))


def counted_by_hand() -> dict[int, tuple]:
    """The same rows worked out in Python from the assessments themselves."""
    by_participant: dict[int, list[Assessment]] = {}
    for a in db.session.scalars(select(Assessment)):
        by_participant.setdefault(a.participant_id, []).append(a)
    expected = {}
    for pid, assessments in by_participant.items():
        assessments.sort(key=lambda a: (a.assessed_on, a.id))
        first = assessments[0]
        first_scores = first.score_map()
        for a, following in zip(assessments, [*assessments[1:], None], strict=True):
            dates = (a.assessed_on, following.assessed_on if following else None)
            if a is first:
                expected[a.id] = (pid, True, None, *([None] * len(COLUMNS)), *dates)
                continue
            scores = a.score_map()
            changes = [
                None if scores.get(d) is None or first_scores.get(d) is None else scores[d] - first_scores[d]
                for d in COLUMNS
            ]
            expected[a.id] = (pid, False, a.ladder_rung - first.ladder_rung, *changes, *dates)
    return expected


def assert_consistent() -> None:
    db.session.expire_all()
    stored = stored_rows()
    assert stored == counted_by_hand()
    assert stored == rebuilt_rows()


def add_assessment(participant_id: int, on: date, rung: int, scores: dict) -> Assessment:
    assessment = Assessment(participant_id=participant_id, assessed_on=on, ladder_rung=rung, growth_rung=rung)
    assessment.scores = [ZrmScore(domain=d, score=s) for d, s in scores.items()]
    db.session.add(assessment)
    return assessment


def random_scores(rng: random.Random) -> dict:
    domains = ZRM_DOMAINS if rng.random() < 0.8 else rng.sample(ZRM_DOMAINS, rng.randint(1, 5))
    return {d: (None if rng.random() < 0.15 else rng.randint(1, 5)) for d in domains}


def test_every_zrm_domain_has_a_change_column():
    assert list(COLUMNS) == list(ZRM_DOMAIN_LABELS)
    assert set(COLUMNS.values()) <= set(AssessmentProgress.__table__.columns.keys())


def test_rows_follow_random_changes_and_equal_a_rebuild(app):
    rng = random.Random(2026)
    participants = [make_participant(start_date=date(2025, 1, 1)).id for _ in range(5)]
    closed = make_participant(start_date=date(2018, 1, 1), status="afgerond", outcome_date=date(2018, 12, 1))
    participants.append(closed.id)
    purged = False

    def day() -> date:
        return date(2025, 1, 1) + timedelta(days=rng.randint(0, 120))  # a narrow range: equal dates happen

    for step in range(160):
        assessments = list(db.session.scalars(select(Assessment).order_by(Assessment.id)))
        action = rng.random()
        if action < 0.25 or len(assessments) < 3:
            add_assessment(rng.choice(participants), day(), rng.randint(1, 6), random_scores(rng))
        elif action < 0.32:  # backdated: entered later, earlier than every assessment of the participant
            pid = rng.choice(participants)
            earliest = min((a.assessed_on for a in assessments if a.participant_id == pid), default=date(2025, 6, 1))
            add_assessment(pid, earliest - timedelta(days=rng.randint(0, 3)), rng.randint(1, 6), random_scores(rng))
        elif action < 0.47:  # a score corrected, to or from 'niet gescoord'
            a = rng.choice(assessments)
            if a.scores:
                rng.choice(a.scores).score = rng.choice([None, 1, 2, 3, 4, 5])
        elif action < 0.57:
            rng.choice(assessments).assessed_on = day()
        elif action < 0.64:
            rng.choice(assessments).ladder_rung = rng.randint(1, 6)
        elif action < 0.71:
            db.session.delete(rng.choice(assessments))
        elif action < 0.75:  # one score removed from an assessment
            a = rng.choice(assessments)
            if a.scores:
                a.scores.remove(rng.choice(a.scores))
        elif action < 0.80:  # a missing domain added, by foreign key only
            a = rng.choice(assessments)
            missing = [d for d in ZRM_DOMAINS if d not in a.score_map()]
            if missing:
                db.session.add(ZrmScore(assessment_id=a.id, domain=missing[0], score=rng.randint(1, 5)))
        elif action < 0.86:  # several changes in one flush, across participants
            add_assessment(rng.choice(participants), day(), rng.randint(1, 6), random_scores(rng))
            rng.choice(assessments).assessed_on = day()
            db.session.delete(rng.choice(assessments))
        elif action < 0.89:  # a correction: the assessment belonged to someone else
            rng.choice(assessments).participant_id = rng.choice(participants)
        elif action < 0.93:  # a change rolled back leaves the rows as they were
            before = stored_rows()
            rng.choice(assessments).assessed_on = date(2024, 1, 1)
            db.session.flush()
            db.session.rollback()
            assert stored_rows() == before
            continue
        elif action < 0.95 and not purged:  # the retention purge blanks notes and keeps the scores
            add_assessment(closed.id, date(2018, 3, 1), 2, {"financien": 2})
            add_assessment(closed.id, date(2018, 9, 1), 4, {"financien": 4})
            db.session.commit()
            purge_file(db.session, db.session.get(Participant, closed.id), 7)
            purged = True
        else:  # a note only: no figure changes
            rng.choice(assessments).note = f"Notitie {step}"
        db.session.commit()
        if step % 20 == 0:
            assert_consistent()
    assert_consistent()
    counts = db.session.execute(select(func.count(), func.count(AssessmentProgress.rung_change))).one()
    assert counts[0] > 30 and counts[1] > 10  # the walk built up assessments with changes to compare
    assert purged

    stored = stored_rows()
    rebuild_assessment_progress(db.session)
    db.session.commit()
    assert stored_rows() == stored


THREADS = 8


@pytest.fixture
def app_config(database_url):
    # Racing writers wait for each other: give SQLite waiters time instead of "database is locked".
    if database_url.startswith("sqlite"):
        return {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 30}}}
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": THREADS, "max_overflow": 4}}


def test_coaches_adding_assessments_at_the_same_moment_lose_no_row(app):
    """Each transaction recomputes from what it can see; a lock per participant makes the last one see all."""
    participants = [make_participant().id for _ in range(2)]
    add_assessment(participants[0], date(2025, 6, 1), 3, {"financien": 3})
    db.session.commit()
    for round_number in range(3):
        barrier = threading.Barrier(THREADS)
        errors = []

        def add(n, barrier=barrier, round_number=round_number, errors=errors):
            with app.app_context():
                try:
                    barrier.wait(timeout=30)
                    on = date(2025, 1, 1) + timedelta(days=10 * n + round_number)
                    add_assessment(participants[n % 2], on, 1 + n % 6, {"financien": 1 + n % 5})
                    if n % 3 == 0:  # and one for the other participant in the same transaction
                        add_assessment(participants[(n + 1) % 2], on, 2, {"financien": 2})
                    db.session.commit()
                except Exception as error:  # noqa: BLE001 - any failure must fail the test
                    db.session.rollback()
                    errors.append(repr(error))
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=add, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []
        assert_consistent()
    assert len(stored_rows()) == 1 + 3 * (THREADS + 3)


def test_rebuild_after_bulk_inserts(app):
    participant = make_participant()
    db.session.execute(
        Assessment.__table__.insert(),
        [
            {"participant_id": participant.id, "assessed_on": date(2025, 3, 1), "ladder_rung": 2, "growth_rung": 3},
            {"participant_id": participant.id, "assessed_on": date(2025, 9, 1), "ladder_rung": 3, "growth_rung": 3},
        ],
    )
    ids = list(db.session.scalars(select(Assessment.id).order_by(Assessment.assessed_on)))
    db.session.execute(
        ZrmScore.__table__.insert(),
        [
            {"assessment_id": ids[0], "domain": "financien", "score": 1},
            {"assessment_id": ids[1], "domain": "financien", "score": 4},
        ],
    )
    db.session.commit()
    assert stored_rows() == {}  # bulk inserts bypass the listener
    rebuild_assessment_progress(db.session)
    db.session.commit()
    assert_consistent()
    assert stored_rows()[ids[1]][2:4] == (1, 3)  # rung 2 -> 3, financien 1 -> 4


# --------------------------------------------------------------------------- the report, as a coach sees it


def zrm_form(on: date, rung: int, **scores) -> dict:
    data = {f"zrm_{d}": "3" for d in ZRM_DOMAINS}
    data.update({f"zrm_{d}": str(s) for d, s in scores.items()})
    data.update({"assessed_on": on.isoformat(), "kind": "tussentijds", "ladder_rung": str(rung), "growth_rung": "6"})
    return data


def domain(report, key):
    return next(d for d in report.progress.domains if d.domain == key)


@pytest.mark.parametrize("filters", [Filters(), Filters(year=2025)], ids=["whole pilot", "2025"])
def test_an_earlier_intake_entered_afterwards_becomes_the_starting_point(client, login_as, filters):
    coach = login_as("coach")
    participant = make_participant(coach_id=coach.id, start_date=date(2025, 1, 10), end_date=date(2026, 1, 10))
    url = f"/deelnemers/{participant.id}/metingen/nieuw"
    assert client.post(url, data=zrm_form(date(2025, 3, 1), 2, financien=2, justitie=1)).status_code == 303
    assert client.post(url, data=zrm_form(date(2025, 9, 1), 4, financien=4, justitie=2)).status_code == 303

    report = build_report(filters)
    assert report.progress.ladder.measured == 1 and report.progress.ladder.up == Share(1, 1)
    assert (domain(report, "financien").participants, domain(report, "financien").average) == (1, 2)
    assert domain(report, "justitie").average == 1

    # The paper intake of January is entered afterwards: it is now the first assessment, so progress is
    # measured from there (ladder 5 -> 4, financien 5 -> 4; justitie was not scored then).
    late_intake = zrm_form(date(2025, 1, 15), 5, financien=5, justitie="ng")
    assert client.post(url, data=late_intake).status_code == 303

    report = build_report(filters)
    assert report.progress.ladder.measured == 1
    assert (report.progress.ladder.up, report.progress.ladder.down) == (Share(0, 1), Share(1, 1))
    assert (domain(report, "financien").participants, domain(report, "financien").average) == (1, -1)
    assert (domain(report, "justitie").participants, domain(report, "justitie").average) == (0, None)
    assert domain(report, "werk_opleiding").average == 0
    assert_consistent()

    login_as("financien")
    rows = client.get("/rapportage/export.csv" + ("?jaar=2025" if filters.year else "")).data.decode("utf-8-sig")
    assert "Financiën;1;-1,0" in rows.splitlines()
