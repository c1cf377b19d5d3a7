#!/usr/bin/env bash
# notebook_server_job against the emulator: cancel, finished jobs, missing ids, check mode, diff, a dropped
# cancel, errors and a user who is not an administrator.
set -eu
here=$(pwd)
source ../setup_emulator/emulator.sh

start_emulator main --scenario "$here/files/jobs.json"
run_playbook main "$here/job.yml" "$@"
