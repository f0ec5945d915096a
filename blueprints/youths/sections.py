"""The case file's sections (`?tab=...`): one registry of what the file shows where, each with its own context.

A section loads only what it shows, in a fixed number of queries, so switching sections stays cheap. Other
features hook in here with one line each: a section of their own (a `Section` in `SECTIONS`) or a part of
the overview (a `Part` in `OVERVIEW_PARTS`). A context function takes the participant (already loaded with
the coach) and returns the names its template needs.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import url_for
from sqlalchemy import func, select

from blueprints.budget.queries import maatwerk_for_participant
from blueprints.contracts.queries import contracts_for_participant
from blueprints.documents.context import section as documents_section
from blueprints.mijn import reminders
from blueprints.mijn.home import messages_for_file as portal_messages_for_file
from blueprints.partners.queries import participant_commitments
from blueprints.youths import coach_history, handover, onward, persons, queries, timeline, workflow, zrm
from blueprints.youths.forms import ActionForm, GoalStatusForm, SharedChoices
from core.forms import EmptyForm, select_choices
from models import Action, Conversation, Goal, Participant, db, utcnow

Context = Callable[[Participant], dict]


@dataclass(frozen=True)
class Section:
    name: str  # the value of ?tab=
    label: str  # Dutch, in the file's menu
    template: str
    context: Context


@dataclass(frozen=True)
class Part:
    """A piece of the overview from another feature: its partial and the context it needs.

    `top`: shown above the overview's own facts (a handover summary the new coach reads first), else below.
    A part's template also sees the overview's own context (next conversation, maatwerk, contracts).
    """

    template: str
    context: Context
    top: bool = False


# --------------------------------------------------------------------------- shared pieces


def who_choices(organisations) -> SharedChoices:
    """Who does an action: one list shared by every goal's form (its options are rendered once)."""
    return SharedChoices(
        select_choices(
            [("deelnemer", "Deelnemer"), ("coach", "Life-coach")] + [(f"partner-{o.id}", o.name) for o in organisations]
        )
    )


def goal_forms(goals, organisations, posted: dict | None = None) -> dict:
    """Per goal: its inline status form and new-action form, with unique field ids (prefixes)."""
    forms = {}
    who = who_choices(organisations)
    for goal in goals:
        status_form = GoalStatusForm(formdata=None, prefix=f"doel{goal.id}", status=goal.status)
        action_form = ActionForm(formdata=None, prefix=f"actie{goal.id}")
        action_form.who.choices = who
        forms[goal.id] = {"status": status_form, "action": action_form, **(posted or {}).get(goal.id, {})}
    return forms


def next_conversation(participant_id: int) -> Conversation | None:
    return db.session.scalar(
        select(Conversation)
        .where(
            Conversation.participant_id == participant_id,
            Conversation.attendance == "gepland",
            Conversation.held_at >= utcnow(),
        )
        .order_by(Conversation.held_at, Conversation.id)
        .limit(1)
    )


def overdue_actions(participant_id: int, today: date) -> int:
    return db.session.scalar(
        select(func.count(Action.id))
        .join(Goal, Goal.id == Action.goal_id)
        .where(Goal.participant_id == participant_id, Action.done.is_(False), Action.due_date < today)
    )


def conversations_of(participant_id: int) -> list[Conversation]:
    return list(
        db.session.scalars(
            select(Conversation)
            .where(Conversation.participant_id == participant_id)
            .order_by(Conversation.held_at.desc(), Conversation.id.desc())
        )
    )


# --------------------------------------------------------------------------- one context per section


def overview_context(p: Participant) -> dict:
    today = date.today()
    context = {
        "moves": workflow.allowed_moves(p.status),
        "move_labels": workflow.MOVE_LABELS,
        "days_left": workflow.days_left(p, today),
        "next_conversation": next_conversation(p.id),
        "overdue_actions": overdue_actions(p.id, today),
        "summary": zrm.summarise(queries.assessments_of(p.id)),
        "ladder_label": zrm.ladder_label,
        "participant_contracts": contracts_for_participant(p.id),  # contracts feature
        "maatwerk": maatwerk_for_participant(p.id),  # budget feature
        "overview_parts": [part.template for part in OVERVIEW_PARTS if not part.top],
        "overview_top_parts": [part.template for part in OVERVIEW_PARTS if part.top],
    }
    for part in OVERVIEW_PARTS:
        context.update(part.context(p))
    return context


