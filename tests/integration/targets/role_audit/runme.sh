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
"$python" "$here/files/audit_fixture.py" secrets "$work" "$work/check.log" "$work/audit.log"
