#!/usr/bin/env bash
# Replay benchmark: generates an nvidia-smi CSV of ROWS rows (default 10 million), replays
# it with the release build, and prints throughput and peak memory.
# Usage: scripts/bench-replay.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
rows="${1:-10000000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bin=$(skinflint_bin)
csv="$work/profile.csv"
awk -v n="$rows" 'BEGIN {
  print "timestamp, name, index, uuid, utilization.gpu [%], memory.used [MiB], memory.total [MiB]";
  for (i = 0; i < n; i++) {
    s = i * 10; d = int(s / 86400); r = s % 86400;
    printf "2026/%02d/%02d %02d:%02d:%02d.000, NVIDIA A10G, 0, GPU-0000, %d %%, %d MiB, 22888 MiB\n",
      1 + int(d / 28) % 12, 1 + d % 28, int(r / 3600), int(r % 3600 / 60), r % 60, (i * 7) % 100, 3000 + (i * 13) % 4000;
  }
}' > "$csv"
cat > "$work/llm.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: llm, namespace: ml}
spec:
  replicas: 2
  selector: {matchLabels: {app: llm}}
  template:
    metadata: {labels: {app: llm}}
    spec:
      nodeSelector: {node.kubernetes.io/instance-type: g5.xlarge}
      containers:
        - name: server
          image: vllm:1
          resources: {requests: {cpu: "2", memory: 8Gi}, limits: {nvidia.com/gpu: 1}}
YAML
bytes=$(stat -c %s "$csv")
echo "bench-replay: $rows rows, $bytes bytes; $(nproc) cores; $(uname -sr)"
start=$(date +%s.%N)
if [ -x /usr/bin/time ]; then
  /usr/bin/time -v "$bin" replay --manifests "$work/llm.yaml" --profile "ml/llm=$csv" --format json "$csv" \
    >"$work/out.json" 2>"$work/time.txt" || true
  peak_kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$work/time.txt")
else
  "$bin" replay --manifests "$work/llm.yaml" --profile "ml/llm=$csv" --format json "$csv" >"$work/out.json" 2>/dev/null
  peak_kb="(install GNU time for peak memory)"
fi
end=$(date +%s.%N)
awk -v t0="$start" -v t1="$end" -v n="$rows" -v b="$bytes" -v kb="$peak_kb" 'BEGIN {
  t = t1 - t0; printf "replay: %.2f s, %.2f million rows/s, %.0f MB/s, peak memory %s KiB\n", t, n / t / 1e6, b / t / 1e6, kb }'
grep -o '"recommended": "[^"]*"' "$work/out.json" | head -1
