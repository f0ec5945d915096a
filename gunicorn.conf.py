"""gunicorn settings, read from the project root by every `gunicorn "app:create_app()"` started there.

Garbage collection (issue #21, "no stalls"). A worker holds about 300,000 objects once it has served
each page (the app, SQLAlchemy's compiled statements, Jinja's templates, the report cache). Python's
full collection walks all of them: 200-220 ms, and in the benchmark that was the one request in a few
hundred that took 10-20 times its page's median, on SQLite and on PostgreSQL alike. Objects that live as
long as the worker do not need to be walked again, so they are frozen (`gc.freeze`, moved out of the
collector's reach; reference counting still frees them when they go) twice: when the app is loaded,
and again when the worker has served WARM_REQUESTS requests and holds the statements and templates of
its pages. After that a full collection takes about 3 ms (bench/README.md, "Stalls").
"""

import gc

WARM_REQUESTS = 500


def freeze_long_lived() -> None:
    """Collect what is garbage now, then keep every surviving object out of later collections."""
    gc.collect()
    gc.freeze()


def post_worker_init(worker):
    freeze_long_lived()


def post_request(worker, req, environ, resp):
    # After the response is written: the one collection here delays no request of this worker's client.
    worker.pj_requests = getattr(worker, "pj_requests", 0) + 1
    if worker.pj_requests == WARM_REQUESTS:
        freeze_long_lived()
