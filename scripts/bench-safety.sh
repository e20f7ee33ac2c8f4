#!/usr/bin/env bash
# Two timing comparisons, printing wall and CPU user seconds (best of RUNS):
#  1. the pre-commit path (one staged file with `--context .` over a generated 1,000-file
#     tree) against a full run over the same tree;
#  2. `--format human` against `--format json` on 2,000 generated node pools.
# Usage: scripts/bench-safety.sh [RUNS]   (BIN=path/to/skinflint to skip the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
runs="${1:-3}"
BIN=$(skinflint_bin)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pool() { # NAME
  cat <<YAML
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: $1}
spec:
  template:
    spec:
      requirements:
        - {key: karpenter.sh/capacity-type, operator: In, values: [spot]}
        - {key: karpenter.k8s.aws/instance-family, operator: In, values: [g5, g6]}
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
YAML
}

tree=$work/tree
for d in $(seq 1 20); do
  mkdir -p "$tree/team-$d"
  for f in $(seq 1 50); do pool "pool-$d-$f" >"$tree/team-$d/pool-$f.yaml"; done
done
pools=$work/pools.yaml
for i in $(seq 1 2000); do pool "pool-$i"; echo "---"; done >"$pools"

# best wall and user seconds of RUNS runs of the command
measure() { # LABEL CMD...
  local label=$1; shift
  local best_wall="" best_user=""
  for _ in $(seq 1 "$runs"); do
    local t
    /usr/bin/time -o "$work/time" -f '%e %U' "$@" >/dev/null 2>&1 || true
    t=$(tail -1 "$work/time")
    local wall=${t% *} user=${t#* }
    if [ -z "$best_wall" ] || awk -v a="$wall" -v b="$best_wall" 'BEGIN{exit !(a<b)}'; then best_wall=$wall; fi
    if [ -z "$best_user" ] || awk -v a="$user" -v b="$best_user" 'BEGIN{exit !(a<b)}'; then best_user=$user; fi
  done
  printf '%-44s wall %6.2f s   user %6.2f s\n' "$label" "$best_wall" "$best_user"
}

echo "bench-safety: $runs runs each, best shown; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
cd "$tree"
measure "full run, 1,000 files" "$BIN" check --no-config --fail-on never --format json .
measure "one staged file --context . (1,000 files)" "$BIN" check --no-config --fail-on never --format json --context . team-7/pool-7.yaml
cd "$work"
measure "2,000 pools --format json" "$BIN" check --no-config --fail-on never --format json pools.yaml
measure "2,000 pools --format human" "$BIN" check --no-config --fail-on never --format human --color never pools.yaml
