#!/usr/bin/env bash
# The action's run steps (action.yml passes its inputs in the environment).
#
#   run.sh check    annotate findings (--format github), write the job summary, count the
#                   findings by severity, and write SARIF when asked
#   run.sh diff     compare with a base revision and post or update one pull-request comment
#   run.sh finish   fail the job on the exit code recorded by check or diff, unless soft-fail
#
# check and diff never fail the step on findings, so that the SARIF upload between them
# and `finish` still runs; they record `exit-code` instead. Outputs: exit-code, errors,
# warnings, notes (info findings: SARIF calls that level `note`), findings, sarif-file,
# sarif-upload, and for diff comment-file.
#
# Inputs: SKINFLINT_PATHS (space-separated), SKINFLINT_ARGS (extra arguments, split on
# whitespace), SKINFLINT_SELECT, SKINFLINT_IGNORE, SKINFLINT_WORKING_DIRECTORY,
# SKINFLINT_FAIL_ON, SKINFLINT_CONFIG, SKINFLINT_CHANGED_SINCE, SKINFLINT_BASELINE,
# SKINFLINT_SARIF, SKINFLINT_SARIF_FILE, SKINFLINT_FORK (the pull request comes from a fork:
# its token cannot upload SARIF), SKINFLINT_SOFT_FAIL, SKINFLINT_EXIT (finish),
# SKINFLINT_BASE, SKINFLINT_MAX_COST_INCREASE, SKINFLINT_COMMENT, GH_TOKEN (diff), and
# GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH, GITHUB_REPOSITORY, RUNNER_TEMP.
set -euo pipefail

