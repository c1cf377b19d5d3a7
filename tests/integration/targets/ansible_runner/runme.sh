#!/usr/bin/env bash
# The drain and audit collection playbooks under ansible-runner, the engine AWX and Ansible
# Automation Platform use: run them against two emulators, then judge by the job events.
set -eu
here=$(pwd)
source ../setup_emulator/emulator.sh

command -v ansible-runner >/dev/null || { echo "ansible-runner is not installed (tests/integration/requirements.txt)" >&2; exit 1; }
start_emulator nb1
start_emulator nb2
"$EMULATOR_PYTHON" "$here/files/runner_check.py" "$EMULATOR_WORK"
