#!/usr/bin/env bash
# What the schema rules (unknown-field, schema-violation) cost: the release binary over a
# directory with every rule, then with those two ignored, best of RUNS each, interleaved.
# Usage: scripts/bench-schemas.sh [DIR] [RUNS]   (default DIR ../shared/corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
dir="${1:-../shared/corpus}"
runs="${2:-10}"
[ -d "$dir" ] || { echo "bench-schemas: $dir not found" >&2; exit 2; }
bin=$(skinflint_bin)
run() { "$bin" check --no-config --format json --fail-on never "$@" "$dir" >/dev/null; }
run  # warm the page cache
best_with="" best_without=""
elapsed() { local s e; s=$(date +%s.%N); run "$@"; e=$(date +%s.%N); awk -v a="$s" -v b="$e" 'BEGIN {printf "%.4f", b - a}'; }
min() { if [ -z "$1" ] || awk -v t="$2" -v b="$1" 'BEGIN {exit !(t < b)}'; then echo "$2"; else echo "$1"; fi; }
for i in $(seq 1 "$runs"); do
  t=$(elapsed); best_with=$(min "$best_with" "$t")
  u=$(elapsed --ignore unknown-field,schema-violation); best_without=$(min "$best_without" "$u")
  printf 'run %2d: with %s s, without %s s\n' "$i" "$t" "$u"
done
awk -v w="$best_with" -v o="$best_without" 'BEGIN {printf "best: with schema rules %.3f s, without %.3f s, +%.1f%%\n", w, o, (w / o - 1) * 100}'
