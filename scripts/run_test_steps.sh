#!/usr/bin/env bash
# Run each `make <step>`, keep going after a failure, then print one line per
# step and exit non-zero if any step failed.
set -u
cd "$(dirname "$0")/.." || exit 1
results=()
failed=0
for step in "$@"; do
    echo
    echo "==================== make $step ===================="
    start=$(date +%s)
    if make --no-print-directory "$step"; then
        outcome=PASS
    else
        outcome=FAIL
        failed=$((failed + 1))
    fi
    results+=("$(printf '%-5s %-16s %5ss' "$outcome" "$step" "$(( $(date +%s) - start ))")")
done
echo
echo "==================== summary ===================="
printf '%s\n' "${results[@]}"
passed=$(( $# - failed ))
echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
