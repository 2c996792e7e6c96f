#!/usr/bin/env bash
# install.sh locate|build: puts a pypi-publish binary for this runner in
# place and writes its path to $GITHUB_OUTPUT. Run by action.yml; every
# value arrives through the environment, never through ${{ }} in a script.
#
#   locate  1. Compute the digest of the action's own files (source-digest.sh).
#           2. If a .github/checksums/<version>.sha256 file of the action's
#              tree records that digest as its "source-tree", the release
#              <version> was built from exactly these files: take its binary
#              for this OS/arch from the runner's temp dir (a second call in
#              the job) or download it from the GitHub release, and run it
#              only if its SHA-256 is the one in that file.
#           3. Otherwise (a branch, a commit between releases, a fork, a
#              download that failed) build it from the action's source with
#              the runner's Go, if it is recent enough; else output
#              need-go=true and the Go version, for actions/setup-go.
#   build   Build from source; the Go that actions/setup-go put on PATH.
#
# Outputs: path (absolute path of the binary, when there is one), version,
# how (release, cache or source), need-go (true/false), go-version.
#
# Environment: ACTION_REF, ACTION_REPOSITORY (github.action_ref and
# github.action_repository; GITHUB_ACTION_REF/_REPOSITORY otherwise),
# RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_OUTPUT; and two knobs:
#   PYPI_PUBLISH_FROM_SOURCE=true     always build from source
#   PYPI_PUBLISH_DOWNLOAD_BASE=URL    where releases are downloaded from
#       (default https://github.com/<action repository>/releases/download);
#       a mirror is safe: what it serves must match the committed checksum.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
action_path=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=source-digest.sh
. "$here/source-digest.sh"

started=$(date +%s)
mode=${1:-locate}
ref=${ACTION_REF:-${GITHUB_ACTION_REF:-}}
repo=${ACTION_REPOSITORY:-${GITHUB_ACTION_REPOSITORY:-}}
# Refs may hold characters that mean something to a shell, a path or the
# Go linker; keep only the harmless ones.
case $ref in *[!A-Za-z0-9._+-]*) ref_safe=${ref//[^A-Za-z0-9._+-]/_} ;; *) ref_safe=$ref ;; esac

output() { printf '%s=%s\n' "$1" "$2" >> "${GITHUB_OUTPUT:-/dev/stdout}"; }
# Workflow commands carry only one line; escape as the runner expects.
annotate() {
	local kind=$1 msg=$2
	msg=${msg//%/%25}
	msg=${msg//$'\r'/%0D}
	msg=${msg//$'\n'/%0A}
	printf '::%s title=pypi-publish action::%s\n' "$kind" "$msg"
}
die() {
	annotate error "$1"
	exit 1
}

# The platform, in Go's words.
os=${RUNNER_OS:-$(uname -s)}
case $os in
Linux | linux) os=linux ;;
macOS | Darwin) os=darwin ;;
Windows | MINGW* | MSYS* | CYGWIN*) os=windows ;;
*) os=unknown ;;
esac
arch=${RUNNER_ARCH:-$(uname -m)}
case $arch in
X64 | x86_64 | amd64) arch=amd64 ;;
ARM64 | arm64 | aarch64) arch=arm64 ;;
*) arch=unknown ;;
esac
ext=""
[ "$os" = windows ] && ext=.exe
asset=pypi-publish-$os-$arch$ext

digest=$(source_digest "$action_path")
tmp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
# Git Bash on Windows: D:\a\_temp as /d/a/_temp, a path every tool here takes.
if [ "$os" = windows ] && command -v cygpath > /dev/null 2>&1; then tmp=$(cygpath -u "$tmp"); fi
cache=$tmp/pypi-publish-action/${digest:0:16}
mkdir -p "$cache"

elapsed() { echo "$(($(date +%s) - started))s"; }

use() { # path version how
	output path "$1"
	output version "$2"
	output how "$3"
	output need-go false
}

# fetch URL FILE: download with whatever the runner or container has.
fetch() {
	if command -v curl > /dev/null 2>&1; then
		curl -fsSL --retry 3 --connect-timeout 20 --max-time 300 -o "$2" "$1"
	elif command -v wget > /dev/null 2>&1; then
		wget -q -T 30 -t 3 -O "$2" "$1"
	elif command -v python3 > /dev/null 2>&1; then
		python3 -c 'import sys, urllib.request, shutil
with urllib.request.urlopen(sys.argv[1], timeout=60) as r, open(sys.argv[2], "wb") as f:
    shutil.copyfileobj(r, f)' "$1" "$2"
	else
		echo "no curl, wget or python3 to download with" >&2
		return 1
	fi
}

