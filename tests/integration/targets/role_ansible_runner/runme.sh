#!/usr/bin/env bash
# The drain and audit collection playbooks under ansible-runner, the engine AWX and Ansible
# Automation Platform use: run them against two emulators from a private data dir set up like an AWX
# job (vault credential answered from env/passwords, a token in env/extravars, env/envvars), then judge
# by the job events and artifacts; the checks, and what each found when it fails, are in files/runner_check.py.
set -eu
here=$(pwd)
source ../setup_emulator/emulator.sh

"$EMULATOR_PYTHON" -c 'import ansible_runner' 2>/dev/null || {
    echo "ansible-runner is not installed for $EMULATOR_PYTHON (tests/integration/requirements.txt)" >&2
    exit 1
}
start_emulator nb1
start_emulator nb2
"$EMULATOR_PYTHON" "$here/files/runner_check.py" "$EMULATOR_WORK"
