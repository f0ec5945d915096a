"""Demo onward referrals ("verwezen naar") and lasting outcomes: a few referrals with every result, and three
alumni whose trajectory ended 7 to 14 months ago, so the coach's start page asks where they are now and the
report shows answers at 6 and 12 months. The alumni are not added to world["participants"]."""

from datetime import date, datetime, time, timedelta

from blueprints.youths import coach_history
from blueprints.youths.workflow import add_months
from core.localtime import to_utc
from models import LastingOutcomeCheck, OnwardReferral, Participant, StatusChange, db

# (first, last, coach e-mail, outcome, months since the end, answers {months: situation})
ALUMNI = [
    ("Wessel", "Rouwhorst", "coach@hengelo.test", "betaald_werk", 7, {}),
    ("Fatima", "El Idrissi", "coach@hengelo.test", "opleiding", 13, {6: "school"}),
    ("Jordy", "Nijenhuis", "coach2@hengelo.test", "uitgevallen", 14, {6: "uitkering", 12: "werk"}),
]


def load(world: dict) -> None:
    today = date.today()
    participants = world["participants"]
    roc = world["organisations"].get("ROC van Twente")
    by_status: dict[str, list[Participant]] = {}
    for p in participants:
        by_status.setdefault(p.status, []).append(p)
    plan = [
        (by_status["actief"][0], "ggz", None, "Somber en slaapt slecht; wil praten met iemand.", "aangekomen"),
        (by_status["actief"][1], "partner", roc, "Wil een BBL-opleiding verkennen bij het ROC.", "onbekend"),
        (by_status["afgerond"][0], "werkbedrijf", None, "Klaar voor werk; het WerkBedrijf zoekt een plek.", "onbekend"),
        (by_status["uitgevallen"][0], "schuldhulp", None, "Schulden lopen op; aangemeld.", "niet_aangekomen"),
    ]
    for participant, destination, organisation, reason, result in plan:
        referred_on = min(participant.start_date + timedelta(days=40), today - timedelta(days=20))
        db.session.add(
            OnwardReferral(
                participant_id=participant.id,
                destination=destination,
                organisation_id=organisation.id if organisation is not None else None,
                referred_on=referred_on,
                reason=reason,
                result=result,
                result_on=referred_on + timedelta(days=14) if result != "onbekend" else None,
                created_by_id=participant.coach_id,
            )
        )
    for index, (first, last, coach_email, outcome, months_ago, answers) in enumerate(ALUMNI):
        coach = world["users"][coach_email]
        end = add_months(today, -months_ago) - timedelta(days=3)
        start = add_months(end, -12)
        participant = Participant(
            first_name=first,
            last_name=last,
            date_of_birth=date(start.year - 24, 3 + index, 12),
            email=f"{first.lower()}.{last.lower().replace(' ', '')}@voorbeeld.nl",
            highest_education="vmbo",
            has_startkwalificatie=False,
            referral_source="werkplein",
            coach=coach,
            start_date=start,
            end_date=add_months(start, 12),
            status="uitgevallen" if outcome == "uitgevallen" else "afgerond",
            outcome=outcome,
            outcome_date=end,
            outcome_note="Afgesloten in het eerste pilotjaar.",
            dropout_reason="Verhuisd naar familie, wil geen begeleiding meer." if outcome == "uitgevallen" else None,
            created_at=datetime.combine(start - timedelta(days=30), time(9)),
        )
        db.session.add(participant)
        db.session.flush()
        coach_history.start_history(participant, None)  # every file's coach history opens with its first coach
        moves = [(None, "aangemeld", start - timedelta(days=30)), ("aangemeld", "intake", start - timedelta(days=21))]
        moves += [("intake", "actief", start), ("actief", participant.status, end)]
        for before, after, on in moves:
            db.session.add(
                StatusChange(
                    participant_id=participant.id,
                    from_status=before,
                    to_status=after,
                    changed_on=on,
                    changed_by=coach,
                    created_at=datetime.combine(on, time(10)),
                )
            )
        if index == 0:
            referred_on = end - timedelta(days=30)
            db.session.add(
                OnwardReferral(
                    participant_id=participant.id,
                    destination="participatiecoach",
                    referred_on=referred_on,
                    reason="Wil naast het werk meer meedoen in de wijk.",
                    result="aangekomen",
                    result_on=referred_on + timedelta(days=10),
                    created_by_id=coach.id,
                )
            )
        for months, situation in answers.items():
            asked = add_months(end, months) + timedelta(days=4)
            db.session.add(
                LastingOutcomeCheck(
                    participant_id=participant.id,
                    months=months,
                    situation=situation,
                    note="Telefonisch gesproken." if situation != "onbekend" else None,
                    answered_at=to_utc(datetime.combine(asked, time(11))),
                    answered_by_id=coach.id,
                )
            )
