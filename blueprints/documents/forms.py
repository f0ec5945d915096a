"""The upload form: a file and what kind of document it is; the file is checked from its content."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.validators import ValidationError

from blueprints.documents.files import MAX_BYTES, MAX_MB, FileProblem, check_upload
from blueprints.documents.rules import KINDS_FOR
from core.forms import select_choices
from models import DOCUMENT_KIND_LABELS

# Phones offer the camera and the photo library for image/*; the server decides the real type anyway.
ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,application/pdf,image/jpeg,image/png"


class UploadForm(FlaskForm):
    file = FileField("Bestand", validators=[FileRequired("Kies een bestand.")])
    kind = SelectField("Soort document")

    hint = f"PDF, foto (JPEG of PNG) of Word-document (DOCX), hoogstens {MAX_MB} MB."

    def __init__(self, place: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = select_choices((k, DOCUMENT_KIND_LABELS[k]) for k in KINDS_FOR[place])
        self.checked = None
        self.content = b""

    def validate_file(self, field):
        data = field.data.read(MAX_BYTES + 1)
        try:
            self.checked = check_upload(field.data.filename, data)
        except FileProblem as problem:
            raise ValidationError(str(problem)) from None
        self.content = data
