#!/usr/bin/env bash
# skinflint against its peers on the same corpora, then skinflint's scaling curve.
#  1. Peers (best wall seconds of RUNS; ratio = peer time / skinflint time on the same files):
#     checkov (Kubernetes YAML), yamllint (all YAML), promtool check rules (Prometheus
#     rule files). A peer that is not installed is skipped with a message; `--install`
#     puts checkov and yamllint into a venv under target/peers-venv (promtool comes from
#     Debian's `prometheus` package).
#  2. Scaling: 1, 4 and 16 copies of the YAML corpora, each copy a cluster directory,
#     checked with and without `--cluster 'clusters/*/'`: wall time and peak memory
#     (without scopes, every copy's pools relate to every copy's workloads: one run each).
# Usage: scripts/bench-peers.sh [--install] [RUNS]
#        CORPUS=dir (default ../shared/corpus), BIN=path/to/skinflint to skip the build.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
root=$PWD
install=0
if [ "${1:-}" = "--install" ]; then install=1; shift; fi
runs="${1:-3}"
corpus=$(cd "${CORPUS:-../shared/corpus}" 2>/dev/null && pwd) || {
  echo "bench-peers: corpus ${CORPUS:-../shared/corpus} not found" >&2
  exit 2
}
venv=$root/target/peers-venv
if [ "$install" = 1 ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet checkov yamllint
fi
export PATH="$venv/bin:$PATH"
BIN=$(skinflint_bin)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Only the directories of YAML manifests and rule files (gpu-profiles holds CSV captures).
dirs=()
for d in alerts bench-large karpenter peers-fixtures workloads yaml-test-suite; do
  [ -d "$corpus/$d" ] && dirs+=("$d")
done

# best wall seconds and peak resident KB over RUNS runs: prints "WALL KB"
measure() { # CMD...
  local best="" kb=0
  for _ in $(seq 1 "$runs"); do
    /usr/bin/time -o "$work/time" -f '%e %M' "$@" >/dev/null 2>&1 || true
    local t; t=$(tail -1 "$work/time")
    local wall=${t% *} mem=${t#* }
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$wall; fi
    [ "$mem" -gt "$kb" ] && kb=$mem
  done
  echo "$best $kb"
}

echo "bench-peers: $runs runs each, best wall time shown; $(nproc) cores; $(uname -sr)"
echo "uptime: $(uptime)"
echo
echo "## Peers (same files; ratio = peer time / skinflint time)"
printf '%-44s %10s %8s %9s\n' "tool and input" "wall s" "peak MB" "ratio"
row() { # LABEL "WALL KB" [BASE_WALL]
  local wall=${2% *} kb=${2#* }
  local ratio="-"
  [ -n "${3:-}" ] && ratio=$(awk -v a="$wall" -v b="$3" 'BEGIN{printf "%.1fx", (b > 0 ? a / b : 0)}')
  printf '%-44s %10.2f %8.0f %9s\n' "$1" "$wall" "$(awk -v k="$kb" 'BEGIN{print k/1024}')" "$ratio"
}
sk=("$BIN" check --no-config --fail-on never --format json)

cd "$corpus"
k8s=(karpenter workloads)
r=$(measure "${sk[@]}" "${k8s[@]}"); base=${r% *}
row "skinflint: Kubernetes YAML ($(yaml_bytes "${k8s[@]}") B)" "$r"
if command -v checkov >/dev/null; then
  dirs_args=()
  for d in "${k8s[@]}"; do dirs_args+=(-d "$d"); done
  r=$(measure checkov --quiet --compact --skip-download --framework kubernetes --output json "${dirs_args[@]}")
  row "checkov --framework kubernetes" "$r" "$base"
else
  echo "checkov: not installed, skipped (scripts/bench-peers.sh --install, or pip install checkov)"
fi
r=$(measure "${sk[@]}" "${dirs[@]}"); base=${r% *}
row "skinflint: all YAML ($(yaml_bytes "${dirs[@]}") B)" "$r"
if command -v yamllint >/dev/null; then
  r=$(measure yamllint --format parsable "${dirs[@]}")
  row "yamllint" "$r" "$base"
else
  echo "yamllint: not installed, skipped (scripts/bench-peers.sh --install, or pip install yamllint)"
fi
# promtool takes rule files only: the plain rule files of the alerts corpus (PrometheusRule
# objects wrap their groups in a Kubernetes object promtool does not read).
mapfile -t rules < <(grep -rlE '^groups:' alerts --include='*.yaml' --include='*.yml' | sort)
if [ "${#rules[@]}" -gt 0 ]; then
  r=$(measure "${sk[@]}" "${rules[@]}"); base=${r% *}
  row "skinflint: ${#rules[@]} rule files ($(yaml_bytes "${rules[@]}") B)" "$r"
  if command -v promtool >/dev/null; then
    r=$(measure promtool check rules "${rules[@]}")
    row "promtool check rules" "$r" "$base"
  else
    echo "promtool: not installed, skipped (apt-get install prometheus)"
  fi
fi

echo
echo "## Scaling: N copies of the corpora, one cluster directory each"
printf '%-6s %10s %10s %10s %8s %12s %8s\n' copies "YAML MB" "wall s" "x 1 copy" "peak MB" "peak/input" "scopes"
one=""
one_c=""
for n in 1 4 16; do
  tree=$work/x$n
  for i in $(seq 1 "$n"); do
    mkdir -p "$tree/clusters/c$i"
    cp -r "${dirs[@]}" "$tree/clusters/c$i/"
  done
  bytes=$(yaml_bytes "$tree")
  cd "$tree"
  for mode in clusters none; do
    if [ "$mode" = clusters ]; then
      r=$(measure "${sk[@]}" --cluster 'clusters/*/' .)
    else
      # Without scopes every pool relates to every workload of all copies: one run.
      r=$(runs=1 measure "${sk[@]}" .)
    fi
    wall=${r% *} kb=${r#* }
    if [ "$mode" = clusters ]; then
      [ -z "$one_c" ] && one_c=$wall
      first=$one_c
    else
      [ -z "$one" ] && one=$wall
      first=$one
    fi
    awk -v n="$n" -v by="$bytes" -v w="$wall" -v f="$first" -v kb="$kb" -v m="$mode" 'BEGIN{
      printf "%-6s %10.1f %10.2f %9.1fx %8.0f %11.1fx %8s\n", n, by/1e6, w, (f > 0 ? w / f : 0), kb/1024, kb*1024/by, m}'
  done
  cd "$corpus"
  rm -rf "$tree"
done
