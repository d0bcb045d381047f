"""Benchmarks (not tests): `python -m bench` measures each figure against a floor measured in
the same run and writes `bench/results.json` and `docs/performance.md`.

pytest never collects this package (its testpaths is `tests`).
"""
