# tests/lib.sh - what every integration script sources (sourced, not run)
#
# The helpers live in tests/lib/; this file is the one name the scripts
# and tests/services/*.sh rely on.
. "$(dirname "${BASH_SOURCE[0]}")/lib/tap.sh"
