#!/usr/bin/env bash
# Packages a built skinflint binary as a release asset:
#   package.sh VERSION TARGET BINARY OUTDIR
# writes OUTDIR/skinflint-VERSION-TARGET.tar.gz (.zip for Windows targets), holding the
# folder skinflint-VERSION-TARGET/ with the binary, README.md and CHANGELOG.md, and
# OUTDIR/<archive>.sha256 in `sha256sum` format. The GitHub Action (scripts/action/install.sh)
# downloads exactly these names.
set -euo pipefail
[ $# = 4 ] || { echo "usage: $0 VERSION TARGET BINARY OUTDIR" >&2; exit 2; }
version="$1" target="$2" binary="$3" outdir="$4"
here="$(cd "$(dirname "$0")/../.." && pwd)"
[ -f "$binary" ] || { echo "package: no binary at $binary" >&2; exit 1; }
name="skinflint-$version-$target"
mkdir -p "$outdir"
outdir="$(cd "$outdir" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
case "$target" in *windows*) exe=skinflint.exe ;; *) exe=skinflint ;; esac
cp "$binary" "$stage/$name/$exe"
chmod +x "$stage/$name/$exe"
cp "$here/README.md" "$here/CHANGELOG.md" "$stage/$name/"
case "$target" in
  *windows*)
    archive="$name.zip"
    rm -f "$outdir/$archive"
    if command -v zip >/dev/null 2>&1; then
      (cd "$stage" && zip -qr "$outdir/$archive" "$name")
    else
      (cd "$stage" && 7z a -tzip -bd "$outdir/$archive" "$name" >/dev/null)
    fi
    ;;
  *)
    archive="$name.tar.gz"
    tar -czf "$outdir/$archive" -C "$stage" "$name"
    ;;
esac
cd "$outdir"
if command -v sha256sum >/dev/null 2>&1; then
  sha256sum "$archive" > "$archive.sha256"
else
  shasum -a 256 "$archive" > "$archive.sha256"
fi
echo "package: $outdir/$archive ($(cut -d ' ' -f 1 "$archive.sha256"))"
