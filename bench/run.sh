#!/usr/bin/env bash
# Reproduces the benchmark figures of the README (issue 2). Needs ~1.5 GB of
# disk under bench-data/ and a few minutes. Run on a quiet machine.
#
#   bench/run.sh            # everything
#   bench/run.sh national   # only the national file
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
cargo build --release -q -p touyan-cli
bin=target/release/touyan
mkdir -p bench-data

if [ "$what" = all ]; then
  echo "== in-process (criterion): secretary evaluations per second, one core"
  cargo bench -q -p touyan-rules --bench secretaries 2>/dev/null | grep -E "^secretary|thrpt" || true
  echo "== in-process (criterion): one town through the whole contract"
  cargo bench -q -p touyan-evaluate --bench evaluate 2>/dev/null | grep -E "^one_town|time:" || true
  echo "== command wall time on a one-town case (median of 200 runs) vs starting /bin/true"
  python3 bench/wall.py 200 "$bin" evaluate examples/case-example.json
fi

echo "== national synthetic city: 620,000 secretaries"
city=bench-data/city-620000.json
[ -f "$city" ] || python3 bench/make-city.py 620000 "$city"
ls -l "$city"
for i in 1 2 3; do
  /usr/bin/time -f "touyan evaluate: %e s wall, %U s user, %S s sys, max RSS %M KB" "$bin" evaluate "$city" > bench-data/out-620000.json
done
ls -l bench-data/out-620000.json
/usr/bin/time -f "baseline cat > /dev/null: %e s wall" cat "$city" > /dev/null
/usr/bin/time -f "baseline python3 json.load (the peer's reading step): %e s wall, max RSS %M KB" \
  python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$city"
