#!/usr/bin/env bash
# notebook_server_mode against the emulator: read, set, idempotence, check mode, diff, lost writes, errors.
set -eu
here=$(pwd)
source ../setup_emulator/emulator.sh

start_emulator main
run_playbook main "$here/mode.yml" "$@"
