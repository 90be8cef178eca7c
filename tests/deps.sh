#!/bin/sh
# deps.sh PACKAGE... - install the Debian packages that are missing
#
# As root: apt-get installs them (non-interactively, updating the
# package lists first).  Otherwise: name them and go on.
missing=
for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null \
        | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "deps: missing packages:$missing (install them as root)" >&2
    exit 0
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || exit 1
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing </dev/null || exit 1
