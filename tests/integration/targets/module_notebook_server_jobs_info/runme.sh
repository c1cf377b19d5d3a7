#!/usr/bin/env bash
# notebook_server_jobs_info against the emulator over HTTPS with its CA: auth modes, a Web Adaptor path,
# complete lists past 100, every filter, check mode, module_defaults, faults, answers that must fail closed,
# a wrong CA, and a -vvvv run whose whole output holds neither the password nor the token.
set -eu
here=$(pwd)
source ../setup_emulator/emulator.sh

start_emulator main --scenario "$here/files/scenario.json"
start_emulator wa --context /notebooks --error-form A --scenario "$here/files/scenario.json"
start_emulator big --generate-jobs 10050
start_emulator faults --scenario "$here/files/scenario.json"
start_emulator capped --max-num 50 --scenario "$here/files/fail_closed.json"

other_ca=$("$EMULATOR_PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["ca_path"])' "$EMULATOR_WORK/wa.json")

run_playbook main "$here/files/jobs_info.yml" "$@"
run_playbook main "$here/files/auth_modes.yml" "$@"
run_playbook wa "$here/files/web_adaptor.yml" "$@"
run_playbook big "$here/files/completeness.yml" "$@"
run_playbook faults "$here/files/faults.yml" -e "other_ca_path=$other_ca" "$@"
run_playbook capped "$here/files/fail_closed.yml" "$@"
run_playbook faults "$here/files/hostile.yml" "$@"

# The whole -vvvv output of a run with credentials and with a ready token holds neither secret.
out="$EMULATOR_WORK/vvvv.txt"
token_file="$EMULATOR_WORK/token.txt"
run_playbook main "$here/files/secrets.yml" -vvvv -e "token_file=$token_file" > "$out" 2>&1 || { cat "$out"; exit 1; }
password=$("$EMULATOR_PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["password"])' "$EMULATOR_WORK/main.json")
token=$(cat "$token_file")
if [ ${#password} -lt 8 ] || [ ${#token} -lt 20 ]; then echo "secrets not captured" >&2; exit 1; fi
grep -q "jalice-stuck" "$out" || { echo "the -vvvv run did not show the jobs" >&2; exit 1; }
if grep -qF -- "$password" "$out"; then echo "the password appears in the -vvvv output" >&2; exit 1; fi
if grep -qF -- "$token" "$out"; then echo "the token appears in the -vvvv output" >&2; exit 1; fi
echo "-vvvv output ($(wc -l < "$out") lines) holds neither the password nor the token"
