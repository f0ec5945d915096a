"""gunicorn's own access logger writes its line with the signing token masked, and no traceback.

gunicorn calls `access_log.info(format, atoms)` with ONE mapping as the argument; the token filter
once turned that mapping into a tuple of its keys, so every request wrote a traceback to the error
log and nothing to the access log.
"""

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest

TOKEN = "AbCdEf0123456789_-xyzXYZ0123456789abcdef"

gunicorn_config = pytest.importorskip("gunicorn.config", reason="gunicorn is not installed")
glogging = pytest.importorskip("gunicorn.glogging", reason="gunicorn is not installed")


@pytest.fixture
def gunicorn_logger(tmp_path, app):
    """A gunicorn Logger as a worker has it, with the app's token filter in place (create_app adds it)."""
    cfg = gunicorn_config.Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("errorlog", str(tmp_path / "error.log"))
    logger = glogging.Logger(cfg)
    from core.security import SigningTokenFilter, mask_tokens_in_access_logs

    mask_tokens_in_access_logs()
    assert any(isinstance(f, SigningTokenFilter) for f in logging.getLogger("gunicorn.access").filters)
    yield logger, tmp_path
    for handler in logger.access_log.handlers + logger.error_log.handlers:
        handler.close()
    logger.access_log.handlers = []
    logger.error_log.handlers = []


def test_gunicorn_access_log_masks_the_signing_token(gunicorn_logger):
    logger, folder = gunicorn_logger
    path = f"/tekenen/{TOKEN}/contract"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://intranet.test{path}",
        "HTTP_USER_AGENT": "pytest",
    }
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[("Content-Type", "text/html")])
    request = SimpleNamespace(headers=[("User-Agent", "pytest"), ("Referer", f"https://intranet.test{path}")])
    logger.access(response, request, environ, timedelta(milliseconds=12))
    for handler in logger.access_log.handlers + logger.error_log.handlers:
        handler.flush()

    access = (folder / "access.log").read_text()
    errors = (folder / "error.log").read_text() if (folder / "error.log").exists() else ""
    assert "Traceback" not in errors, errors
    lines = access.splitlines()
    assert len(lines) == 1, access
    assert TOKEN not in access
    assert '"GET /tekenen/***/contract HTTP/1.1" 200 1234' in lines[0]
    assert '"https://intranet.test/tekenen/***/contract"' in lines[0]  # the referer too
    assert lines[0].startswith("127.0.0.1 - - [")
