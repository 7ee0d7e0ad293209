#!/bin/sh
# Installs Debian's Chromium (package `chromium`, plus one font so pages render text) when it is missing: the
# browser the findings page's test drives with playwright-core, which downloads no browser of its own.
# Idempotent: prints the browser's path and exits 0 when it is there. Needs root and apt-get (CI has both);
# otherwise exits 3 and says why. Concurrent callers wait for each other (flock), and for apt's own locks.
#   CHROMIUM_PATH   the browser to look for (default /usr/bin/chromium)
set -eu

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
  echo "$CHROMIUM"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "ensure-chromium: $CHROMIUM is missing and this is not root; install it with: sudo apt-get install chromium" >&2
  exit 3
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing and there is no apt-get here; install Chromium and set CHROMIUM_PATH" >&2
  exit 3
fi

install_chromium() {
  # Another caller may have installed it while this one waited for the lock.
  if [ -x "$CHROMIUM" ]; then return 0; fi
  export DEBIAN_FRONTEND=noninteractive
  echo "ensure-chromium: installing Debian's chromium (apt-get; about a minute)" >&2
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
}

LOCK=/var/lock/oort-okta-ensure-chromium.lock
if command -v flock >/dev/null 2>&1; then
  (
    flock -w 900 9 || { echo "ensure-chromium: another install holds $LOCK" >&2; exit 3; }
    install_chromium
  ) 9>"$LOCK"
else
  install_chromium
fi

if [ ! -x "$CHROMIUM" ]; then
  echo "ensure-chromium: apt-get finished but $CHROMIUM is not there" >&2
  exit 3
fi
echo "$CHROMIUM"
