"""The gunicorn settings in the project root: long-lived objects leave the garbage collector's walk."""

import gc
import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    gc.unfreeze()  # the test process goes on collecting as before


def test_a_worker_freezes_at_start_and_once_more_when_warm(conf):
    worker = SimpleNamespace()
    gc.unfreeze()
    conf.post_worker_init(worker)
    at_start = gc.get_freeze_count()
    assert at_start > 0
    gc.unfreeze()
    for _ in range(conf.WARM_REQUESTS - 1):
        conf.post_request(worker, None, {}, None)
    assert gc.get_freeze_count() == 0  # not before the worker is warm
    conf.post_request(worker, None, {}, None)
    assert gc.get_freeze_count() > 0
    gc.unfreeze()
    conf.post_request(worker, None, {}, None)
    assert gc.get_freeze_count() == 0  # and only once
