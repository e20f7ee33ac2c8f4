#!/usr/bin/env bash
# Puts skinflint on the PATH of a GitHub Actions job (the action's install steps).
#
#   install.sh resolve   which version and target to install, and where a release binary
#                        is cached (outputs: version, target, dir, cache-key, on-path)
#   install.sh install   use a skinflint on PATH or in the cache directory when its version
#                        matches; else download the release archive for the runner, verify
#                        its SHA-256 checksum (refusing on a mismatch) and unpack it; with no
#                        release for this version and target, build from source
#                        (outputs: source = path | cache | release | build, bin)
#
# Inputs come from the environment, as action.yml passes them:
#   SKINFLINT_VERSION           version to install (default: the action's own Cargo.toml)
#   SKINFLINT_ACTION_PATH       the action's checkout (github.action_path)
#   SKINFLINT_ACTION_REPOSITORY owner/name of the action (github.action_repository; empty
#                               for `uses: ./`, where GITHUB_REPOSITORY is used)
#   SKINFLINT_RELEASE_BASE      where the release files are: a URL or a local directory
#                               (default: the GitHub release of tag v<version>)
#   SKINFLINT_BUILD_CMD         the fallback build, run with SKINFLINT_BUILD_ROOT set to the
#                               directory whose bin/ receives skinflint (default: cargo install)
#   RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, RUNNER_TOOL_CACHE, GITHUB_OUTPUT, GITHUB_PATH,
#   GITHUB_SERVER_URL, GITHUB_REPOSITORY  as GitHub Actions sets them
set -euo pipefail

die() { echo "::error title=skinflint install::$*" >&2; exit 1; }
out() { echo "$1=$2" >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"; }

action_path="${SKINFLINT_ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}"

# The version of the crate at the action's checkout, so the default never drifts from it.
own_version() {
  sed -n 's/^version *= *"\([^"]*\)".*/\1/p' "$action_path/Cargo.toml" | head -n 1
}

version() {
  local v="${SKINFLINT_VERSION:-}"
  v="${v#v}"
  [ -n "$v" ] || v="$(own_version)"
  [ -n "$v" ] || die "no version given and none found in $action_path/Cargo.toml"
  case "$v" in
    *[!0-9A-Za-z.+-]*) die "version '$v' is not a version number" ;;
  esac
  echo "$v"
}

# The Rust target triple of the release binary for this runner.
target() {
  case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) echo unsupported ;;
  esac
}

exe() { case "$1" in *windows*) echo skinflint.exe ;; *) echo skinflint ;; esac; }
archive_name() { # version target
  case "$2" in
    *windows*) echo "skinflint-$1-$2.zip" ;;
    *) echo "skinflint-$1-$2.tar.gz" ;;
  esac
}

cache_dir() { # version target
  echo "${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:?RUNNER_TEMP is not set}}/skinflint/$1/$2"
}

# `skinflint --version` prints `skinflint X.Y.Z`.
has_version() { # binary version
  [ -x "$1" ] && [ "$("$1" --version 2>/dev/null)" = "skinflint $2" ]
}

# Copy one release file to $2; fails (status 1) when it cannot, saying why in $2.err.
fetch() { # name destination
  local base="${SKINFLINT_RELEASE_BASE:-}"
  if [ -z "$base" ]; then
    # No repository known (a local action run outside GitHub): no release to fetch.
    [ -n "$REPOSITORY" ] || return 1
    base="${GITHUB_SERVER_URL:-https://github.com}/$REPOSITORY/releases/download/v$VERSION"
  fi
  case "$base" in
    *://*) curl -fsSL --retry 3 --retry-delay 2 -o "$2" "$base/$1" 2>"$2.err" ;;
    *)
      if [ -f "$base/$1" ]; then
        cp "$base/$1" "$2" 2>"$2.err"
      else
        echo "$base/$1: no such file" > "$2.err"
        return 1
      fi
      ;;
  esac
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  else
    shasum -a 256 "$1" | cut -d ' ' -f 1
  fi
}

