#!/usr/bin/env bash
# Drain two emulated Notebook Servers with the role and its collection playbooks; every scenario
# and its checks are in files/drain_scenarios.py.
set -eu
here=$(pwd)
source ../setup_emulator/emulator.sh

start_emulator nb1
start_emulator nb2
"$EMULATOR_PYTHON" "$here/files/drain_scenarios.py" "$EMULATOR_WORK" "$@"
