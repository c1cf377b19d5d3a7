#!/usr/bin/env bash
# The drain role with drain_pause_scheduled_tasks against a fleet (one Portal, two federated Notebook Servers);
# every scenario and its checks are in files/scheduled_tasks_scenarios.py.
set -eu
here=$(pwd)
source ../setup_emulator/emulator.sh

stop_fleet() {
    "$EMULATOR_PYTHON" -m notebook_server_emulator.fleet stop --state-file "$EMULATOR_WORK/fleet.json" >/dev/null 2>&1 || true
    stop_emulators
}
trap stop_fleet EXIT

# Emulated time runs 60 times as fast on every member: a task every 2 emulated minutes fires every 2 seconds.
"$EMULATOR_PYTHON" -m notebook_server_emulator.fleet start --state-file "$EMULATOR_WORK/fleet.json" --servers 2 \
    --portal-args "--time-scale 60" --server-args "--time-scale 60" >/dev/null
"$EMULATOR_PYTHON" "$here/files/scheduled_tasks_scenarios.py" "$EMULATOR_WORK" "$@"