# Download, verify and unpack the release binary into $DIR. Returns 3 when the release
# has no archive for this target (the caller builds instead); dies on a bad checksum.
download() {
  local name tmp expected actual
  name="$(archive_name "$VERSION" "$TARGET")"
  tmp="$(mktemp -d "${RUNNER_TEMP:-/tmp}/skinflint-download.XXXXXX")"
  if ! fetch "$name" "$tmp/$name"; then
    echo "skinflint: cannot fetch $name: $(tr '\n' ' ' < "$tmp/$name.err")"
    rm -rf "$tmp"
    return 3
  fi
  fetch "$name.sha256" "$tmp/$name.sha256" \
    || die "$name was found but not its checksum file $name.sha256: refusing an unverified binary"
  expected="$(tr -d '\r' < "$tmp/$name.sha256" | awk '{print $1; exit}')"
  actual="$(sha256 "$tmp/$name")"
  if [ "$expected" != "$actual" ]; then
    die "checksum mismatch for $name: expected $expected (from $name.sha256), got $actual; refusing to install it"
  fi
  echo "skinflint: $name verified (sha256 $actual)"
  case "$name" in
    *.zip)
      if command -v unzip >/dev/null 2>&1; then
        (cd "$tmp" && unzip -q "$name") || die "cannot unpack $name"
      else
        (cd "$tmp" && 7z x -bd -y "$name" >/dev/null) || die "cannot unpack $name"
      fi
      ;;
    *) tar -xzf "$tmp/$name" -C "$tmp" || die "cannot unpack $name" ;;
  esac
  local unpacked
  unpacked="$tmp/skinflint-$VERSION-$TARGET/$(exe "$TARGET")"
  [ -f "$unpacked" ] || die "$name does not hold skinflint-$VERSION-$TARGET/$(exe "$TARGET")"
  { mkdir -p "$DIR" && mv "$unpacked" "$DIR/" && chmod +x "$DIR/$(exe "$TARGET")"; } \
    || die "cannot install skinflint into $DIR"
  rm -rf "$tmp"
}

# No release for this version and runner: build it. From the action's own checkout when
# that is the version asked for, else from the repository's tag.
build() {
  local root="${RUNNER_TEMP:?RUNNER_TEMP is not set}/skinflint-build"
  mkdir -p "$root"
  export SKINFLINT_BUILD_ROOT="$root"
  if [ -n "${SKINFLINT_BUILD_CMD:-}" ]; then
    bash -c "$SKINFLINT_BUILD_CMD"
  elif [ "$(own_version)" = "$VERSION" ]; then
    cargo install --locked --root "$root" --path "$action_path"
  else
    [ -n "$REPOSITORY" ] || die "no release of skinflint $VERSION, and no repository to build that version from"
    cargo install --locked --root "$root" \
      --git "${GITHUB_SERVER_URL:-https://github.com}/$REPOSITORY" --tag "v$VERSION"
  fi
  BIN="$root/bin/$(exe "$TARGET")"
  has_version "$BIN" "$VERSION" \
    || die "the build did not produce skinflint $VERSION at $BIN"
}

# The repository whose releases hold the binaries: the action's, or for a local action
# (`uses: ./`, where github.action_repository is empty) the workflow's own.
REPOSITORY="${SKINFLINT_ACTION_REPOSITORY:-${GITHUB_REPOSITORY:-}}"
VERSION="$(version)"
TARGET="$(target)"
DIR="$(cache_dir "$VERSION" "$TARGET")"

case "${1:-}" in
  resolve)
    on_path=false
    if command -v skinflint >/dev/null 2>&1 && has_version "$(command -v skinflint)" "$VERSION"; then
      on_path=true
    fi
    out version "$VERSION"
    out target "$TARGET"
    out dir "$DIR"
    out cache-key "skinflint-$VERSION-$TARGET"
    out on-path "$on_path"
    ;;
  install)
    if command -v skinflint >/dev/null 2>&1 && has_version "$(command -v skinflint)" "$VERSION"; then
      echo "skinflint: using $(command -v skinflint) ($VERSION, already on PATH)"
      out source path
      out bin "$(command -v skinflint)"
      exit 0
    fi
    if command -v skinflint >/dev/null 2>&1; then
      echo "skinflint: ignoring $(command -v skinflint): it is $(skinflint --version 2>/dev/null || echo 'of unknown version'), not $VERSION"
    fi
    BIN="$DIR/$(exe "$TARGET")"
    status=3
    if has_version "$BIN" "$VERSION"; then
      source=cache
    elif [ "$TARGET" != unsupported ] && { status=0; download || status=$?; [ "$status" = 0 ]; }; then
      has_version "$BIN" "$VERSION" || die "the release binary at $BIN does not report version $VERSION"
      source=release
    else
      [ "$status" = 3 ] || die "downloading the release failed (status $status)"
      echo "::notice title=skinflint install::no release binary of skinflint $VERSION for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}; building it from source"
      build
      source=build
    fi
    echo "skinflint: using $BIN ($source)"
    # GITHUB_PATH takes native paths (C:\... on Windows, where bash is Git Bash).
    if command -v cygpath >/dev/null 2>&1; then
      cygpath -w "$(dirname "$BIN")" >> "${GITHUB_PATH:?GITHUB_PATH is not set}"
    else
      dirname "$BIN" >> "${GITHUB_PATH:?GITHUB_PATH is not set}"
    fi
    out source "$source"
    out bin "$BIN"
    ;;
  *)
    echo "usage: $0 resolve|install" >&2
    exit 2
    ;;
esac
