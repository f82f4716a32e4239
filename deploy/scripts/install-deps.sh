#!/usr/bin/env bash
# Installs the Debian packages kefu needs (deploy/packages.txt).
#   install-deps.sh            install what is missing (must be root)
#   install-deps.sh --if-root  the same when root; otherwise only check and
#                              list what is missing (non-root users install
#                              the packages themselves, see README)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
mapfile -t pkgs < <(grep -v '^\s*#' "$here/deploy/packages.txt" | grep -v '^\s*$')
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "kefu needs these Debian packages, not installed yet: ${missing[*]}" >&2
    echo "install them with: sudo apt-get install ${missing[*]}" >&2
    [ "${1:-}" = "--if-root" ] && exit 0
    exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null 2>&1 || apt-get update
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
