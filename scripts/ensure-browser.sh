#!/usr/bin/env bash
# Make sure Debian's Chromium is installed at /usr/bin/chromium, which the
# web end-to-end tests drive through playwright-core. Safe to run repeatedly:
# it does nothing when the binary is already there.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "ensure-browser: $CHROMIUM is present ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-browser: $CHROMIUM is missing and apt-get is not available; install Chromium by hand so that $CHROMIUM exists" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "ensure-browser: $CHROMIUM is missing and installing it needs root (run as root or install sudo)" >&2
        exit 1
    fi
fi

echo "ensure-browser: $CHROMIUM is missing, installing Debian package 'chromium'"
if ! $SUDO apt-get update; then
    echo "ensure-browser: 'apt-get update' failed, so Chromium could not be installed" >&2
    exit 1
fi
if ! $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; then
    echo "ensure-browser: 'apt-get install chromium' failed; check the apt output above" >&2
    exit 1
fi

if [ ! -x "$CHROMIUM" ]; then
    echo "ensure-browser: the 'chromium' package installed but $CHROMIUM does not exist" >&2
    exit 1
fi
echo "ensure-browser: installed $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
