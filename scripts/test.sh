#!/usr/bin/env bash
# The test task (`npx projen test`) after the handlers are bundled: two chains of tiers side by side,
# one per core.
# - foreground: jest (unit, snapshot, policy evaluation, compliance, handler and README example tests;
#   arguments go to jest), then cfn-lint on the templates jest synthesized;
# - background: the `test:static` task (eslint, type check of integ/demo/bench, demo, integration
#   snapshots, jsii + rosetta examples, package check, cfn-lint on the demo and integration templates),
#   its output kept in test-reports/test-static.log and printed when it ends.
# The run fails when either chain fails; a failed jest run stops the background chain.
set -uo pipefail
cd "$(dirname "$0")/.."

mkdir -p test-reports
log=test-reports/test-static.log
setsid npx projen test:static >"$log" 2>&1 &
background=$!
trap 'kill -- -"$background" 2>/dev/null' EXIT
echo "test: eslint, type check, demo, integ, examples, package and their cfn-lint run beside jest (output: $log)"

status=0
npx jest --passWithNoTests --ci "$@" || status=$?
if [ "$status" -eq 0 ]; then
  bash scripts/cfn-lint.sh 'test-reports/templates/*.template.json' || status=$?
fi
if [ "$status" -ne 0 ]; then
  echo "test: jest or its cfn-lint failed; stopping the other tiers" >&2
  exit "$status"
fi

background_status=0
wait "$background" || background_status=$?
trap - EXIT
echo
echo "---- test:static ($log) ----"
cat "$log"
exit "$background_status"
