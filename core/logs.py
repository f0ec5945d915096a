"""Structured logs: one JSON object per line in production, readable lines in development."""

import json
import logging
from datetime import UTC, datetime

READABLE = "%(asctime)s %(levelname)s %(name)s %(message)s"


class JsonFormatter(logging.Formatter):
    """Each record as one JSON line, so log tooling can filter on level, logger and incident."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        incident = getattr(record, "incident", None)
        if incident:
            entry["incident"] = incident
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(log_format: str) -> None:
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    root.setLevel(logging.INFO)
    # fpdf2's font subsetting logs hundreds of INFO lines per PDF; they drown the app's own lines.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    formatter = JsonFormatter() if log_format == "json" else logging.Formatter(READABLE)
    for handler in root.handlers:
        handler.setFormatter(formatter)