def plan_context(p: Participant) -> dict:
    goals = queries.goals_of(p.id)
    return {"goals": goals, "goal_forms": goal_forms(goals, queries.partner_organisations()), "today": date.today()}


def metingen_context(p: Participant) -> dict:
    summary = zrm.summarise(queries.assessments_of(p.id))
    return {
        "summary": summary,
        "ladder_steps": zrm.ladder_steps(summary),
        "score_word": zrm.score_word,
        "ladder_label": zrm.ladder_label,
    }


def gesprekken_context(p: Participant) -> dict:
    conversations = conversations_of(p.id)
    return {
        "conversations": conversations,
        "reminder_states": reminders.reminder_states([c.id for c in conversations]),
        "portal_messages": portal_messages_for_file(p.id),  # Mijn Perspectiefjaar
    }


def contract_context(p: Participant) -> dict:
    return {"participant_contracts": contracts_for_participant(p.id)}


def maatwerk_context(p: Participant) -> dict:
    return {"maatwerk": maatwerk_for_participant(p.id)}


def partners_context(p: Participant) -> dict:
    return {"participant": p, "participant_commitments": participant_commitments(p.id)}


def tijdlijn_context(p: Participant) -> dict:
    case = queries.load_case_file(p)
    items, more = timeline.page(case, 1)
    return {
        "case": case,
        "timeline_items": items,
        "timeline_more": more,
        "timeline_page": 1,
        "coach_periods": coach_history.history(p.id),  # who was coach when
    }


OVERVIEW = "overzicht"

# The file's menu, in this order. A feature adds its section with one line here.
SECTIONS: dict[str, Section] = {
    s.name: s
    for s in [
        Section(OVERVIEW, "Overzicht", "youths/sections/overzicht.html", overview_context),
        Section("plan", "Plan", "youths/sections/plan.html", plan_context),
        Section("metingen", "Metingen", "youths/sections/metingen.html", metingen_context),
        Section("gesprekken", "Gesprekken", "youths/sections/gesprekken.html", gesprekken_context),
        Section("contract", "Contract", "youths/sections/contract.html", contract_context),
        Section("maatwerk", "Maatwerk", "youths/sections/maatwerk.html", maatwerk_context),
        Section("partners", "Partners", "youths/sections/partners.html", partners_context),
        Section("documenten", "Documenten", "documents/partials/list.html", documents_section),  # documents feature
        Section("tijdlijn", "Tijdlijn", "youths/sections/tijdlijn.html", tijdlijn_context),
    ]
}

# Parts other features show on the overview, below its own facts: `Part("x/partials/file.html", x_context)`.
OVERVIEW_PARTS: list[Part] = [
    Part("youths/partials/handover_summary.html", handover.file_context, top=True),  # handed over to you
    Part("youths/partials/onward_referrals.html", onward.file_context),  # verwezen naar, na afloop
    Part("youths/partials/person_trajectories.html", persons.file_context),  # the person's other trajectories
]


def section_url(participant_id: int, name: str = OVERVIEW, anchor: str = "") -> str:
    """The address of one section of a file (the overview has no ?tab=), for links and redirects."""
    url = url_for("youths.show", participant_id=participant_id, tab=None if name == OVERVIEW else name)
    return f"{url}#{anchor}" if anchor else url


def section_context(participant: Participant, section: Section) -> dict:
    """Everything the page or fragment of `section` needs: the file's head and that section's own context."""
    return {
        "p": participant,
        "section": section,
        "sections": list(SECTIONS.values()),
        "button_form": EmptyForm(formdata=None),
        **section.context(participant),
    }
