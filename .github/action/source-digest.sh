#!/usr/bin/env bash
# source-digest.sh [DIR]: prints the SHA-256 that identifies a source tree.
#
# It is the digest of a manifest listing every regular file under DIR
# (default .), sorted by path, with its own SHA-256, in sha256sum's
# "<hex>  ./path" form. Left out: .git/ and .github/checksums/, which
# holds the digests of the release binaries and so is written after them.
#
# The release workflow records this digest next to the checksums of the
# binaries it built from the tree (.github/checksums/<version>.sha256, line
# "<digest>  source-tree"); the action computes it over its own files and
# runs a release binary only when the two agree, i.e. when the binary was
# built from exactly the source the action was fetched with.
#
# Portable: bash 3.2 (macOS), GNU, BSD and BusyBox tools, Git Bash on
# Windows. Sourced, it defines sha256_of (print the hex digest of a file
# or of standard input) and source_digest.
set -euo pipefail

# sha256_of [FILE]: the lowercase hex SHA-256 of FILE or of stdin.
sha256_of() {
	local out
	if command -v sha256sum > /dev/null 2>&1; then
		out=$(sha256sum ${1:+"$1"})
	elif command -v shasum > /dev/null 2>&1; then
		out=$(shasum -a 256 ${1:+"$1"})
	elif command -v openssl > /dev/null 2>&1; then
		out=$(openssl dgst -sha256 -r ${1:+"$1"})
	else
		echo "source-digest: no sha256sum, shasum or openssl on PATH" >&2
		return 1
	fi
	out=${out%% *}
	printf '%s\n' "${out#\\}" | tr '[:upper:]' '[:lower:]'
}

# hash_list: reads NUL-separated paths, prints "<hex>  <path>" per file.
hash_list() {
	if command -v sha256sum > /dev/null 2>&1; then
		xargs -0 sha256sum --
	elif command -v shasum > /dev/null 2>&1; then
		xargs -0 shasum -a 256 --
	else
		local f
		while IFS= read -r -d '' f; do
			printf '%s  %s\n' "$(sha256_of "$f")" "$f"
		done
	fi
}

# source_digest DIR: the digest described above.
source_digest() {
	(
		cd "$1"
		# Git Bash's sha256sum marks binary mode with "*" before the name;
		# the manifest is the same everywhere without it.
		find . \( -path ./.git -o -path ./.github/checksums \) -prune -o -type f -print |
			LC_ALL=C sort | tr '\n' '\0' | hash_list |
			sed -e 's/^\\//' -e 's/^\([0-9a-fA-F]*\) [ *]/\1  /' | sha256_of
	)
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	source_digest "${1:-.}"
fi
