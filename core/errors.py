"""Dutch error pages with an incident id; the details go to the log, never to the user."""

import logging
import uuid

from flask import g, has_request_context, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from core.audit import record
from core.htmx import is_partial_request
from models import AuditLog, db

log = logging.getLogger("perspectiefjaar.errors")

MESSAGES = {
    400: ("Verzoek niet begrepen", "Het formulier of de link klopt niet. Ga terug en probeer het opnieuw."),
    403: (
        "Geen toegang",
        "U heeft geen toegang tot deze pagina. Denkt u dat dit niet klopt? Neem contact op met beheer.",
    ),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet (meer), of u heeft er geen toegang toe."),
    405: ("Dit kan zo niet", "Deze actie kan op deze manier niet worden uitgevoerd."),
    413: (
        "Te groot",
        "Wat u stuurde is te groot. Een document mag hoogstens 10 MB zijn. Maak het bestand kleiner "
        "(bijvoorbeeld een foto met minder pixels, of een scan in zwart-wit) en probeer het opnieuw.",
    ),
    422: ("Dit kan zo niet", "Wat u invulde, kan niet worden verwerkt. Ga terug en pas het aan."),
    429: ("Even wachten", "Er zijn te veel pogingen gedaan. Wacht een paar minuten en probeer het dan opnieuw."),
    500: ("Er ging iets mis", "Er ging bij ons iets mis. Uw wijziging is niet opgeslagen. Probeer het later opnieuw."),
}
# A 500 tells the truth about the user's change: saved (the failure came after the commit, e.g.
# while showing the result), not saved (it came before), or nothing to save (a page was read).
SAVED_THEN_FAILED = (
    "Uw wijziging is wel opgeslagen, maar daarna ging er bij ons iets mis bij het tonen van de pagina. "
    "Doe de wijziging niet nog een keer: laad de pagina opnieuw om het resultaat te zien."
)
READ_FAILED = "Er ging bij ons iets mis bij het tonen van deze pagina. Probeer het later opnieuw."


@event.listens_for(Session, "after_flush")
def _note_change(session, flush_context) -> None:
    """Remember that this transaction holds a real change (audit rows alone, e.g. a logged view, are none)."""
    if any(not isinstance(obj, AuditLog) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info["pj_changed"] = True


@event.listens_for(Session, "after_commit")
def _change_committed(session) -> None:
    if session.info.pop("pj_changed", False) and has_request_context():
        g.change_committed = True


@event.listens_for(Session, "after_rollback")
def _change_rolled_back(session) -> None:
    session.info.pop("pj_changed", None)


def failure_text() -> str:
    """The 500 text for this request: did the user's change get saved or not?"""
    if g.get("change_committed"):
        return SAVED_THEN_FAILED
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return READ_FAILED
    return MESSAGES[500][1]


def error_page(status: int, incident: str | None = None, message: str | None = None):
    title, text = MESSAGES.get(status, MESSAGES[500])
    template = "errors/partial.html" if is_partial_request() else "errors/page.html"
    return render_template(template, status=status, title=title, text=message or text, incident=incident), status


def register_error_handlers(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        incident = uuid.uuid4().hex[:8]
        log.warning("csrf refused incident=%s reason=%s", incident, error.description)
        return error_page(
            400, incident, "Het formulier is verlopen of ongeldig. Laad de pagina opnieuw en probeer het nog eens."
        )

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code and error.code < 400:
            return error
        incident = uuid.uuid4().hex[:8]
        if error.code == 403:
            try:
                record(
                    db.session,
                    "access_denied",
                    object_type="endpoint",
                    changes={"path": (None, request.path)},
                    result="denied",
                )
                db.session.commit()
            except Exception:  # the denial page must show even if logging fails
                db.session.rollback()
        status = error.code or 500
        return error_page(status, incident, failure_text() if status >= 500 else None)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        incident = uuid.uuid4().hex[:8]
        log.exception("unexpected error incident=%s", incident, extra={"incident": incident})
        db.session.rollback()
        return error_page(500, incident, failure_text())
