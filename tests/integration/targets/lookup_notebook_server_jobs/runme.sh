#!/usr/bin/env bash
# The notebook_server_jobs lookup against the emulator over HTTPS with its CA: options from ansible.cfg,
# environment variables, variables and keywords; terms; each result kind; when/assert; errors; the request log.
set -eu
here=$(pwd)
source ../setup_emulator/emulator.sh

start_emulator main --scenario "$here/files/scenario.json"

# ansible.cfg holds the site, the user and the CA; the password comes from the environment.
"$EMULATOR_PYTHON" - "$EMULATOR_WORK/main.json" "$EMULATOR_WORK/ansible.cfg" <<'PY'
import json, sys
line = json.load(open(sys.argv[1]))
with open(sys.argv[2], "w") as cfg:
    cfg.write("[notebook_server]\nurl = %s/\nusername = %s\nca_path = %s\ntimeout = 10\n"
              % (line["url"], line["admin"]["username"], line["ca_path"]))
PY
password=$("$EMULATOR_PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["password"])' "$EMULATOR_WORK/main.json")

ANSIBLE_CONFIG="$EMULATOR_WORK/ansible.cfg" NOTEBOOK_SERVER_PASSWORD="$password" \
    run_playbook main "$here/files/lookup.yml" "$@"

# Precedence: keywords > variables > environment > ansible.cfg. The ansible.cfg url points where nothing listens.
dead_root=$("$EMULATOR_PYTHON" -c '
import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print("https://127.0.0.1:%d" % s.getsockname()[1])')
"$EMULATOR_PYTHON" - "$EMULATOR_WORK/main.json" "$EMULATOR_WORK/precedence.cfg" "$dead_root" <<'PY'
import json, sys
line = json.load(open(sys.argv[1]))
with open(sys.argv[2], "w") as cfg:
    cfg.write("[notebook_server]\nurl = %s/from-ini\nusername = %s\nca_path = %s\ntimeout = 5\nretries = 0\n"
              % (sys.argv[3], line["admin"]["username"], line["ca_path"]))
PY
ANSIBLE_CONFIG="$EMULATOR_WORK/precedence.cfg" NOTEBOOK_SERVER_PASSWORD="$password" NOTEBOOK_SERVER_URL="$(
    "$EMULATOR_PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["url"])' "$EMULATOR_WORK/main.json")" \
    run_playbook main "$here/files/precedence.yml" -e precedence_case=env -e "dead_root=$dead_root" "$@"
ANSIBLE_CONFIG="$EMULATOR_WORK/precedence.cfg" NOTEBOOK_SERVER_PASSWORD="$password" \
    run_playbook main "$here/files/precedence.yml" -e precedence_case=ini -e "dead_root=$dead_root" "$@"
