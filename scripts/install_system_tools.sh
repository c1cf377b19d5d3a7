#!/usr/bin/env bash
# Tools the tests call that pip cannot provide: shellcheck (ansible-test sanity) and a
# headless Chromium (the audit target's screenshot of report.html). Installed when we
# can (root with apt-get); otherwise sanity skips shellcheck with a warning and the
# audit target says it checked the chart's structure only.
set -u
missing=()
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]} with apt-get (used by the tests)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >/dev/null 2>&1 \
        || echo "WARNING: could not install ${missing[*]}; the checks that need them will say so" >&2
else
    echo "WARNING: ${missing[*]} not found; the checks that need them will say so" >&2
fi
exit 0
