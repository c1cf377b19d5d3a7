#!/usr/bin/env bash
# A hung server costs the audit one timeout per attempt, not the run, and each host's drain is its own;
# every connection option set as a notebook_server_* variable reaches the modules of both roles.
set -eu
here=$(pwd)
source ../setup_emulator/emulator.sh

start_emulator ok
start_emulator options
# Accepts the connection, then answers nothing for a minute: a hung server.
start_emulator hung --fault kind=delay,seconds=60,probability=1,path=system/jobs
"$EMULATOR_PYTHON" "$here/files/fleet_faults.py" "$EMULATOR_WORK" "$@"
