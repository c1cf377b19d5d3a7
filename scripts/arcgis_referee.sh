#!/usr/bin/env bash
# Esri's arcgis client as the referee of the emulator (make referee): tests/referee/arcgis_referee.py, run from
# a copy of the collection tree so `ansible localhost -m gisadmin.notebook_server....` finds this collection.
# Needs .venv (make venv) and a venv with arcgis==2.4.4 (ARCGIS_PYTHON, default .venv-arcgis/bin/python).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
arcgis_python=${ARCGIS_PYTHON:-$repo/.venv-arcgis/bin/python}
[ -x "$arcgis_python" ] || { echo "no arcgis venv at $arcgis_python; run: make referee" >&2; exit 1; }
exec "$repo/scripts/in_collection_tree.sh" python tests/referee/arcgis_referee.py --arcgis-python "$arcgis_python" "$@"
