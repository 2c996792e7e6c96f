#!/usr/bin/env bash
# build.sh VERSION OUTDIR [OS/ARCH ...]: cross-compiles the release binaries
# of pypi-publish from the tree this script is in, and writes
# OUTDIR/VERSION.sha256: one "<sha256>  <asset>" line per binary plus
# "<digest>  source-tree", the digest of the tree they were built from
# (source-digest.sh). That file is what .github/checksums/VERSION.sha256
# holds in the release commit, and what the action verifies downloads with.
#
# Default targets: linux, darwin and windows, each amd64 and arm64. Assets
# are named pypi-publish-<os>-<arch>[.exe].
#
# The binaries are reproducible: the same Go release, CGO off, -trimpath,
# no VCS stamping, the version in -X main.version. So the tag build can
# check, byte for byte, that it produced what the release commit records.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../action/source-digest.sh
. "$root/.github/action/source-digest.sh"

version=${1:?usage: build.sh VERSION OUTDIR [OS/ARCH ...]}
out=${2:?usage: build.sh VERSION OUTDIR [OS/ARCH ...]}
shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64)
case $version in *[!A-Za-z0-9._+-]*) echo "build.sh: version '$version' has characters other than A-Za-z0-9._+-" >&2; exit 2 ;; esac

# The digest first, before anything is written: OUTDIR may be inside the tree.
digest=$(source_digest "$root")
mkdir -p "$out"
out=$(cd "$out" && pwd)
sums=$out/$version.sha256
: > "$sums.tmp"
for t in "${targets[@]}"; do
	goos=${t%/*} goarch=${t#*/} ext=""
	[ "$goos" = windows ] && ext=.exe
	asset=pypi-publish-$goos-$goarch$ext
	(cd "$root" && CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch GOFLAGS=-buildvcs=false GOWORK=off \
		go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$out/$asset" .)
	printf '%s  %s\n' "$(sha256_of "$out/$asset")" "$asset" >> "$sums.tmp"
	echo "built $asset"
done
printf '%s  source-tree\n' "$digest" >> "$sums.tmp"
mv "$sums.tmp" "$sums"
cat "$sums"
