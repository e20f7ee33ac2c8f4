#!/usr/bin/env bash
# Runs the action's shell steps (scripts/action/install.sh and run.sh) as GitHub Actions
# would, with the GITHUB_* and RUNNER_* variables set and release files served from a
# local directory (SKINFLINT_RELEASE_BASE) built from this checkout's binary
# ($SKINFLINT_BIN, default target/debug/skinflint). Nothing is downloaded or compiled.
# Ends with `N passed, M failed`; exits non-zero when a case fails.
set -uo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${SKINFLINT_BIN:-${CARGO_TARGET_DIR:-$here/target}/debug/skinflint}"
[ -x "$bin" ] || { echo "action-test: no skinflint binary at $bin (cargo build first, or set SKINFLINT_BIN)"; exit 1; }
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
command -v jq >/dev/null || { echo "action-test: jq is needed (as on GitHub's runners)"; exit 1; }
version="$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' "$here/Cargo.toml" | head -n 1)"
target=x86_64-unknown-linux-musl
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

pass() { passed=$((passed + 1)); echo "action-test: ok: $1"; }
fail() { failed=$((failed + 1)); echo "action-test: FAILED: $1"; [ -f "$work/log" ] && sed 's/^/    /' "$work/log"; }

# A runner: fresh GITHUB_OUTPUT, GITHUB_PATH, RUNNER_TEMP and tool cache, and a PATH
# without skinflint (a directory of its own comes first, for fakes).
runner() {
  rm -rf "$work/runner"
  mkdir -p "$work/runner/temp" "$work/runner/tools" "$work/runner/bin"
  : > "$work/runner/output"
  : > "$work/runner/path"
  : > "$work/runner/summary"
  export GITHUB_OUTPUT="$work/runner/output" GITHUB_PATH="$work/runner/path"
  export GITHUB_STEP_SUMMARY="$work/runner/summary"
  export RUNNER_TEMP="$work/runner/temp" RUNNER_TOOL_CACHE="$work/runner/tools"
  export RUNNER_OS=Linux RUNNER_ARCH=X64 GITHUB_SERVER_URL=https://github.com
  export SKINFLINT_ACTION_PATH="$here" SKINFLINT_ACTION_REPOSITORY=example/skinflint
  export PATH="$work/runner/bin:$clean_path"
  unset SKINFLINT_VERSION SKINFLINT_BUILD_CMD GITHUB_EVENT_PATH GITHUB_REPOSITORY
  export SKINFLINT_RELEASE_BASE="$work/release"
}
output() { sed -n "s/^$1=//p" "$GITHUB_OUTPUT" | tail -n 1; }
install() { bash "$here/scripts/action/install.sh" "$@" >"$work/log" 2>&1; }
# A later step's PATH: what install.sh appended to GITHUB_PATH comes first.
with_installed_path() { PATH="$(tr '\n' ':' < "$GITHUB_PATH")$PATH" "$@"; }

# The PATH of this shell less any directory holding a skinflint.
clean_path=""
IFS=: read -r -a dirs <<< "$PATH"
for d in "${dirs[@]}"; do
  [ -x "$d/skinflint" ] || clean_path="${clean_path:+$clean_path:}$d"
done

# A release as the release workflow lays it out (scripts/release/package.sh).
release() { # directory
  rm -rf "$1"
  bash "$here/scripts/release/package.sh" "$version" "$target" "$bin" "$1" >/dev/null
}

# --- install.sh -------------------------------------------------------------------

release "$work/release"
runner
if install resolve && [ "$(output version)" = "$version" ] && [ "$(output target)" = "$target" ] \
    && [ "$(output cache-key)" = "skinflint-$version-$target" ] && [ "$(output on-path)" = false ] \
    && [ "$(output dir)" = "$RUNNER_TOOL_CACHE/skinflint/$version/$target" ]; then
  pass "resolve: the action's own version ($version) and the runner's target"
else
  fail "resolve"; cat "$GITHUB_OUTPUT"
fi

runner
if install install && [ "$(output source)" = release ] \
    && [ "$(with_installed_path skinflint --version)" = "skinflint $version" ] \
    && grep -q "verified (sha256 " "$work/log"; then
  pass "a matching release binary is downloaded, verified and put on PATH"
else
  fail "release download"
