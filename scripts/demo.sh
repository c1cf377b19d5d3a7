#!/usr/bin/env bash
# make demo: build and install the collection, start two emulated Notebook Servers,
# and run the example playbooks against them as an administrator would:
# a look at the jobs and at the open notebooks, a fleet audit with its report, a drain
# before maintenance (it waits for e_doe's notebook cell, about 2 minutes), and the
# restore after it. Everything it writes goes to demo-output/.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export PATH="$repo/.venv/bin:$PATH" LANG=C.UTF-8 LC_ALL=C.UTF-8 ANSIBLE_NOCOLOR=1
out="$repo/demo-output"
rm -rf "$out" && mkdir -p "$out"

step() { printf '\n\033[1m=== %s\033[0m\n' "$*"; }

step "Build the collection and install the tarball into demo-output/collections"
ansible-galaxy collection build --force --output-path "$out" . >/dev/null
ansible-galaxy collection install --offline --force -p "$out/collections" "$out"/gisadmin-notebook_server-*.tar.gz 2>&1 | grep -v WARNING || true
export ANSIBLE_COLLECTIONS_PATH="$out/collections"

emulator() { PYTHONPATH="$repo/tests" python -m notebook_server_emulator.launch "$@"; }
stop_emulators() { for s in "$out"/nb*.state.json; do [ -f "$s" ] && emulator stop --state-file "$s" >/dev/null 2>&1; done; true; }
trap stop_emulators EXIT

step "Start two emulated Notebook Servers (HTTPS, their own CA; 1 real second = 1 emulated minute)"
scenario=tests/notebook_server_emulator/scenarios/demo.json
emulator start --state-file "$out/nb1.state.json" -- --port 0 --scenario "$scenario" --time-scale 60 --cert-dir "$out/certs-nb1" >/dev/null
emulator start --state-file "$out/nb2.state.json" -- --port 0 --scenario "$scenario" --time-scale 60 --seed 2 \
    --context /notebooks --cert-dir "$out/certs-nb2" >/dev/null
python - "$out" <<'PY'
import json, sys
out = sys.argv[1]
lines = ["notebook_servers:", "  hosts:"]
for name in ("nb1", "nb2"):
    state = json.load(open("%s/%s.state.json" % (out, name)))
    print("%s: %s (CA %s)" % (name, state["url"], state["ca_path"]))
    lines += [
        "    %s:" % name,
        "      notebook_server_url: %s" % state["url"],
        "      notebook_server_username: %s" % state["admin"]["username"],
        "      notebook_server_password: %s" % state["admin"]["password"],
        "      notebook_server_ca_path: %s" % state["ca_path"],
    ]
lines += ["  vars:", "    ansible_connection: local", "    ansible_python_interpreter: \"{{ ansible_playbook_python }}\""]
open("%s/inventory.yml" % out, "w").write("\n".join(lines) + "\n")
PY

step "What is running? (docs/examples/jobs_overview.yml: the notebook_server_jobs_info module and the lookup)"
ansible-playbook -i "$out/inventory.yml" docs/examples/jobs_overview.yml

step "Who is working in a notebook? No job shows it (docs/examples/notebooks_overview.yml: notebook_server_notebooks_info)"
ansible-playbook -i "$out/inventory.yml" docs/examples/notebooks_overview.yml

step "Audit every server (gisadmin.notebook_server.audit), report in demo-output/report"
ansible-playbook -i "$out/inventory.yml" gisadmin.notebook_server.audit -e "audit_report_dir=$out/report" -e audit_since=-24h
ls -l "$out/report"

step "Two users start notebooks just before the maintenance window (emulated: 10 and 5 minutes of work)"
PYTHONPATH="$repo/tests" python - "$out" <<'PY'
import sys
from notebook_server_emulator.control import EmulatorControl
for name, job_type, owner, minutes in (("nb1", "executeNotebook", "alice", 10), ("nb2", "openNotebook", "bob", 5)):
    control = EmulatorControl.from_state_file("%s/%s.state.json" % (sys.argv[1], name))
    job_id = control.add_job(type=job_type, username=owner, start=0, queued=0, duration=minutes * 60)
    print("%s: %s by %s started (%s)" % (name, job_type, owner, job_id))
PY

# The drain records what it did as a cacheable fact; a fact cache lets the restore,
# a separate run after maintenance, know which sites the drain made READ_ONLY.
export ANSIBLE_CACHE_PLUGIN=jsonfile ANSIBLE_CACHE_PLUGIN_CONNECTION="$out/fact-cache"

# e_doe's kernel runs a cell until 9000 emulated seconds after start (150 s here): the drain waits for it by name,
# then for drain_quiet_for (5 emulated minutes, 5 s here), then closes the notebooks left open and says whose.
step "Drain before maintenance (gisadmin.notebook_server.drain): READ_ONLY, wait for running jobs and e_doe's busy notebook, cancel the stuck job, close the open notebooks"
ansible-playbook -i "$out/inventory.yml" gisadmin.notebook_server.drain \
    -e drain_read_only=true -e drain_cancel_stuck=true -e drain_stuck_after=2h \
    -e drain_close_notebooks=true -e drain_poll_interval=10 -e drain_timeout=4m
for name in nb1 nb2; do
    PYTHONPATH="$repo/tests" python -c 'import sys; from notebook_server_emulator.control import EmulatorControl
print("%s: site mode during maintenance: %s" % (sys.argv[1], EmulatorControl.from_state_file(sys.argv[2]).state()["site_mode"]))' \
        "$name" "$out/$name.state.json"
done

step "After maintenance: put the sites back to EDITABLE (gisadmin.notebook_server.restore)"
ansible-playbook -i "$out/inventory.yml" gisadmin.notebook_server.restore

for name in nb1 nb2; do
    PYTHONPATH="$repo/tests" python -c 'import sys; from notebook_server_emulator.control import EmulatorControl
print("%s: site mode after restore: %s" % (sys.argv[1], EmulatorControl.from_state_file(sys.argv[2]).state()["site_mode"]))' \
        "$name" "$out/$name.state.json"
done

step "Done. Open demo-output/report/report.html in a browser for the audit report."
