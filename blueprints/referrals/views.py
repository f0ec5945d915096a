"""Pages of the bulk referral import: upload, column mapping, dry run, import progress, result file.

Who may: life-coaches (they register people) and beheer (functional administration of lists); finance
and partners get 403. Beheer sees names and results; the link into a case file shows only to who
`may("youths.show")` (the coaches).
"""

from datetime import date

from flask import abort, current_app, flash, make_response, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from blueprints.referrals import jobs, rules
from blueprints.referrals.forms import SPREAD, UploadForm, mapping_form
from blueprints.referrals.parsing import MAX_BYTES, FileProblem, read_table
from blueprints.referrals.results import result_download
from blueprints.youths import queries as youth_queries
from core.access import allow
from core.forms import EmptyForm, form_status
from core.htmx import is_partial_request, redirect_after_post, render
from models import ReferralImport, ReferralImportRow, ReferralImportStatus, db

from . import bp

S = ReferralImportStatus
ROLES = ("coach", "beheer")
PER_PAGE = 100


def get_job(import_id: int) -> ReferralImport:
    job = db.session.get(ReferralImport, import_id)
    if job is None:
        abort(404)
    return job


def upload_form() -> UploadForm:
    form = UploadForm()
    form.coach_id.choices = [SelectChoice(SPREAD, "Verdelen over alle life-coaches")] + [
        SelectChoice(str(c.id), c.name) for c in youth_queries.coaches()
    ]
    return form


def recent_jobs() -> list[ReferralImport]:
    query = select(ReferralImport).options(joinedload(ReferralImport.created_by)).order_by(ReferralImport.id.desc())
    return list(db.session.scalars(query.limit(20)))


@bp.route("/")
@allow(*ROLES)
def index():
    return render("referrals/index.html", form=upload_form(), jobs=recent_jobs())


@bp.route("/", methods=["POST"])
@allow(*ROLES)
def upload():
    too_big = (request.content_length or 0) > MAX_BYTES + 64 * 1024
    form = upload_form()
    if too_big:
        form.upload.errors = ["Het bestand is groter dan 20 MB. Splits de lijst in kleinere bestanden."]
    elif form.validate_on_submit():
        file = form.upload.data
        data = file.read(MAX_BYTES + 1)
        try:
            table = read_table(data, file.filename or "")
        except FileProblem as problem:
            form.upload.errors = [str(problem)]
        else:
            coach_id = int(form.coach_id.data) if form.coach_id.data else None
            job = jobs.store_upload(
                table,
                data,
                file.filename,
                form.source.data,
                form.start_date.data,
                form.referral_date.data,
                coach_id,
                current_user,
            )
            remembered = jobs.remembered_mapping(job.source)
            if rules.remembered_mapping_fits(remembered, job.headers):
                counts = jobs.dry_run(job, rules.guess_mapping(job.headers, remembered))
                db.session.commit()
                flash(_dry_run_message(counts, remembered=True), "success")
                return redirect_after_post(url_for("referrals.show", import_id=job.id))
            db.session.commit()
            return redirect_after_post(url_for("referrals.mapping", import_id=job.id))
    return render("referrals/index.html", form=form, jobs=recent_jobs(), status=422)


def _dry_run_message(counts: dict, remembered: bool = False) -> str:
    prefix = "De koppeling van de vorige lijst van deze verwijzer is gebruikt. " if remembered else ""
    new = counts[rules.NEW] + counts[rules.REENTRY]
    return prefix + f"Proefimport klaar: {new} nieuw. Er is nog niets opgeslagen bij de deelnemers."


@bp.route("/<int:import_id>/koppelen", methods=["GET", "POST"])
@allow(*ROLES)
def mapping(import_id: int):
    job = get_job(import_id)
    if job.status not in (S.MAPPING, S.DRY_RUN):
        flash("Deze lijst wordt al geïmporteerd; de koppeling kan niet meer veranderen.", "warning")
        return redirect_after_post(url_for("referrals.show", import_id=job.id))
    initial = rules.guess_mapping(job.headers, job.mapping or jobs.remembered_mapping(job.source))
    form = mapping_form(job.headers, initial)
    problems = {}
    if form.validate_on_submit():
        chosen = {f.name: form[f.name].data for f in rules.FIELDS if form[f.name].data}
        problems = rules.mapping_problems(chosen, job.headers)
        for name, message in problems.items():
            form[name].errors = [*form[name].errors, message]
        if not problems:
            jobs.remember_mapping(job.source, chosen, current_user)
            counts = jobs.dry_run(job, chosen)
            db.session.commit()
            flash(_dry_run_message(counts), "success")
            return redirect_after_post(url_for("referrals.show", import_id=job.id))
    status = form_status(form)
    preview = _preview(job)
    return render("referrals/mapping.html", job=job, form=form, fields=rules.FIELDS, preview=preview, status=status)


