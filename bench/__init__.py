"""Benchmarks and load tests: seed the pilot at N times its size, measure key pages, simulate users.

`python -m bench.run` measures query counts, page sizes and latency; `python -m bench.load` runs
50 simulated users against gunicorn. See bench/README.md.
"""
