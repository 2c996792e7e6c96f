#!/bin/sh
# gen_classifiers.sh FILE writes classifiers.txt, the trove classifiers
# PyPI accepts, from FILE in the layout of pypa/trove-classifiers'
# export: a header of "#" lines naming the commit and its date, one
# classifier a line, then after the line "# deprecated" one
# "OLD -> REPLACEMENT[; REPLACEMENT...]" line per deprecated classifier.
# The output is committed, so tests never run this; they check that
# recent classifiers are known.
set -eu
src=${1:?usage: gen_classifiers.sh trove-classifiers.txt}
cd "$(dirname "$0")"
grep -q '^# deprecated$' "$src" || { echo "$src: no '# deprecated' line" >&2; exit 1; }
grep -Eq '\(20[0-9]{2}-[0-9]{2}-[0-9]{2}\)' "$src" || { echo "$src: no (YYYY-MM-DD) date in its header" >&2; exit 1; }
tr -d '\r' <"$src" >classifiers.txt
echo "classifiers.txt: $(grep -vc '^#' classifiers.txt) lines"
