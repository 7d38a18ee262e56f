#!/usr/bin/env bash
# Install the Chromium that the browser test (tests/e2e/test_ui.py) drives through Playwright.
#
# Chromium comes from the distribution's packages (Debian: `chromium`, binary /usr/bin/chromium); Playwright
# only drives it and never downloads a browser (`playwright install` is not used).
#
# Idempotent: does nothing when /usr/bin/chromium is already there. Never fails a CI job: when Chromium cannot
# be installed (not root, no apt-get, apt errors) it says why and exits 0; the browser test then skips.
set -u

CHROMIUM=/usr/bin/chromium
PACKAGES=(chromium fonts-liberation)

say() { printf 'install-browser: %s\n' "$*"; }

if [ -x "$CHROMIUM" ]; then
    say "$CHROMIUM is already installed ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown')); nothing to do."
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    say "apt-get is not available; not installing Chromium (tests/e2e/test_ui.py will skip)."
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    say "not running as root; not installing Chromium (run as root, or: sudo apt-get install chromium)."
    say "tests/e2e/test_ui.py will skip."
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
say "running apt-get update"
if ! apt-get update -qq; then
    say "apt-get update failed; not installing Chromium (tests/e2e/test_ui.py will skip)."
    exit 0
fi
say "installing ${PACKAGES[*]}"
if ! apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}"; then
    say "apt-get install ${PACKAGES[*]} failed (tests/e2e/test_ui.py will skip)."
    exit 0
fi

if [ -x "$CHROMIUM" ]; then
    say "installed $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")."
else
    say "apt-get finished but $CHROMIUM is still missing (tests/e2e/test_ui.py will skip)."
fi
exit 0
