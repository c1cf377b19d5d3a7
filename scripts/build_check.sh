#!/usr/bin/env bash
# Build the collection tarball, prove it holds nothing that is not the
# collection, install it into a temp path and render the docs of every plugin
# and role from that install (so the built artifact is shown complete).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"

out=build
rm -rf "$out" && mkdir -p "$out"
ansible-galaxy collection build --force --output-path "$out" . >/dev/null
tarball=$(ls "$out"/gisadmin-notebook_server-*.tar.gz)
echo "built $tarball ($(du -k "$tarball" | cut -f1) KiB)"

forbidden='(^|/)(\.venv|\.venv-arcgis|\.ansible|\.git|\.ci|\.pytest_cache|__pycache__|bench|build|scripts|demo-output)(/|$)|tests/output/|tests/notebook_server_emulator/|tests/emulator_tests/|tests/referee/|\.tar\.gz$|\.pyc$|^Makefile$|^requirements-(demo|dev)\.txt$'
if tar -tzf "$tarball" | grep -E "$forbidden"; then
    echo "FAIL: the tarball holds files that are not part of the collection (listed above)" >&2
    exit 1
fi

collections=$(mktemp -d)
trap 'rm -rf "$collections"' EXIT
ansible-galaxy collection install --offline -p "$collections" "$tarball" >/dev/null
export ANSIBLE_COLLECTIONS_PATH="$collections"

checked=0
for kind in module lookup inventory role; do
    names=$(ansible-doc -t "$kind" -l gisadmin.notebook_server --json 2>/dev/null \
        | python3 -c 'import json,sys; print("\n".join(sorted(json.load(sys.stdin))))')
    for name in $names; do
        if ! ansible-doc -t "$kind" "$name" >/dev/null; then
            echo "FAIL: ansible-doc -t $kind $name does not render from the built collection" >&2
            exit 1
        fi
        echo "ansible-doc -t $kind $name: ok"
        checked=$((checked + 1))
    done
done
[ "$checked" -gt 0 ] || { echo "FAIL: no plugin found in the built collection" >&2; exit 1; }
echo "build-check: $checked plugins and roles render from the installed tarball"
