#!/usr/bin/env bash
# Run each `make <step>`, keep going after a failure, then print one line per
# step, and the last lines of every failed step again (CI shows only the tail
# of a run: a failure must be readable there), and exit non-zero if any failed.
set -u
cd "$(dirname "$0")/.." || exit 1
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
results=()
failed_steps=()
for step in "$@"; do
    echo
    echo "==================== make $step ===================="
    start=$(date +%s)
    make --no-print-directory "$step" 2>&1 | tee "$logs/$step.log"
    if [ "${PIPESTATUS[0]}" -eq 0 ]; then
        outcome=PASS
    else
        outcome=FAIL
        failed_steps+=("$step")
    fi
    results+=("$(printf '%-5s %-16s %5ss' "$outcome" "$step" "$(( $(date +%s) - start ))")")
done
for step in ${failed_steps[@]+"${failed_steps[@]}"}; do
    echo
    echo "==================== last lines of failed step: $step ===================="
    tail -n 40 "$logs/$step.log"
done
echo
echo "==================== summary ===================="
printf '%s\n' "${results[@]}"
echo "steps: $(( $# - ${#failed_steps[@]} )) passed, ${#failed_steps[@]} failed"
[ "${#failed_steps[@]}" -eq 0 ]
