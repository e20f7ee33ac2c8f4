#!/usr/bin/env bash
# Tries skinflint's pre-commit hook as a new user would: a fresh repository whose
# .pre-commit-config.yaml points at this checkout (its committed HEAD), then
#   1. a bad pool staged      -> the hook fails,
#   2. a good pool staged     -> the hook passes,
#   3. only a spot pool staged, its on-demand fallback committed earlier -> passes,
#      because the hook checks the whole repository as committed and as staged; the
#      cost alerts committed with the hook configuration are found the same way,
#   4. the fallback unstaged for deletion but left on disk (untracked)  -> fails: the
#      commit would hold no fallback for the spot pool in an untouched file,
#   5. the fallback deleted with `git rm`                                -> fails.
# By default the `skinflint-system` hook runs the binary already built in this checkout
# (target/debug/skinflint, or $SKINFLINT_BIN), so no second build is needed. With
# `SKINFLINT_HOOK=python` the `skinflint` hook is tried as a user gets it: pre-commit
# installs this checkout's root pyproject.toml, which pulls the skinflint wheel of the
# same version; the wheels in $SKINFLINT_WHEELS (built by `maturin build` in pypi/) stand
# in for PyPI. With `SKINFLINT_HOOK=rust` the `skinflint-cargo` hook is tried instead,
# which makes pre-commit build skinflint from this checkout (minutes, and crates.io
# access).
# Needs git and network access to PyPI (for pre-commit, and setuptools for the hook).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
rev="$(git -C "$here" rev-parse HEAD)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

hook="skinflint-system"
case "${SKINFLINT_HOOK:-system}" in
  rust) hook="skinflint-cargo" ;;
  python)
    hook="skinflint"
    wheels="${SKINFLINT_WHEELS:?SKINFLINT_HOOK=python needs SKINFLINT_WHEELS, a directory holding the skinflint wheel}"
    ls "$wheels"/skinflint-*.whl >/dev/null || { echo "precommit-demo: no skinflint wheel in $wheels"; exit 1; }
    # pip resolves the hook's `skinflint==<version>` from here before PyPI.
    export PIP_FIND_LINKS
    PIP_FIND_LINKS="$(cd "$wheels" && pwd)"
    ;;
  *)
    bin="${SKINFLINT_BIN:-$here/target/debug/skinflint}"
    if [ ! -x "$bin" ]; then
      (cd "$here" && cargo build --quiet)
    fi
    mkdir -p "$work/bin"
    ln -s "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" "$work/bin/skinflint"
    export PATH="$work/bin:$PATH"
    ;;
esac

if command -v pre-commit >/dev/null 2>&1; then
  pc=pre-commit
else
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet pre-commit
  pc="$work/venv/bin/pre-commit"
fi
export PRE_COMMIT_HOME="$work/cache"

repo="$work/repo"
mkdir -p "$repo"
cd "$repo"
git init -q -b main
git config user.email demo@example.com
git config user.name demo
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $here
    rev: $rev
    hooks:
      - id: $hook
YAML
mkdir -p monitoring
cat > monitoring/cost-alerts.yaml <<'YAML'
groups:
  - name: gpu-cost
    rules:
      - alert: GpuPoolNearLimit
        expr: karpenter_nodepools_usage{resource_type="nvidia.com/gpu"} / karpenter_nodepools_limit{resource_type="nvidia.com/gpu"} > 0.9
        for: 15m
        labels: {severity: warning}
        annotations:
          summary: "GPU node pool {{ $labels.nodepool }} is above 90% of its GPU limit"
YAML
git add .pre-commit-config.yaml monitoring/cost-alerts.yaml
git commit -q -m "pre-commit config and the team's cost alerts"

pool() { # name capacity-type weight gpu-limit
  cat <<YAML
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: $1}
spec:
  weight: $3
  limits: {nvidia.com/gpu: $4}
  template:
    spec:
      requirements:
        - {key: karpenter.sh/capacity-type, operator: In, values: [$2]}
        - {key: karpenter.k8s.aws/instance-family, operator: In, values: [g5, g6]}
      taints: [{key: nvidia.com/gpu, value: "true", effect: NoSchedule}]
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: gpu}
YAML
}

expect() { # expected-exit description
  set +e
  "$pc" run >"$work/out.txt" 2>&1
  code=$?
  set -e
  if { [ "$1" = pass ] && [ $code -ne 0 ]; } || { [ "$1" = fail ] && [ $code -eq 0 ]; }; then
    echo "precommit-demo: FAILED: $2 (pre-commit exit $code)"
    cat "$work/out.txt"
    exit 1
  fi
  echo "precommit-demo: ok: $2 (pre-commit exit $code)"
}

# 1. A GPU pool without taint or GPU limit.
cat > bad.yaml <<'YAML'
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: gpu}
spec:
  limits: {cpu: "64"}
  template:
    spec:
      requirements:
        - {key: karpenter.k8s.aws/instance-family, operator: In, values: [g5]}
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: gpu}
YAML
git add bad.yaml
expect fail "a bad pool is rejected"
grep -q "nodepool-without-limits" "$work/out.txt" || { echo "precommit-demo: FAILED: no finding shown"; cat "$work/out.txt"; exit 1; }
git rm -q --cached bad.yaml && rm bad.yaml

# 2. A good pool: spot and on-demand in one pool, capped and tainted.
pool gpu-mixed "spot, on-demand" 50 16 > good.yaml
git add good.yaml
expect pass "a good pool is accepted"
git commit -q -m good --no-verify
# The mixed pool would back any spot pool below; it goes, so the fallback below is the only one.
git rm -q good.yaml
git commit -q -m "mixed pool removed" --no-verify

# 3. The fallback lands first; later only a spot pool is staged.
pool gpu-on-demand on-demand 10 4 > fallback.yaml
git add fallback.yaml
expect pass "the on-demand fallback is accepted"
git commit -q -m fallback --no-verify
pool gpu-spot spot 100 32 > spot.yaml
git add spot.yaml
expect pass "a spot pool staged alone finds its fallback in an unchanged file"
git commit -q -m spot --no-verify

# 4. and 5. Losing the fallback fails on the spot pool, which the commit does not touch.
git rm -q --cached fallback.yaml
expect fail "a fallback left only as an untracked file does not count"
grep -q "spot.yaml" "$work/out.txt" || { echo "precommit-demo: FAILED: the spot pool is not named"; cat "$work/out.txt"; exit 1; }
git add fallback.yaml
expect pass "the fallback staged again"
git rm -q fallback.yaml
expect fail "deleting the only fallback is rejected"
echo "precommit-demo: all cases passed with the $hook hook"
