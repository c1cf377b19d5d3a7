#!/usr/bin/env bash
# notebook_server_notebooks_info against the emulator: paging past 100, the request budget, owner filter,
# a non-administrator, check mode, quiet_for on emulated time, the unsure notebook-kernel join, a sessions fault.
set -eu
here=$(pwd)
source ../setup_emulator/emulator.sh

start_emulator main --scenario "$here/files/scenario.json"
run_playbook main "$here/files/notebooks_info.yml" "$@"
