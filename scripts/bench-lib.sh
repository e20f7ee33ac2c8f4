# shellcheck shell=bash
# Sourced by the benchmark scripts (from the repository root), not run.

# The binary to measure: BIN when set (one built elsewhere), else a fresh release build.
skinflint_bin() {
  if [ -n "${BIN:-}" ]; then
    echo "$BIN"
    return
  fi
  cargo build --release --quiet
  echo "$PWD/target/release/skinflint"
}

# Bytes of the YAML files under DIR... (hidden paths skipped).
yaml_bytes() {
  yaml_files "$@" -printf '%s\n' | awk '{s+=$1} END {print s+0}'
}

# The YAML files under DIR..., as find prints them; extra arguments go to find.
yaml_files() {
  local dirs=()
  while [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; do dirs+=("$1"); shift; done
  find "${dirs[@]}" \( -name '*.yaml' -o -name '*.yml' \) -type f -not -path '*/.*' "$@"
}