def _preview(job: ReferralImport) -> list[list[str]]:
    query = (
        select(ReferralImportRow.cells)
        .where(ReferralImportRow.import_id == job.id)
        .order_by(ReferralImportRow.row_number)
        .limit(3)
    )
    return list(db.session.scalars(query))


@bp.route("/<int:import_id>")
@allow(*ROLES)
def show(import_id: int):
    job = get_job(import_id)
    if job.status == S.MAPPING:
        return redirect_after_post(url_for("referrals.mapping", import_id=job.id))
    if job.status == S.DONE and is_partial_request():
        # The progress poll saw the import finish: reload the whole page once, so the table and its
        # counts show every row's result too (not only the status box).
        response = make_response("", 200)
        response.headers["HX-Refresh"] = "true"
        return response
    column = ReferralImportRow.planned if job.status == S.DRY_RUN else ReferralImportRow.result
    kind = request.args.get("soort", "")
    kind = kind if kind in rules.VERDICT_LABELS else ""
    query = select(ReferralImportRow).where(ReferralImportRow.import_id == job.id)
    if kind:
        query = query.where(column == kind)
    page = db.paginate(
        query.order_by(ReferralImportRow.row_number),
        page=max(request.args.get("pagina", 1, type=int), 1),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render(
        "referrals/show.html",
        "referrals/partials/progress.html",
        job=job,
        counts=jobs.verdict_counts(job.id, column),
        rows=page,
        kind=kind,
        column_name="planned" if job.status == S.DRY_RUN else "result",
        labels=rules.VERDICT_LABELS,
        badge_kinds=rules.VERDICT_KINDS,
        stalled=jobs.lease_expired(job),
        # A stalled import is taken over by the page itself (a POST, never the GET poll), when this
        # server runs workers; otherwise `flask referrals resume` does it.
        auto_resume=current_app.config.get("REFERRAL_IMPORT_WORKER", "thread") == "thread",
        button_form=EmptyForm(formdata=None),
        keep_days=jobs.KEEP_CELLS_DAYS,
        person_cells=lambda cells: rules.person_cells(cells, job.headers, job.mapping),
        today=date.today(),
    )


@bp.route("/<int:import_id>/importeren", methods=["POST"])
@allow(*ROLES)
def start(import_id: int):
    job = get_job(import_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        jobs.start(job, current_user)
    except jobs.ImportError_ as problem:
        flash(str(problem), "warning")
        return redirect_after_post(url_for("referrals.show", import_id=job.id))
    db.session.commit()
    jobs.start_worker(job.id)
    flash("De import is gestart. U kunt deze pagina sluiten: de import gaat door.", "success")
    return redirect_after_post(url_for("referrals.show", import_id=job.id))


@bp.route("/<int:import_id>/hervatten", methods=["POST"])
@allow(*ROLES)
def resume(import_id: int):
    """Take over an import whose worker stopped (its lease ran out); a live import is left alone."""
    job = get_job(import_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    if jobs.lease_expired(job):
        jobs.start_worker(job.id)
    return redirect_after_post(url_for("referrals.show", import_id=job.id))


@bp.route("/<int:import_id>/weggooien", methods=["POST"])
@allow(*ROLES)
def discard(import_id: int):
    """Throw away an upload that was not imported (its rows hold personal data)."""
    job = get_job(import_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    if job.status not in (S.MAPPING, S.DRY_RUN):
        flash("Een lijst die is geïmporteerd blijft bewaard.", "warning")
        return redirect_after_post(url_for("referrals.show", import_id=job.id))
    db.session.execute(ReferralImportRow.__table__.delete().where(ReferralImportRow.import_id == job.id))
    db.session.delete(job)
    db.session.commit()
    flash("De lijst is weggegooid.", "success")
    return redirect_after_post(url_for("referrals.index"))


@bp.route("/<int:import_id>/resultaat.xlsx")
@allow(*ROLES)
def result_file(import_id: int):
    job = get_job(import_id)
    if job.status == S.MAPPING:
        abort(404)
    rows = db.session.scalars(
        select(ReferralImportRow).where(ReferralImportRow.import_id == job.id).order_by(ReferralImportRow.row_number)
    )
    name = f"aanmeldlijst-{job.id}-{'proef' if job.status == S.DRY_RUN else 'resultaat'}.xlsx"
    return result_download(job, rows, name)
