#!/usr/bin/env bash
# Packaging tier: pack the library as `npm pack` would publish it (after `compile` and `bundle`),
# check what the tarball holds, install it into a fresh app outside the repository with aws-cdk-lib
# at the minimum peer version, and synthesize every construct from it (scripts/package-check/app.js).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

cdk_version=$(node -p "require('./package.json').peerDependencies['aws-cdk-lib'].replace(/^[^0-9]*/, '')")
constructs_version=$(node -p "require('./package.json').peerDependencies['constructs'].replace(/^[^0-9]*/, '')")
nag_version=$(node -p "require('cdk-nag/package.json').version")

work=$(mktemp -d "${TMPDIR:-/tmp}/cdk-kmi-package-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
listing=$(tar -tzf "$work/$tarball")

fail() { echo "package check: $*" >&2; exit 1; }
grep -q '^package/lib/index.js$' <<<"$listing" || fail "lib/index.js is not in the package (run compile first)"
grep -q '^package/.jsii$' <<<"$listing" || fail ".jsii is not in the package"
# Every handler the library bundles (src/**/*.lambda.ts) is in the package.
for handler in $(cd src && find . -name '*.lambda.ts' | sed 's|^\./||; s|\.ts$||'); do
  grep -q "^package/assets/$handler/index.js$" <<<"$listing" || fail "assets/$handler/index.js is not in the package"
done
# Nothing compiled from a source that no longer exists (it would shadow the file that replaced it).
for js in $(grep -E '^package/lib/.*\.js$' <<<"$listing" | sed 's|^package/lib/||; s|\.js$||'); do
  [ -f "src/$js.ts" ] || fail "lib/$js.js is in the package but src/$js.ts does not exist (a stale build: run compile, which starts from an empty lib/)"
done
# Nothing that only the repository needs.
if grep -E '^package/(\.ci|src|test|integ|demo|bench|scripts|rosetta|projenrc|\.projen|coverage|test-reports)/|^package/\.projenrc\.ts$|\.tsbuildinfo$' <<<"$listing"; then
  fail "repository-only files in the package (above)"
fi

cd "$work"
cat > package.json <<JSON
{ "name": "cdk-kmi-package-check", "private": true, "version": "0.0.0" }
JSON
npm install --no-audit --no-fund --prefer-offline --loglevel=error \
  "./$tarball" "aws-cdk-lib@$cdk_version" "constructs@$constructs_version" "cdk-nag@$nag_version" >/dev/null
cp "$repo/scripts/package-check/app.js" .
node app.js cdk.out
npx --no-install cdk-kmi --version >/dev/null || fail "the installed cdk-kmi command does not answer --version"
npx --no-install cdk-kmi report cdk.out --fail-on high >/dev/null || fail "cdk-kmi report on the package check app failed"
echo "package check: $tarball ($(wc -l <<<"$listing") files) installs with aws-cdk-lib $cdk_version and synthesizes"
