#!/usr/bin/env bash
# notebook_server_scheduled_task against an emulated Portal: pause and resume with the owner looked up or given,
# idempotence, check mode, diff, unknown ids, a user's own tasks, a pause that fails half-way, lost answers.
set -eu
here=$(pwd)
source ../setup_emulator/emulator.sh

# A Portal (the launcher's --portal), stopped on exit with the other emulators.
EMULATOR_NAMES+=(portal)
"$EMULATOR_PYTHON" -m notebook_server_emulator.launch start --portal --state-file "$EMULATOR_WORK/portal.json" \
    -- --port 0 --scenario "$here/files/portal.json" >/dev/null
"$EMULATOR_PYTHON" -c 'import json, sys; json.dump({"portal": json.load(open(sys.argv[1]))}, open(sys.argv[2], "w"))' \
    "$EMULATOR_WORK/portal.json" "$EMULATOR_WORK/portal-vars.json"
run_playbook portal "$here/files/scheduled_task.yml" "$@"