fi
# The same runner again: the cache directory (restored by actions/cache) is used.
: > "$GITHUB_OUTPUT"
if install install && [ "$(output source)" = cache ]; then
  pass "a cached release binary is used without downloading"
else
  fail "cache"
fi

runner
SKINFLINT_RELEASE_BASE="file://$work/release"
if install install && [ "$(output source)" = release ]; then
  pass "a file:// release base is downloaded with curl"
else
  fail "file:// release base"
fi

runner
cp -r "$work/release" "$work/tampered"
sha256sum /dev/null | sed "s|/dev/null|skinflint-$version-$target.tar.gz|" \
  > "$work/tampered/skinflint-$version-$target.tar.gz.sha256"
SKINFLINT_RELEASE_BASE="$work/tampered"
if ! install install && grep -q "checksum mismatch for skinflint-$version-$target.tar.gz" "$work/log" \
    && [ ! -e "$RUNNER_TOOL_CACHE/skinflint/$version/$target/skinflint" ] && [ ! -s "$GITHUB_PATH" ]; then
  pass "a checksum mismatch is refused: non-zero exit, nothing installed"
else
  fail "checksum mismatch"
fi

runner
rm "$work/tampered/skinflint-$version-$target.tar.gz.sha256"
SKINFLINT_RELEASE_BASE="$work/tampered"
if ! install install && grep -q "refusing an unverified binary" "$work/log"; then
  pass "an archive without its checksum file is refused"
else
  fail "missing checksum"
fi

# No release: the build command runs (here it copies the binary instead of compiling).
runner
mkdir -p "$work/empty"
SKINFLINT_RELEASE_BASE="$work/empty"
export SKINFLINT_BUILD_CMD="mkdir -p \"\$SKINFLINT_BUILD_ROOT/bin\" && cp '$bin' \"\$SKINFLINT_BUILD_ROOT/bin/\""
if install install && [ "$(output source)" = build ] && grep -q "no release binary" "$work/log" \
    && grep -q "cannot fetch skinflint-$version-$target.tar.gz: .*no such file" "$work/log" \
    && [ "$(with_installed_path skinflint --version)" = "skinflint $version" ]; then
  pass "no release for this version: built from source (SKINFLINT_BUILD_CMD)"
else
  fail "fallback build"
fi

