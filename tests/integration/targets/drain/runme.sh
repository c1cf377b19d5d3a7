#!/usr/bin/env bash
# Drain emulated Notebook Servers with the role and its collection playbooks; every scenario
# and its checks are in files/drain_scenarios.py.
set -eu

tests_dir=$(cd ../../.. && pwd)
python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
export PYTHONPATH="$tests_dir${PYTHONPATH:+:$PYTHONPATH}"
export LANG=C.UTF-8 LC_ALL=C.UTF-8 ANSIBLE_NOCOLOR=1

exec "$python" "$(pwd)/files/drain_scenarios.py" "$@"
