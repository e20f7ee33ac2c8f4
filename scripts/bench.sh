#!/usr/bin/env bash
# Throughput benchmark: runs the release binary over a directory several times and prints
# wall time per run and MB/s. Usage: scripts/bench.sh [DIR] [RUNS]
# Default DIR is ../shared/corpus (all real-world YAML skinflint's tests use).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
dir="${1:-../shared/corpus}"
runs="${2:-10}"
[ -d "$dir" ] || { echo "bench: $dir not found" >&2; exit 2; }
bin=$(skinflint_bin)
bytes=$(yaml_bytes "$dir")
files=$(yaml_files "$dir" | wc -l)
echo "bench: $dir: $files files, $bytes bytes; $(nproc) cores; $(uname -sr)"
"$bin" check --no-config --format json --fail-on never "$dir" >/dev/null  # warm the page cache
best=""
for i in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  "$bin" check --no-config --format json --fail-on never "$dir" >/dev/null
  end=$(date +%s.%N)
  t=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.4f", b - a}')
  if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN {exit !(t < b)}'; then best=$t; fi
  printf 'run %2d: %s s\n' "$i" "$t"
done
awk -v t="$best" -v by="$bytes" -v f="$files" 'BEGIN {printf "best: %.3f s, %.1f MB/s, %.0f files/s\n", t, by / t / 1e6, f / t}'