out() { echo "$1=$2" >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"; }
temp="${RUNNER_TEMP:?RUNNER_TEMP is not set}"

enter_working_directory() {
  local wd="${SKINFLINT_WORKING_DIRECTORY:-}"
  if [ -n "$wd" ] && [ "$wd" != . ]; then
    cd "$wd" || { echo "::error title=skinflint::working-directory '$wd' does not exist"; exit 2; }
  fi
}

# Options shared by check and diff, from the inputs.
common_options() {
  common=()
  [ -n "${SKINFLINT_CONFIG:-}" ] && common+=(--config "$SKINFLINT_CONFIG")
  [ -n "${SKINFLINT_SELECT:-}" ] && common+=(--select "$SKINFLINT_SELECT")
  [ -n "${SKINFLINT_IGNORE:-}" ] && common+=(--ignore "$SKINFLINT_IGNORE")
  local extra=()
  read -r -a extra <<< "${SKINFLINT_ARGS:-}"
  # (Written so that an empty array expands under `set -u` in bash 3.2 too, as on macOS.)
  common+=(${extra[@]+"${extra[@]}"})
  paths=()
  read -r -a paths <<< "${SKINFLINT_PATHS:-.}"
  [ "${#paths[@]}" -gt 0 ] || paths=(.)
}

# Counts by severity from a JSON report: `jq` FILTER yields the findings' severities.
counts() { # json-file jq-filter
  local e="" w="" n=""
  if [ -s "$1" ] && command -v jq >/dev/null 2>&1; then
    e=$(jq "[$2 | select(. == \"error\")] | length" "$1")
    w=$(jq "[$2 | select(. == \"warning\")] | length" "$1")
    n=$(jq "[$2 | select(. == \"info\")] | length" "$1")
  elif [ -s "$1" ]; then
    echo "::warning title=skinflint::jq is not installed: the errors, warnings and notes outputs are empty"
  fi
  out errors "$e"
  out warnings "$w"
  out notes "$n"
  [ -z "$e" ] || out findings "$((e + w + n))"
  echo "skinflint: ${e:-?} errors, ${w:-?} warnings, ${n:-?} notes"
}

summary() { # markdown-file
  if [ -f "$1" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    cat "$1" >> "$GITHUB_STEP_SUMMARY"
  fi
}

run_check() {
  enter_working_directory
  common_options
  local md="$temp/skinflint-summary.md" json="$temp/skinflint.json" code=0
  rm -f "$md" "$json"
  local args=(check --fail-on "${SKINFLINT_FAIL_ON:-warning}" ${common[@]+"${common[@]}"})
  [ -n "${SKINFLINT_BASELINE:-}" ] && args+=(--baseline "$SKINFLINT_BASELINE")
  [ -n "${SKINFLINT_CHANGED_SINCE:-}" ] && args+=(--changed-since "$SKINFLINT_CHANGED_SINCE")
  # The Nth --output goes with the Nth --format: the annotations go to standard output.
  args+=(--format markdown --output "$md" --format json --output "$json" --format github)
  skinflint "${args[@]}" -- "${paths[@]}" || code=$?
  out exit-code "$code"
  counts "$json" '.findings[].severity'
  summary "$md"
  if [ "${SKINFLINT_SARIF:-false}" = true ]; then
    local sarif="${SKINFLINT_SARIF_FILE:-skinflint.sarif}"
    case "$sarif" in /*) ;; *) sarif="$PWD/$sarif" ;; esac
    # Code scanning needs every alert of the tree, not only the changed files' (no
    # --changed-since, no baseline): it closes the alerts that are gone itself.
    skinflint check --fail-on never ${common[@]+"${common[@]}"} --format sarif --output "$sarif" -- "${paths[@]}" \
      || { echo "::error title=skinflint::the SARIF report could not be written"; [ "$code" != 0 ] || code=2; out exit-code "$code"; }
    if [ -f "$sarif" ]; then
      out sarif-file "$sarif"
      if [ "${SKINFLINT_FORK:-false}" = true ]; then
        echo "::notice title=skinflint::SARIF not uploaded: a pull request from a fork gets a token that cannot write security events; the findings are annotated on the pull request instead"
        out sarif-upload false
      else
        out sarif-upload true
      fi
    fi
  fi
}

run_diff() {
  enter_working_directory
  common_options
  local base="${SKINFLINT_BASE:-}"
  [ -n "$base" ] || { echo "::error title=skinflint::diff mode needs a base revision (the pull request's base, or the base input)"; out exit-code 2; exit 0; }
  local comment="$temp/skinflint-diff.md" json="$temp/skinflint-diff.json" code=0
  rm -f "$comment" "$json"
  local args=(diff "$base" --fail-on "${SKINFLINT_FAIL_ON:-warning}" ${common[@]+"${common[@]}"})
  [ -n "${SKINFLINT_MAX_COST_INCREASE:-}" ] && args+=(--max-cost-increase "$SKINFLINT_MAX_COST_INCREASE")
  skinflint "${args[@]}" --format markdown --output "$comment" -- "${paths[@]}" || code=$?
  out exit-code "$code"
  # diff writes one report a run: the counts come from a second, JSON one.
  if [ "$code" != 2 ]; then
    args[3]=never
    skinflint "${args[@]}" --format json --output "$json" -- "${paths[@]}" || true
  fi
  counts "$json" '.findings.new[].severity'
  [ -f "$comment" ] || return 0
  out comment-file "$comment"
  summary "$comment"
  local pr=""
  if [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ]; then
    pr=$(jq -r '.pull_request.number // empty' "$GITHUB_EVENT_PATH")
  fi
  if [ "${SKINFLINT_COMMENT:-true}" = true ] && [ -n "$pr" ]; then
    # One comment per pull request, found by its marker and updated in place.
    local id
    id=$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$pr/comments" \
           --jq '.[] | select(.body | contains("<!-- skinflint-diff -->")) | .id' | head -n 1)
    if [ -n "$id" ]; then
      gh api -X PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F body=@"$comment" > /dev/null
    else
      gh api -X POST "repos/$GITHUB_REPOSITORY/issues/$pr/comments" -F body=@"$comment" > /dev/null
    fi
  fi
}

# Exit 1 (findings at or above fail-on) fails the job unless soft-fail is set; exit 2
# (skinflint could not do its job) always does, so a broken setup never passes quietly.
run_finish() {
  local code="${SKINFLINT_EXIT:-}"
  if [ -z "$code" ]; then
    echo "::error title=skinflint::skinflint did not run"
    exit 2
  fi
  case "$code" in
    0) ;;
    1)
      if [ "${SKINFLINT_SOFT_FAIL:-false}" = true ]; then
        echo "::notice title=skinflint::findings at or above fail-on, not failing the job (soft-fail)"
      else
        echo "skinflint exited with 1: findings at or above fail-on"
        exit 1
      fi
      ;;
    *)
      echo "::error title=skinflint::skinflint exited with $code: it could not do its job (see the log above)"
      exit "$code"
      ;;
  esac
}

case "${1:-}" in
  check) run_check ;;
  diff) run_diff ;;
  finish) run_finish ;;
  *) echo "usage: $0 check|diff|finish" >&2; exit 2 ;;
esac
