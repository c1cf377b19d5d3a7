#!/usr/bin/env bash
# Audit three emulators and a port where nothing listens with the collection's playbook,
# then check the report files against what the emulators hold.
set -eu

here=$(pwd)
# ansible-test runs a copy of this target; the emulator is in the collection's own tests directory.
tests_dir="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/gisadmin/notebook_server/tests"
[ -d "$tests_dir/notebook_server_emulator" ] || tests_dir=$(cd ../../.. && pwd)
python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
export PYTHONPATH="$tests_dir${PYTHONPATH:+:$PYTHONPATH}"
export LANG=C.UTF-8 LC_ALL=C.UTF-8 ANSIBLE_NOCOLOR=1

work=$(mktemp -d "${TMPDIR:-/tmp}/audit-target.XXXXXX")
emulators=(busy quiet faulty)

stop_emulators() {
    for name in "${emulators[@]}"; do
        if [ -f "$work/$name.json" ]; then
            "$python" -m notebook_server_emulator.launch stop --state-file "$work/$name.json" >/dev/null 2>&1 || true
        fi
    done
    rm -rf "$work"
}
trap stop_emulators EXIT

start_emulator() {
    local name=$1
    shift
    "$python" -m notebook_server_emulator.launch start --state-file "$work/$name.json" -- --port 0 "$@" >/dev/null
}

start_emulator busy --scenario "$here/files/busy.json"
start_emulator quiet --scenario "$here/files/quiet.json"
# A permanent fault: the jobs resource always answers with a Web Adaptor login page.
start_emulator faulty --scenario "$here/files/faulty.json" --fault kind=login_page,probability=1,path=system/jobs

"$python" "$here/files/audit_fixture.py" inventory "$work" > "$work/inventory.yml"

run_audit() {
    ansible-playbook gisadmin.notebook_server.audit -i "$work/inventory.yml" -e target=notebook_servers \
        -e "audit_report_dir=$work/report" "$@"
}

echo "== the module takes its connection options from the action group's module_defaults"
ansible-playbook "$here/files/module_defaults.yml" -i "$work/inventory.yml"

echo "== check mode: the servers are read, nothing is written"
run_audit --check > "$work/check.log" 2>&1 || { cat "$work/check.log"; exit 1; }
test ! -e "$work/report" || { echo "check mode wrote $work/report" >&2; exit 1; }
grep -q "Notebook Server audit: 4 servers, 2 reachable, 2 unreachable" "$work/check.log"

echo "== the audit"
# A transient fault is retried: one 503 on the jobs resource must not show in the report.
"$python" "$here/files/audit_fixture.py" transient-fault "$work"
started=$(date +%s%N)
run_audit > "$work/audit.log" 2>&1 || { cat "$work/audit.log"; exit 1; }
finished=$(date +%s%N)
cat "$work/audit.log"
echo "audit play wall time: $(( (finished - started) / 1000000 )) ms"

"$python" "$here/files/audit_fixture.py" check "$work"

echo "== no secret in the report files or in the play output"
"$python" "$here/files/audit_fixture.py" secrets "$work" "$work/check.log" "$work/audit.log"
