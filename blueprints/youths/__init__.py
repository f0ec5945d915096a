"""Case files (deelnemers): the life-coach's daily work with participants, under /deelnemers."""

from flask import Blueprint

bp = Blueprint("youths", __name__, url_prefix="/deelnemers")

from blueprints.youths import handover_views, onward_views, progress, sections, views  # noqa: E402,F401

# Links into one section of a file (`section_url(p.id, "plan", "doel-3")`), from any feature's templates.
bp.add_app_template_global(sections.section_url, "section_url")
