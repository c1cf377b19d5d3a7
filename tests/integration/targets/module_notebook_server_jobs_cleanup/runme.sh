#!/usr/bin/env bash
# notebook_server_jobs_cleanup against the emulator: the count, idempotence, check mode, diff, a dropped
# request, and a user who is not an administrator.
set -eu
here=$(pwd)
source ../setup_emulator/emulator.sh

start_emulator main --scenario "$here/files/jobs.json"
run_playbook main "$here/jobs_cleanup.yml" "$@"
