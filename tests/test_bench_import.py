"""The import benchmark runs end to end on a small list and its figures add up (the real run: bench/README.md)."""

from bench import import_bench


def test_the_import_benchmark_runs_and_imports_what_the_dry_run_showed(capsys):
    result = import_bench.run_one("sqlite", rows=60, existing=3)
    assert result["created"] == result["counts"]["nieuw"] > 0
    assert result["again"]["nieuw"] == 0  # the same file again creates nothing
    assert result["again"]["al_geimporteerd"] == result["created"]
    import_bench.report("sqlite", 60, 3, [result])
    assert "dry run" in capsys.readouterr().out
