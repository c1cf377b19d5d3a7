#!/usr/bin/env bash
# Audit three emulators and a port where nothing listens with the collection's playbook,
# then check the report files against what the emulators hold.
set -eu

here=$(pwd)
source ../setup_emulator/emulator.sh
python=$EMULATOR_PYTHON
work=$EMULATOR_WORK

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

echo "== a target that names no host fails with a message, and writes nothing"
if ansible-playbook gisadmin.notebook_server.audit -i "$work/inventory.yml" -e target=no_such_group \
        -e "audit_report_dir=$work/report" > "$work/empty.log" 2>&1; then
    cat "$work/empty.log"; echo "an audit of no server passed" >&2; exit 1
fi
grep -q "audit_hosts names no inventory host" "$work/empty.log" || { cat "$work/empty.log"; exit 1; }
test ! -e "$work/report" || { echo "an audit of no server wrote $work/report" >&2; exit 1; }

# expect_failure LOG MESSAGE ARGS...: the audit fails, saying MESSAGE.
expect_failure() {
    local log=$1 message=$2
    shift 2
    if run_audit "$@" > "$log" 2>&1; then
        cat "$log"; echo "the audit passed with $*" >&2; exit 1
    fi
    grep -qF "$message" "$log" || { cat "$log"; echo "the failure does not say: $message" >&2; exit 1; }
}

# expect_summary LOG SUMMARY ARGS...: the audit (in check mode) passes and its summary starts with SUMMARY.
expect_summary() {
    local log=$1 summary=$2
    shift 2
    run_audit --check "$@" > "$log" 2>&1 || { cat "$log"; echo "the audit failed with $*" >&2; exit 1; }
    grep -qF "## Notebook Server audit: $summary" "$log" \
        || { cat "$log"; echo "with $*, the summary is not: $summary" >&2; exit 1; }
}

echo "== --limit narrows the audit to the hosts of target it leaves, whether it leaves localhost or not"
expect_summary "$work/limit.log" "1 server, 1 reachable, 0 unreachable" --limit nb-busy
if grep -E "nb-(quiet|faulty|down)" "$work/limit.log"; then echo "--limit nb-busy audited other servers" >&2; exit 1; fi
expect_summary "$work/limit-localhost.log" "1 server, 1 reachable, 0 unreachable" --limit nb-busy,localhost
expect_failure "$work/limit-disjoint.log" "and does --limit leave any of them?" -e target=nb-busy --limit nb-quiet

echo "== the role hands audit_reader_processes to the module, which refuses a negative number by name"
expect_failure "$work/processes-negative.log" "reader_processes must be 0" -e audit_reader_processes=-1

echo "== audit_hosts as one text of names separated by commas; a name that is no inventory host fails"
expect_summary "$work/hosts-text.log" "2 servers, 2 reachable, 0 unreachable" -e audit_hosts=nb-busy,nb-quiet
expect_failure "$work/hosts-unknown.log" "audit_hosts names hosts that are not in the inventory: nb-nowhere" \
    -e '{"audit_hosts": "nb-busy, nb-nowhere"}'

echo "== one host's badly typed variable is that server's error, and the other servers are audited"
printf 'notebook_servers:\n  hosts:\n    nb-quiet:\n      notebook_server_timeout: 30s\n' > "$work/bad-timeout.yml"
expect_summary "$work/bad-option.log" "2 servers, 1 reachable, 1 unreachable" \
    -i "$work/bad-timeout.yml" -e target=nb-busy:nb-quiet
grep -qF "| nb-quiet | unreachable: nb-quiet: option timeout (host variable notebook_server_timeout) must be a number, not '30s' |" \
    "$work/bad-option.log" || { cat "$work/bad-option.log"; echo "nb-quiet's error is not in the summary" >&2; exit 1; }
test ! -e "$work/report" || { echo "check mode wrote $work/report" >&2; exit 1; }

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
grep -q "Notebooks: 3 open (1 busy, 1 stale) in 3 containers. Not read on nb-quiet, nb-faulty, nb-down" "$work/audit.log" \
    || { echo "the summary does not say where the notebooks could not be read" >&2; exit 1; }

echo "== audit_report holds the report's figures by default, all of it with audit_result_detail=full"
for detail in figures full; do
    extra=()
    [ "$detail" = full ] && extra=(-e audit_result_detail=full)
    ansible-playbook "$here/files/result_detail.yml" -i "$work/inventory.yml" -e target=nb-busy:nb-quiet \
        -e "audit_report_dir=$work/detail-$detail" -e "expected_detail=$detail" "${extra[@]}" \
        > "$work/detail-$detail.log" 2>&1 || { cat "$work/detail-$detail.log"; exit 1; }
done

echo "== a fleet of 32 servers read by 2 forked processes reports what one process reports"
start_emulator many --sites 32 --generate-jobs 200 --seed 7
ansible-playbook -i localhost, -c local -e 'ansible_python_interpreter={{ ansible_playbook_python }}' \
    -e "many_state=$work/many.json" "$here/files/reader_processes.yml" > "$work/processes.log" 2>&1 \
    || { cat "$work/processes.log"; exit 1; }

echo "== report.html as a browser draws it"
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -n "$browser" ]; then
    # Flags for a closed network and a root user; a fresh profile so nothing is shared between runs.
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$work/browser-profile" --window-size=1400,2400 --hide-scrollbars \
        --screenshot="$work/report.png" "file://$work/report/report.html" > "$work/browser.log" 2>&1 \
        || { cat "$work/browser.log"; exit 1; }
    "$python" "$here/files/audit_fixture.py" screenshot "$work" "$work/report.png"
else
    echo "no headless browser (chromium) here: the structural SVG check above is the only check of the chart"
fi

echo "== no secret in the report files or in the play output"
"$python" "$here/files/audit_fixture.py" secrets "$work" "$work/check.log" "$work/audit.log" "$work/limit.log" \
    "$work/limit-localhost.log" "$work/hosts-text.log" "$work/bad-option.log"
