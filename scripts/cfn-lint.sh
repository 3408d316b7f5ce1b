#!/usr/bin/env bash
# Tier 5: cfn-lint on every template the tests (test-reports/templates), the demo (demo/cdk.out) and
# the integration snapshots hold, or on the templates the glob patterns given as arguments match. Under CI=true a missing cfn-lint fails the run; elsewhere it is skipped with a notice.
set -euo pipefail
cd "$(dirname "$0")/.."

# Arguments: glob patterns of the templates to lint (default: all three places).
shopt -s nullglob
patterns=("$@")
if [ ${#patterns[@]} -eq 0 ]; then
  patterns=('test-reports/templates/*.template.json' 'demo/cdk.out/*.template.json' 'integ/*.snapshot/Kmi*.template.json')
fi
templates=()
for pattern in "${patterns[@]}"; do
  # shellcheck disable=SC2206 # the pattern is expanded here on purpose
  templates+=($pattern)
done
if [ ${#templates[@]} -eq 0 ]; then
  echo "cfn-lint: no templates match ${patterns[*]}; run the tests or the demo first" >&2
  exit 1
fi

if ! command -v cfn-lint >/dev/null 2>&1; then
  if [ "${CI:-}" = "true" ]; then
    echo "cfn-lint: not found on PATH, and CI=true: the template tier cannot run (pip install cfn-lint)" >&2
    exit 1
  fi
  echo "cfn-lint: not found on PATH; skipping the template tier (pip install cfn-lint to run it)"
  exit 0
fi

# Errors fail the run; warnings (W) and informational findings (I) are printed but do not.
echo "cfn-lint $(cfn-lint --version | awk '{print $2}') on ${#templates[@]} templates"
status=0
cfn-lint --format parseable -- "${templates[@]}" || status=$?
# cfn-lint exit codes are a bit mask: 2 = error, 4 = warning, 8 = informational.
if (( status & 2 )) || (( status & 1 )); then
  echo "cfn-lint: errors found" >&2
  exit 1
fi
echo "cfn-lint: no errors"
