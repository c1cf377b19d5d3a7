#!/usr/bin/env bash
# Run a command from a copy of this repository laid out as
# <tmp>/ansible_collections/gisadmin/notebook_server, which is the only place
# ansible-test accepts (it does not follow symlinks, so we copy).
#
#   scripts/in_collection_tree.sh ansible-test units --python 3.11
#
# The copy holds what git tracks plus untracked, non-ignored files, so work in
# progress is tested without committing and generated files stay out.
# Also provides the offline pip bootstrap stand-in that ansible-test sanity needs
# on machines that cannot reach its download host (harmless elsewhere).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
# VENV selects the toolchain (make matrix runs one venv per ansible-core version).
venv_bin="${VENV:-$repo/.venv}/bin"
export PATH="$venv_bin:$PATH" LANG=C.UTF-8 LC_ALL=C.UTF-8

install_pip_bootstrap_stand_in() {
    local requirements_py version cache
    requirements_py=$("$venv_bin/python" -c 'import ansible_test, os; print(os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py"))')
    version=$(sed -n "s/^ *pip='\([0-9.]*\)',.*/\1/p" "$requirements_py" | head -n 1)
    [ -n "$version" ] || return 0
    cache="$HOME/.ansible/test/cache/get_pip_${version//./_}.py"
    [ -s "$cache" ] && return 0
    mkdir -p "$(dirname "$cache")"
    # ansible-test runs this file as __main__ with pip's install arguments.
    cat > "$cache" <<'PY'
"""Offline stand-in for get-pip.py: bootstrap pip with ensurepip, then pip-install the requested packages."""
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
PY
}

install_pip_bootstrap_stand_in

work=$(mktemp -d "${TMPDIR:-/tmp}/nbs-collection.XXXXXX")
trap 'rm -rf "$work"' EXIT
dest="$work/ansible_collections/gisadmin/notebook_server"
mkdir -p "$dest"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard \
    | tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$dest"
# Tools that resolve FQCNs themselves (ansible-lint, ansible-doc) find this
# copy first, not an older install elsewhere.
export ANSIBLE_COLLECTIONS_PATH="$work${ANSIBLE_COLLECTIONS_PATH:+:$ANSIBLE_COLLECTIONS_PATH}"
status=0
(cd "$dest" && "$@") || status=$?
# Keep ansible-test's reports (junit, coverage, logs) where people look for them.
if [ -d "$dest/tests/output" ]; then
    mkdir -p "$repo/tests/output"
    cp -r "$dest/tests/output/." "$repo/tests/output/"
fi
exit "$status"