# The default build: cargo install of the action's checkout, or of the tag for another
# version (a fake cargo records its arguments and installs the binary).
fake_cargo() {
  cat > "$work/runner/bin/cargo" <<SH
#!/usr/bin/env bash
echo "\$*" > "$work/runner/cargo-args"
root=""; while [ \$# -gt 0 ]; do [ "\$1" = --root ] && root="\$2"; shift; done
mkdir -p "\$root/bin" && cp "$1" "\$root/bin/skinflint"
SH
  chmod +x "$work/runner/bin/cargo"
}
runner
SKINFLINT_RELEASE_BASE="$work/empty"
fake_cargo "$bin"
if install install && [ "$(output source)" = build ] \
    && [ "$(cat "$work/runner/cargo-args")" = "install --locked --root $RUNNER_TEMP/skinflint-build --path $here" ]; then
  pass "the default fallback builds the action's own checkout with cargo install --locked --path"
else
  fail "default fallback build"; cat "$work/runner/cargo-args"
fi

runner
SKINFLINT_RELEASE_BASE="$work/empty"
printf '#!/bin/sh\necho "skinflint 9.9.9"\n' > "$work/fake-999"
chmod +x "$work/fake-999"
fake_cargo "$work/fake-999"
export SKINFLINT_VERSION=v9.9.9
if install install && [ "$(output source)" = build ] \
    && [ "$(cat "$work/runner/cargo-args")" = "install --locked --root $RUNNER_TEMP/skinflint-build --git https://github.com/example/skinflint --tag v9.9.9" ]; then
  pass "another version without a release is built from the repository's tag"
else
  fail "fallback build of another version"; cat "$work/runner/cargo-args"
fi

# A local action (`uses: ./`): no action repository, the workflow's repository has no
# release reachable here (GITHUB_SERVER_URL points at an empty directory).
runner
unset SKINFLINT_RELEASE_BASE
export SKINFLINT_ACTION_REPOSITORY="" GITHUB_REPOSITORY=example/app GITHUB_SERVER_URL="file://$work/empty"
fake_cargo "$bin"
if install install && [ "$(output source)" = build ] \
    && [ "$(cat "$work/runner/cargo-args")" = "install --locked --root $RUNNER_TEMP/skinflint-build --path $here" ]; then
  pass "a local action (uses: ./) looks for the workflow repository's release, then builds its checkout"
else
  fail "local action"
fi

runner
ln -s "$bin" "$work/runner/bin/skinflint"
if install resolve && [ "$(output on-path)" = true ] && install install && [ "$(output source)" = path ]; then
  pass "a skinflint on PATH of the requested version is used"
else
  fail "skinflint on PATH"
fi

runner
printf '#!/bin/sh\necho "skinflint 0.0.1"\n' > "$work/runner/bin/skinflint"
chmod +x "$work/runner/bin/skinflint"
if install install && [ "$(output source)" = release ] && grep -q "ignoring .*skinflint 0.0.1" "$work/log" \
    && [ "$(with_installed_path skinflint --version)" = "skinflint $version" ]; then
  pass "a skinflint on PATH of another version is ignored"
else
  fail "other version on PATH"
fi

runner
export RUNNER_OS=FreeBSD SKINFLINT_BUILD_CMD="mkdir -p \"\$SKINFLINT_BUILD_ROOT/bin\" && cp '$bin' \"\$SKINFLINT_BUILD_ROOT/bin/\""
if install install && [ "$(output source)" = build ]; then
  pass "a runner without release binaries builds from source"
else
  fail "unsupported runner"
fi

# --- run.sh -----------------------------------------------------------------------

run() { bash "$here/scripts/action/run.sh" "$@" >"$work/log" 2>&1; }
expected_counts() { # skinflint check arguments: "errors warnings notes" as skinflint's JSON says
  "$bin" check --format json "$@" | jq -r '[.summary.error, .summary.warning, .summary.info] | map(tostring) | join(" ")'
}
outputs_counts() { echo "$(output errors) $(output warnings) $(output notes)"; }

runner
ln -s "$bin" "$work/runner/bin/skinflint"
cd "$here" || exit 1
expected="$(expected_counts examples/)"
if SKINFLINT_PATHS=examples/ run check && [ "$(output exit-code)" = 1 ] \
    && [ "$(outputs_counts)" = "$expected" ] && [ "$expected" != "0 0 0" ] \
    && [ "$(output findings)" = "$("$bin" check --format json examples/ | jq '.summary.findings')" ] \
    && grep -q "^::error file=examples/needs-work/" "$work/log" \
    && grep -q "skinflint" "$GITHUB_STEP_SUMMARY" && [ -z "$(output sarif-file)" ]; then
  pass "check: exit-code 1, counts ($expected) as skinflint's JSON, annotations in the log, job summary"
else
  fail "check outputs"; cat "$GITHUB_OUTPUT"
fi

runner
ln -s "$bin" "$work/runner/bin/skinflint"
if SKINFLINT_PATHS=examples/ SKINFLINT_SARIF=true SKINFLINT_SARIF_FILE=out.sarif SKINFLINT_WORKING_DIRECTORY="$here" run check \
    && [ "$(output sarif-file)" = "$here/out.sarif" ] && [ "$(output sarif-upload)" = true ] \
    && [ "$(jq -r .version "$here/out.sarif")" = 2.1.0 ] \
    && [ "$(jq '.runs[0].results | length' "$here/out.sarif")" -gt 0 ]; then
  pass "sarif: the report is written, its absolute path output, upload requested"
else
  fail "sarif"; cat "$GITHUB_OUTPUT"
fi
rm -f "$here/out.sarif"

runner
ln -s "$bin" "$work/runner/bin/skinflint"
if (cd "$work" && SKINFLINT_PATHS="$here/examples/" SKINFLINT_SARIF=true SKINFLINT_FORK=true run check) \
    && [ "$(output sarif-upload)" = false ] && grep -q "^::notice title=skinflint::SARIF not uploaded: a pull request from a fork" "$work/log" \
    && [ -f "$work/skinflint.sarif" ]; then
  pass "sarif from a fork's pull request: written, upload skipped with a notice"
else
  fail "sarif fork"; cat "$GITHUB_OUTPUT"
fi

runner
ln -s "$bin" "$work/runner/bin/skinflint"
if SKINFLINT_WORKING_DIRECTORY=examples SKINFLINT_PATHS=clean run check && [ "$(output exit-code)" = 0 ] \
    && [ "$(outputs_counts)" = "0 0 0" ]; then
  pass "working-directory and paths: a clean directory exits 0 with zero counts"
else
  fail "working-directory"; cat "$GITHUB_OUTPUT"
fi

runner
ln -s "$bin" "$work/runner/bin/skinflint"
expected="$(expected_counts --select nodepool-without-limits examples/)"
if SKINFLINT_PATHS=examples/ SKINFLINT_SELECT=nodepool-without-limits run check \
    && [ "$(outputs_counts)" = "$expected" ] && [ "$(output findings)" -ge 1 ] \
    && ! grep -q "title=gpu-nodepool-without-taint" "$work/log"; then
  pass "select: only that rule is reported ($expected)"
else
  fail "select"; cat "$GITHUB_OUTPUT"
fi

runner
ln -s "$bin" "$work/runner/bin/skinflint"
expected="$(expected_counts --select nodepool-without-limits,gpu-nodepool-without-taint --ignore nodepool-without-limits examples/)"
if SKINFLINT_PATHS=examples/ SKINFLINT_IGNORE=nodepool-without-limits \
    SKINFLINT_ARGS="--select nodepool-without-limits,gpu-nodepool-without-taint" run check \
    && grep -q "title=gpu-nodepool-without-taint" "$work/log" \
    && [ "$(outputs_counts)" = "$expected" ] && ! grep -q "title=nodepool-without-limits" "$work/log"; then
  pass "ignore and args: the rule is skipped, extra arguments passed ($expected)"
else
  fail "ignore and args"; cat "$GITHUB_OUTPUT"
fi

runner
ln -s "$bin" "$work/runner/bin/skinflint"
if SKINFLINT_PATHS=does-not-exist/ run check && [ "$(output exit-code)" = 2 ]; then
  pass "a path that does not exist: exit-code 2"
else
  fail "exit-code 2"; cat "$GITHUB_OUTPUT"
fi

# diff mode in a repository whose change adds a bad pool.
runner
ln -s "$bin" "$work/runner/bin/skinflint"
repo="$work/repo"
mkdir -p "$repo" && cp "$here/examples/clean/"*.yaml "$repo/"
git -C "$repo" init -q -b main && git -C "$repo" add . \
  && git -C "$repo" -c user.email=a@example.com -c user.name=a commit -q -m base
cp "$here/examples/needs-work/inference-pool.yaml" "$repo/"
git -C "$repo" add inference-pool.yaml
if (cd "$repo" && SKINFLINT_BASE=HEAD SKINFLINT_COMMENT=false run diff) && [ "$(output exit-code)" = 1 ] \
    && [ "$(output errors)" -ge 1 ] \
    && [ "$(outputs_counts)" = "$(cd "$repo" && "$bin" diff HEAD --format json | jq -r '[.findings.new[].severity] as $s | [($s | map(select(. == "error")) | length), ($s | map(select(. == "warning")) | length), ($s | map(select(. == "info")) | length)] | map(tostring) | join(" ")')" ] \
    && [ -s "$(output comment-file)" ] && grep -q "skinflint-diff" "$(output comment-file)"; then
  pass "diff: exit-code 1, new findings counted ($(outputs_counts)), the comment written"
else
  fail "diff"; cat "$GITHUB_OUTPUT"
fi

runner
if SKINFLINT_BASE="" run diff && [ "$(output exit-code)" = 2 ] && grep -q "needs a base revision" "$work/log"; then
  pass "diff without a base: exit-code 2 and why"
else
  fail "diff without base"
fi

# finish: the job's verdict.
finish() { SKINFLINT_EXIT="$1" SKINFLINT_SOFT_FAIL="$2" bash "$here/scripts/action/run.sh" finish >"$work/log" 2>&1; echo $?; }
if [ "$(finish 0 false)" = 0 ] && [ "$(finish 1 false)" = 1 ] && [ "$(finish 2 false)" = 2 ] && [ "$(finish '' false)" = 2 ]; then
  pass "finish: exit codes 0, 1 and 2 become the step's"
else
  fail "finish"
fi
if [ "$(finish 1 true)" = 0 ] && grep -q "soft-fail" "$work/log" && [ "$(finish 2 true)" = 2 ]; then
  pass "soft-fail: findings do not fail the job, skinflint failing to run still does"
else
  fail "soft-fail"
fi

echo "action-test: $passed passed, $failed failed"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
