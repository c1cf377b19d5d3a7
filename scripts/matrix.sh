#!/usr/bin/env bash
# Prove requires_ansible: run the unit and integration tests on every
# ansible-core minor version we claim that installs on this Python, each in its
# own venv under .venv-matrix/. Usage: scripts/matrix.sh [2.16 2.17 ...]
set -u
cd "$(dirname "$0")/.." || exit 1
python=${PYTHON:-python3.11}
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(2.16 2.17 2.18 2.19)
results=()
failed=0
for version in "${versions[@]}"; do
    venv=".venv-matrix/$version"
    echo "==================== ansible-core $version ===================="
    start=$(date +%s)
    outcome=PASS
    if [ ! -x "$venv/bin/ansible-test" ]; then
        "$python" -m venv "$venv" || outcome=FAIL
    fi
    # Every run, so a requirement added since the venv was made is there too (a no-op when satisfied).
    [ "$outcome" = FAIL ] || "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "ansible-core==$version.*" -r requirements.txt -r tests/unit/requirements.txt \
        -r tests/integration/requirements.txt cryptography pytest pytest-mock pytest-xdist \
        || outcome=FAIL
    installed=$("$venv/bin/python" -c 'import ansible; print(ansible.__version__)' 2>/dev/null || echo none)
    if [ "$outcome" = PASS ]; then
        VENV="$PWD/$venv" scripts/in_collection_tree.sh ansible-test units --python 3.11 --color no || outcome=FAIL
        VENV="$PWD/$venv" scripts/in_collection_tree.sh ansible-test integration --python 3.11 --color no || outcome=FAIL
    fi
    [ "$outcome" = PASS ] || failed=$((failed + 1))
    results+=("$(printf '%-5s ansible-core %-8s (installed %s) %5ss' "$outcome" "$version" "$installed" "$(( $(date +%s) - start ))")")
done
echo "==================== matrix summary ===================="
printf '%s\n' "${results[@]}"
echo "matrix: $(( ${#versions[@]} - failed )) passed, $failed failed"
[ "$failed" -eq 0 ]
