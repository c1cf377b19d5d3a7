#!/usr/bin/env bash
# Tools ansible-test sanity calls that pip cannot provide. Installed when we can
# (root with apt-get); otherwise ansible-test skips that check with a warning.
set -u
command -v shellcheck >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing shellcheck with apt-get (used by ansible-test sanity)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck; } >/dev/null 2>&1 \
        || echo "WARNING: could not install shellcheck; the shellcheck sanity test will be skipped" >&2
else
    echo "WARNING: shellcheck not found; the shellcheck sanity test will be skipped" >&2
fi
exit 0
