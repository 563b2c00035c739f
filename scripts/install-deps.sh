#!/bin/sh
# Installs the Debian 12 packages distrust builds and tests with: only those
# that are missing (idempotent), with apt-get, no other downloads.
#
#   sh scripts/install-deps.sh                 the build and test packages
#   sh scripts/install-deps.sh --with-firefox  those and firefox-esr (Debian's
#                                              package), for the Firefox tier
#                                              of distrust verify
# Without --with-firefox, firefox-esr is never installed.
set -eu

with_firefox=0
for arg in "$@"; do
    case $arg in
    --with-firefox) with_firefox=1 ;;
    -h|--help)
        echo "usage: sh scripts/install-deps.sh [--with-firefox]"
        exit 0
        ;;
    *)
        echo "install-deps: unknown argument '$arg' (usage: sh scripts/install-deps.sh [--with-firefox])" >&2
        exit 2
        ;;
    esac
done

PACKAGES="
build-essential
pkg-config
libnss3-dev
libnss3-tools
libssl-dev
openssl
zlib1g-dev
libjansson-dev
p11-kit
p11-kit-modules
clang
libclang-rt-14-dev
valgrind
"
if [ "$with_firefox" -eq 1 ]; then
    PACKAGES="$PACKAGES firefox-esr"
fi

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "install-deps: missing:$missing; run as root (or install sudo)" >&2
        exit 1
    fi
fi

echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y --no-install-recommends $missing; then
    $SUDO apt-get update
    # shellcheck disable=SC2086
    $SUDO apt-get install -y --no-install-recommends $missing
fi
