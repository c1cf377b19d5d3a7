#!/usr/bin/env bash
# The portal inventory plugin against an emulated Portal with two federated emulated Notebook Servers:
# ansible-inventory --graph and --list, then the audit and drain playbooks with Portal credentials on that
# inventory (the request logs show the Portal issued every token the servers accepted), then hostnames,
# url_from, server_types, compose and keyed groups, the cache, and the errors; every check is in files/portal_inventory.py.
set -eu
here=$(pwd)
source ../setup_emulator/emulator.sh

stop_fleet() {
    "$EMULATOR_PYTHON" -m notebook_server_emulator.fleet stop --state-file "$EMULATOR_WORK/fleet.json" >/dev/null 2>&1 || true
}
trap 'stop_fleet; stop_emulators' EXIT

# Each server on its own loopback address, so the default host names (the host of each site's URL) differ.
"$EMULATOR_PYTHON" -m notebook_server_emulator.fleet start --state-file "$EMULATOR_WORK/fleet.json" --servers 2 \
    --server-args "--host 127.0.0.2 --scenario $here/files/nb1.json" \
    --server-args "--host 127.0.0.3 --scenario $here/files/nb2.json" >/dev/null
# A Portal that lists only its hosting and Mission servers: no Notebook Server at all.
"$EMULATOR_PYTHON" -m notebook_server_emulator.launch start --portal --state-file "$EMULATOR_WORK/empty_portal.json" \
    -- --port 0 >/dev/null
EMULATOR_NAMES+=(empty_portal)

started=$(date +%s)
"$EMULATOR_PYTHON" "$here/files/portal_inventory.py" "$EMULATOR_WORK" "$@"
echo "plugin_portal checks: $(( $(date +%s) - started )) s"
