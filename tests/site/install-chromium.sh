#!/bin/sh
# Install Debian's Chromium for the browser tests when it is missing (`make test` runs this).
#
# Playwright drives the system's browser (its own `playwright install` downloads a build,
# which these machines cannot fetch). On Debian, and in CI's python:3.11-bookworm
# container, the `chromium` package gives /usr/bin/chromium. (Ubuntu's `chromium` package
# only installs a snap, which does not run in containers; there, set RNNBOOK_CHROMIUM to an
# installed Chromium or Chrome.)
set -eu

CHROMIUM="${RNNBOOK_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "The browser tests need Chromium at $CHROMIUM. As root run:" >&2
    echo "    apt-get update && apt-get install -y chromium" >&2
    echo "or set RNNBOOK_CHROMIUM to an installed Chromium." >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "No apt-get here: install Chromium and set RNNBOOK_CHROMIUM to its path." >&2
    exit 1
fi
echo "Installing Debian's chromium for the browser tests (apt-get)..."
$SUDO apt-get update -q
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
if [ ! -x "$CHROMIUM" ]; then
    echo "apt-get installed chromium, but $CHROMIUM is still missing." >&2
    exit 1
fi
