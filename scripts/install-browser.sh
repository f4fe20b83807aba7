#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (tests/test_web_*.py).
# Playwright drives this system browser; `playwright install` is never used
# (its browser downloads are not reachable offline). Idempotent: does nothing
# when /usr/bin/chromium already exists.
# Example: scripts/install-browser.sh
set -euo pipefail

CHROMIUM=${RASD_CHROMIUM:-/usr/bin/chromium}

if [ -x "$CHROMIUM" ]; then
    echo "install-browser: $CHROMIUM is present; nothing to do"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "install-browser: not root and no sudo; run as root: apt-get install chromium" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: apt-get not found; install Chromium with your package manager" \
         "so that $CHROMIUM exists" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-browser: installing Debian's chromium (apt-get)"
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
"$CHROMIUM" --version
