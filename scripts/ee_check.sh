#!/usr/bin/env bash
# Prove that an execution environment built with ansible-builder picks up the
# collection's Python and system requirements (meta/execution-environment.yml).
# `ansible-builder create` makes the build context; the requirements are resolved
# inside the image build by the context's own introspect.py, which we run here on
# the installed tarball exactly as the build would.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ansible-galaxy collection build --force --output-path "$work" . >/dev/null
cp "$work"/gisadmin-notebook_server-*.tar.gz "$work/collection.tar.gz"
cp tests/ee/execution-environment.yml "$work/"
(cd "$work" && ansible-builder create -f execution-environment.yml -c context >/dev/null)
grep -q 'collection.tar.gz' "$work/context/_build/requirements.yml"
ansible-galaxy collection install --offline -p "$work/collections" "$work/collection.tar.gz" >/dev/null 2>&1
python3 "$work/context/_build/scripts/introspect.py" introspect "$work/collections" > "$work/introspected.yml"
cat "$work/introspected.yml"
missing=0
for requirement in $(grep -v '^#' requirements.txt | sed 's/[<>=].*//') ca-certificates; do
    grep -q -- "- '$requirement" "$work/introspected.yml" || { echo "FAIL: $requirement missing from the EE requirements" >&2; missing=1; }
done
[ "$missing" -eq 0 ]
echo "ee-check: the execution environment context lists the collection and its requirements"
