#!/usr/bin/env bash
# Builds the container image and checks it: `--version` matches Cargo.toml, the image runs
# as a non-root user, and a check of the examples mounted at /work exits 0 on the clean
# ones and 1 on the others. Skipped, with the reason, where Docker is not running or the
# build cannot pull its base images (no access to their registries).
set -euo pipefail
cd "$(dirname "$0")/.."
image="skinflint-test:$$"
skip() { echo "container-test: SKIPPED: $1"; exit 0; }

command -v docker >/dev/null 2>&1 || skip "docker is not installed"
if ! docker info >/dev/null 2>&1; then
  skip "no Docker daemon: $(docker info 2>&1 | grep -i -E 'cannot|error' | head -n 1 || true)"
fi

log="$(mktemp)"
trap 'rm -f "$log"; docker rmi -f "$image" >/dev/null 2>&1 || true' EXIT
if ! docker build -t "$image" . >"$log" 2>&1; then
  if grep -q -i -E 'failed to resolve source metadata|pull access denied|dial tcp|no such host|i/o timeout|TLS handshake timeout|failed to do request' "$log"; then
    skip "the base images cannot be pulled here: $(grep -m 1 -i -E 'failed to resolve|pull access|dial tcp|no such host|timeout|failed to do request' "$log")"
  fi
  cat "$log"
  echo "container-test: FAILED: docker build"
  exit 1
fi

version="$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)"
got="$(docker run --rm "$image" --version)"
[ "$got" = "skinflint $version" ] || { echo "container-test: FAILED: --version printed '$got'"; exit 1; }
user="$(docker inspect -f '{{.Config.User}}' "$image")"
case "${user%%:*}" in
  "" | 0 | root) echo "container-test: FAILED: the image runs as '${user:-root}'"; exit 1 ;;
esac
docker run --rm -v "$PWD/examples:/work:ro" "$image" check /work/clean >/dev/null \
  || { echo "container-test: FAILED: check of examples/clean"; exit 1; }
set +e
docker run --rm -v "$PWD/examples:/work:ro" "$image" check /work/needs-work >/dev/null
code=$?
set -e
[ "$code" = 1 ] || { echo "container-test: FAILED: check of examples/needs-work exited $code, not 1"; exit 1; }
echo "container-test: ok: $got, user $user, checks the mounted examples (exit 0 and 1)"
