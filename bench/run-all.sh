#!/usr/bin/env bash
# `make bench`: every benchmark in turn, on SQLite; each prints its own table.
# Figures and their context are collected in bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for bench in bench_import bench_compose bench_dkim bench_send bench_report bench_web bench_bounces; do
  echo
  echo "=== $bench"
  "$PY" "bench/$bench.py"
done
