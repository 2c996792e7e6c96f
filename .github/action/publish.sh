#!/usr/bin/env bash
# publish.sh: runs pypi-publish with the action's inputs. Run by action.yml,
# which passes every input through the environment (never ${{ }} in the
# script):
#
#   PYPI_PUBLISH_BIN                  the binary install.sh put in place
#   ACTION_INPUT_<NAME>               the inputs, with the deprecated
#                                     snake_case aliases already folded in
#
# Booleans follow pypa/gh-action-pypi-publish: anything but "false" (in any
# case) is true, and a value that is neither true nor false gets a warning;
# an empty value takes the default. The CLI gets plain PYPI_PUBLISH_*
# variables: composite steps do not receive INPUT_* variables, and names
# like INPUT_REPOSITORY-URL do not survive every shell.
set -euo pipefail

bin=${PYPI_PUBLISH_BIN:?install.sh did not provide a binary}

annotate() {
	local msg=$2
	msg=${msg//%/%25}
	msg=${msg//$'\r'/%0D}
	msg=${msg//$'\n'/%0A}
	printf '::warning title=%s::%s\n' "$1" "$msg"
}

# boolean INPUT VALUE DEFAULT: prints true or false.
boolean() {
	local lower
	lower=$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]' | tr -d ' \t\r\n')
	if [ -z "$lower" ]; then
		echo "$3"
		return
	fi
	if [ "$lower" != true ] && [ "$lower" != false ]; then
		annotate "Input $1" "'$2' is neither true nor false; taking it as true, as pypa/gh-action-pypi-publish does" >&2
	fi
	if [ "$lower" = false ]; then echo false; else echo true; fi
}

export PYPI_PUBLISH_USER=${ACTION_INPUT_USER:-__token__}
export PYPI_PUBLISH_PASSWORD=${ACTION_INPUT_PASSWORD:-}
export PYPI_PUBLISH_REPOSITORY_URL=${ACTION_INPUT_REPOSITORY_URL:-https://upload.pypi.org/legacy/}
export PYPI_PUBLISH_PACKAGES_DIR=${ACTION_INPUT_PACKAGES_DIR:-dist}
export PYPI_PUBLISH_PARALLEL=${ACTION_INPUT_PARALLEL:-}
export PYPI_PUBLISH_TRUSTED_PUBLISHING=${ACTION_INPUT_TRUSTED_PUBLISHING:-auto}
PYPI_PUBLISH_VERIFY_METADATA=$(boolean verify-metadata "${ACTION_INPUT_VERIFY_METADATA:-}" true)
PYPI_PUBLISH_SKIP_EXISTING=$(boolean skip-existing "${ACTION_INPUT_SKIP_EXISTING:-}" false)
PYPI_PUBLISH_VERBOSE=$(boolean verbose "${ACTION_INPUT_VERBOSE:-}" true)
PYPI_PUBLISH_PRINT_HASH=$(boolean print-hash "${ACTION_INPUT_PRINT_HASH:-}" true)
attestations=$(boolean attestations "${ACTION_INPUT_ATTESTATIONS:-}" true)
PYPI_PUBLISH_DRY_RUN=$(boolean dry-run "${ACTION_INPUT_DRY_RUN:-}" false)
PYPI_PUBLISH_VERIFY_ONLY=$(boolean verify-only "${ACTION_INPUT_VERIFY_ONLY:-}" false)
export PYPI_PUBLISH_VERIFY_METADATA PYPI_PUBLISH_SKIP_EXISTING PYPI_PUBLISH_VERBOSE \
	PYPI_PUBLISH_PRINT_HASH PYPI_PUBLISH_DRY_RUN PYPI_PUBLISH_VERIFY_ONLY
# Attestations are on by default. A composite action cannot tell the
# default 'true' from one the workflow wrote, so only 'false' is passed on:
# the CLI then treats attestations as the default it may skip, with a
# warning, when no ID token for Sigstore can be had.
if [ "$attestations" = false ]; then
	export PYPI_PUBLISH_ATTESTATIONS=false
else
	unset PYPI_PUBLISH_ATTESTATIONS
fi
export PYPI_PUBLISH_ATTESTATIONS_DIR=${ACTION_INPUT_ATTESTATIONS_DIR:-}

# Only the inputs decide, as in the original, whose container saw none of
# these: the CLI would otherwise prefer INPUT_* or fall back to TWINE_*
# variables left in the job's environment (a job-level TWINE_PASSWORD
# would turn off trusted publishing).
# The same holds for twine's and uv's other settings and for a ~/.pypirc
# left on a self-hosted runner: its [pypi] password would otherwise
# replace trusted publishing.
export PYPI_PUBLISH_CONFIG_FILE=none
unset "${!ACTION_INPUT_@}" TWINE_USERNAME TWINE_PASSWORD TWINE_REPOSITORY_URL \
	TWINE_REPOSITORY TWINE_CONFIG_FILE TWINE_CERT TWINE_CLIENT_CERT \
	UV_PUBLISH_URL UV_PUBLISH_TOKEN UV_PUBLISH_USERNAME UV_PUBLISH_PASSWORD UV_PUBLISH_CHECK_URL \
	INPUT_USER INPUT_PASSWORD INPUT_VERBOSE INPUT_ATTESTATIONS INPUT_PARALLEL \
	INPUT_REPOSITORY_URL INPUT_PACKAGES_DIR INPUT_VERIFY_METADATA INPUT_SKIP_EXISTING INPUT_PRINT_HASH
exec env -u INPUT_REPOSITORY-URL -u INPUT_PACKAGES-DIR -u INPUT_VERIFY-METADATA -u INPUT_SKIP-EXISTING \
	-u INPUT_PRINT-HASH -u INPUT_DRY-RUN -u INPUT_VERIFY-ONLY -u INPUT_TRUSTED-PUBLISHING -u INPUT_ATTESTATIONS-DIR "$bin"
