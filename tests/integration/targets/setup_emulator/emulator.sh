# shellcheck shell=bash
# Sourced by a target's runme.sh (after `set -eu`) to run playbooks against the Notebook Server emulator:
#
#   here=$(pwd)
#   source ../setup_emulator/emulator.sh
#   start_emulator main --scenario "$here/files/scenario.json"
#   run_playbook main playbook.yml [ansible-playbook options]
#
# start_emulator NAME [emulator options]  starts one emulator on a free port and writes, in $EMULATOR_WORK,
#     NAME.json (the start line: url, ca_path, admin and user credentials, control_url, control_secret) and
#     NAME-vars.json ({"emulator": <start line>}) for `-e @...`. Every emulator started is stopped on exit.
# run_playbook NAME PLAYBOOK [options]  runs the playbook on localhost with NAME's vars.
# Needs the target's aliases to list `needs/target/setup_emulator`.

# ansible-test runs a copy of the target; the emulator is in the collection's own tests directory.
EMULATOR_TESTS_DIR="${ANSIBLE_COLLECTIONS_PATH:-}"
EMULATOR_TESTS_DIR="${EMULATOR_TESTS_DIR%%:*}/ansible_collections/gisadmin/notebook_server/tests"
[ -d "$EMULATOR_TESTS_DIR/notebook_server_emulator" ] || EMULATOR_TESTS_DIR=$(cd ../../.. && pwd)
EMULATOR_PYTHON=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
export PYTHONPATH="$EMULATOR_TESTS_DIR${PYTHONPATH:+:$PYTHONPATH}"
export LANG=C.UTF-8 LC_ALL=C.UTF-8 ANSIBLE_NOCOLOR=1
EMULATOR_WORK=$(mktemp -d "${TMPDIR:-/tmp}/emulator-target.XXXXXX")
EMULATOR_NAMES=()

stop_emulators() {
    local name
    for name in "${EMULATOR_NAMES[@]}"; do
        "$EMULATOR_PYTHON" -m notebook_server_emulator.launch stop --state-file "$EMULATOR_WORK/$name.json" \
            >/dev/null 2>&1 || true
    done
    rm -rf "$EMULATOR_WORK"
}
trap stop_emulators EXIT

start_emulator() {
    local name=$1
    shift
    EMULATOR_NAMES+=("$name")
    "$EMULATOR_PYTHON" -m notebook_server_emulator.launch start --state-file "$EMULATOR_WORK/$name.json" \
        -- --port 0 "$@" >/dev/null
    "$EMULATOR_PYTHON" -c 'import json, sys; json.dump({"emulator": json.load(open(sys.argv[1]))}, open(sys.argv[2], "w"))' \
        "$EMULATOR_WORK/$name.json" "$EMULATOR_WORK/$name-vars.json"
}

run_playbook() {
    local name=$1 playbook=$2
    shift 2
    ansible-playbook -i localhost, -c local -e 'ansible_python_interpreter={{ ansible_playbook_python }}' \
        -e "@$EMULATOR_WORK/$name-vars.json" "$playbook" "$@"
}
