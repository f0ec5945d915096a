"""A readable line-by-line comparison of two contract versions (difflib), as rows for a table."""

import difflib
import re
from dataclasses import dataclass

from blueprints.contracts import drafting
from models import ContractVersion


@dataclass
class DiffRow:
    kind: str  # equal, changed, added, removed
    old_number: int | None
    old: str | None
    new_number: int | None
    new: str | None
    old_parts: list | None = None  # [(text, changed: bool)] for changed lines
    new_parts: list | None = None


def version_text(version: ContractVersion) -> str:
    return version.canonical_text if version.is_frozen else drafting.render_text(version)


def _inline(old: str, new: str):
    """Word-level marks inside a changed line; a line that mostly changed is marked whole."""
    old_words, new_words = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    if matcher.ratio() < 0.5:
        return [(old, True)], [(new, True)]
    old_parts, new_parts = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            old_parts.append(("".join(old_words[i1:i2]), False))
            new_parts.append(("".join(new_words[j1:j2]), False))
        else:
            if i2 > i1:
                old_parts.append(("".join(old_words[i1:i2]), True))
            if j2 > j1:
                new_parts.append(("".join(new_words[j1:j2]), True))
    return old_parts, new_parts


def compare(old_text: str, new_text: str, context: int | None = None) -> list[DiffRow]:
    """Rows of the comparison; `context` limits unchanged lines around changes (None: all)."""
    old_lines, new_lines = old_text.rstrip("\n").split("\n"), new_text.rstrip("\n").split("\n")
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                rows.append(DiffRow("equal", i1 + k + 1, old_lines[i1 + k], j1 + k + 1, new_lines[j1 + k]))
        elif tag == "replace":
            for k in range(max(i2 - i1, j2 - j1)):
                o = old_lines[i1 + k] if i1 + k < i2 else None
                n = new_lines[j1 + k] if j1 + k < j2 else None
                if o is not None and n is not None:
                    op, np_ = _inline(o, n)
                    rows.append(DiffRow("changed", i1 + k + 1, o, j1 + k + 1, n, op, np_))
                elif o is not None:
                    rows.append(DiffRow("removed", i1 + k + 1, o, None, None))
                else:
                    rows.append(DiffRow("added", None, None, j1 + k + 1, n))
        elif tag == "delete":
            for k in range(i1, i2):
                rows.append(DiffRow("removed", k + 1, old_lines[k], None, None))
        else:
            for k in range(j1, j2):
                rows.append(DiffRow("added", None, None, k + 1, new_lines[k]))
    if context is None:
        return rows
    keep = set()
    for index, row in enumerate(rows):
        if row.kind != "equal":
            keep.update(range(max(0, index - context), min(len(rows), index + context + 1)))
    return [row for index, row in enumerate(rows) if index in keep]


def compare_versions(old: ContractVersion, new: ContractVersion) -> list[DiffRow]:
    return compare(version_text(old), version_text(new))
