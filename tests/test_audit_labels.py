"""Every column the audit log can show has a Dutch label, and every recorded action a Dutch word."""

import re
from pathlib import Path

from blueprints.admin import audit_labels as L
from models import db

ROOT = Path(__file__).resolve().parent.parent


def audited_tables():
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        if getattr(model, "__audit__", True) is False or model.__tablename__ in L.NOT_AUDITED:
            continue
        yield model.__tablename__, mapper


def test_every_audited_column_has_a_dutch_label():
    missing = [
        f"{table}.{attr.key}"
        for table, mapper in audited_tables()
        for attr in mapper.column_attrs
        if attr.key not in L.COLUMN_LABELS.get(table, {}) and attr.key not in L.COMMON
    ]
    assert not missing, f"add a Dutch label in blueprints/admin/audit_labels.py for: {', '.join(missing)}"


def test_every_audited_table_has_a_dutch_noun():
    missing = [table for table, _ in audited_tables() if table not in L.OBJECT_LABELS]
    assert not missing, f"add the table's noun to OBJECT_LABELS in blueprints/admin/audit_labels.py: {missing}"


def test_every_recorded_action_has_a_dutch_word():
    """Reads the code: each literal action passed to `record(...)` is in ACTION_LABELS."""
    pattern = re.compile(r"record\(\s*db\.session,\s*\"([a-z_]+)\"")
    found = set()
    for path in [*ROOT.glob("blueprints/**/*.py"), *ROOT.glob("core/*.py")]:
        found |= set(pattern.findall(path.read_text()))
    assert found, "the pattern must find the calls"
    assert "approve" in found
    missing = sorted(a for a in found if a not in L.ACTION_LABELS)
    assert not missing, f"add these actions to ACTION_LABELS in blueprints/admin/audit_labels.py: {missing}"


def test_a_new_column_without_a_label_would_fail():
    """The check above can fail: a made-up column of a real table is reported."""
    table, mapper = next(audited_tables())
    keys = [attr.key for attr in mapper.column_attrs] + ["brand_new_column"]
    missing = [k for k in keys if k not in L.COLUMN_LABELS.get(table, {}) and k not in L.COMMON]
    assert missing == ["brand_new_column"]


def test_words_are_dutch():
    assert L.action_label("approve") == "Goedgekeurd"
    assert L.action_label("contract_signed") == "Contract: getekend"  # the contract trail's own words
    assert L.field_label("maatwerk_request", "justification") == "Onderbouwing"
    assert L.field_label("participant", "created_at") == "Aangemaakt op"
