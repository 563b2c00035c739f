#!/bin/sh
# Installs the Debian 12 packages distrust builds and tests with: only those
# that are missing (idempotent), with apt-get, no other downloads.
set -eu

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
