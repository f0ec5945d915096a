"""Public verification of a contract PDF: by upload or by the verification code (the PDF's QR code links here).

Public like the signing link (`@allow(PUBLIC)`), rate-limited per address with one shared budget for
uploads and codes, so codes cannot be guessed in bulk and uploads cannot tie up the workers.
"""

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import InputRequired, Length, ValidationError

from blueprints.contracts import documents, verification
from blueprints.verify import bp
from core.access import PUBLIC, allow
from core.htmx import render
from extensions import limiter

MAX_UPLOAD = 10 * 1024 * 1024  # a contract PDF is about 100 kB; this leaves room for scans around it
LIMIT = "10 per minute; 60 per hour"
verify_limit = limiter.shared_limit(LIMIT, scope="public-verify")


class CodeForm(FlaskForm):
    code = StringField(
        "Controlecode",
        validators=[InputRequired("Vul de controlecode in."), Length(max=40, message="Deze code is te lang.")],
    )

    def validate_code(self, field):
        if documents.normalise_code(field.data) is None:
            raise ValidationError("Een controlecode heeft 12 letters en cijfers, bijvoorbeeld ABCD-EFGH-JKMN.")


class UploadForm(FlaskForm):
    pdf = FileField("PDF van het contract", validators=[FileRequired("Kies een PDF-bestand.")])


def _page(code_form=None, upload_form=None, verdict=None, status=200):
    return render(
        "verify/index.html",
        code_form=code_form or CodeForm(prefix="code", formdata=None),
        upload_form=upload_form or UploadForm(prefix="upload", formdata=None),
        verdict=verdict,
        status=status,
    )


@bp.route("/")
@allow(PUBLIC)
def index():
    return _page()


@bp.route("/", methods=["POST"])
@allow(PUBLIC)
@verify_limit
def check():
    request.max_content_length = MAX_UPLOAD  # larger -> 413 before the body is read
    if "upload-pdf" in request.files:
        form = UploadForm(prefix="upload")
        if not form.validate_on_submit():
            return _page(upload_form=form, status=422)
        data = form.pdf.data.read(MAX_UPLOAD + 1)
        return _page(verdict=verification.verify_upload(data))
    form = CodeForm(prefix="code")
    if not form.validate_on_submit():
        return _page(code_form=form, status=422)
    # Rendered here, not redirected to by_code: one check costs one try of the budget.
    return _page(code_form=form, verdict=verification.verify_code(form.code.data))


@bp.route("/<code>")
@allow(PUBLIC)
@verify_limit
def by_code(code):
    form = CodeForm(prefix="code", formdata=None, data={"code": code[:40]})
    if documents.normalise_code(code) is None:
        form.code.errors = ["Een controlecode heeft 12 letters en cijfers, bijvoorbeeld ABCD-EFGH-JKMN."]
        return _page(code_form=form, status=404)
    verdict = verification.verify_code(code)
    return _page(code_form=form, verdict=verdict, status=200 if verdict.authentic else 404)