# release_for_tree: prints "<version> <checksum file>" of the release built
# from this very tree, if there is one. The file named after the action's
# ref is tried first; then every other, newest name first.
release_for_tree() {
	local dir=$action_path/.github/checksums f
	[ -d "$dir" ] || return 0
	{
		[ -n "$ref_safe" ] && [ -f "$dir/$ref_safe.sha256" ] && echo "$dir/$ref_safe.sha256"
		for f in "$dir"/*.sha256; do [ -f "$f" ] && echo "$f"; done | LC_ALL=C sort -r
	} | while IFS= read -r f; do
		if grep -qxF "$digest  source-tree" "$f"; then
			f=${f##*/}
			echo "${f%.sha256} $action_path/.github/checksums/$f"
			return 0
		fi
	done
}

try_release() {
	[ "${PYPI_PUBLISH_FROM_SOURCE:-false}" = true ] && { echo "PYPI_PUBLISH_FROM_SOURCE=true: building from source"; return 1; }
	local found version sums want bin url got
	found=$(release_for_tree)
	if [ -z "$found" ]; then
		echo "No release was built from this tree (ref '${ref:-local}', source digest ${digest:0:16}): building from source"
		return 1
	fi
	version=${found%% *}
	sums=${found#* }
	want=$(grep "  $asset\$" "$sums" | head -1 | cut -c1-64 || true)
	if [ -z "$want" ]; then
		echo "Release $version has no binary for $os/$arch: building from source"
		return 1
	fi
	bin=$cache/$asset
	if [ -f "$bin" ] && [ "$(sha256_of "$bin")" = "$want" ]; then
		echo "pypi-publish $version for $os/$arch, already downloaded in this job (SHA-256 verified) [$(elapsed)]"
		use "$bin" "$version" cache
		return 0
	fi
	url=${PYPI_PUBLISH_DOWNLOAD_BASE:-https://github.com/${repo:-pypi-publish/pypi-publish}/releases/download}
	url=${url%/}/$version/$asset
	rm -f "$bin.part"
	if ! fetch "$url" "$bin.part"; then
		rm -f "$bin.part"
		annotate warning "Could not download $url; building pypi-publish from the action's source instead"
		return 1
	fi
	got=$(sha256_of "$bin.part")
	if [ "$got" != "$want" ]; then
		rm -f "$bin.part"
		die "$url has SHA-256 $got, but ${sums#"$action_path"/} records $want for $asset. Refusing to run it."
	fi
	chmod +x "$bin.part"
	mv -f "$bin.part" "$bin"
	echo "pypi-publish $version for $os/$arch: downloaded, SHA-256 $want as recorded in ${sums#"$action_path"/} [$(elapsed)]"
	use "$bin" "$version" release
}

# The Go version go.mod asks for ("1.26" from "go 1.26.0").
required_go() {
	local v
	v=$(sed -n 's/^go \([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' "$action_path/go.mod" | head -1)
	echo "${v:-1.26}"
}

# go_ok: a go on PATH at least as new as go.mod wants.
go_ok() {
	command -v go > /dev/null 2>&1 || return 1
	local have want
	have=$(go env GOVERSION 2> /dev/null) || return 1
	have=${have#go}
	want=$(required_go)
	case $have in devel*) return 0 ;; esac
	local hmaj hmin wmaj wmin
	hmaj=${have%%.*}
	hmin=${have#*.}
	hmin=${hmin%%[!0-9]*}
	wmaj=${want%%.*}
	wmin=${want#*.}
	[ "$hmaj" -gt "$wmaj" ] || { [ "$hmaj" -eq "$wmaj" ] && [ "${hmin:-0}" -ge "$wmin" ]; }
}

build() {
	local bin=$cache/source/pypi-publish$ext stamp
	if [ -x "$bin" ]; then
		echo "pypi-publish built from source earlier in this job [$(elapsed)]"
		use "$bin" "$(cat "$cache/source/version")" cache
		return 0
	fi
	if ! go_ok; then
		if [ "$mode" = build ]; then
			die "Go $(required_go) or newer is needed to build pypi-publish from source, and none is on PATH."
		fi
		echo "Go $(required_go) or newer is not on PATH: actions/setup-go will install it"
		output need-go true
		output go-version "$(required_go)"
		return 0
	fi
	stamp=${ref_safe:-local}+src.${digest:0:12}
	echo "Building pypi-publish $stamp from source with $(go env GOVERSION) for $os/$arch"
	mkdir -p "$cache/source"
	# Our flags only: the job's GOFLAGS (say -mod=vendor) or a go.work
	# around the action must not change what is built. GOPROXY, GOPRIVATE
	# and the caches stay the runner's.
	(cd "$action_path" && GOFLAGS=-buildvcs=false GOWORK=off CGO_ENABLED=0 \
		go build -trimpath -ldflags "-s -w -X main.version=$stamp" -o "$bin.part" .)
	mv -f "$bin.part" "$bin"
	echo "$stamp" > "$cache/source/version"
	echo "Built in $(elapsed)"
	use "$bin" "$stamp" source
}

case $mode in
locate) try_release || build ;;
build) build ;;
*) echo "usage: install.sh locate|build" >&2; exit 2 ;;
esac
