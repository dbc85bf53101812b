#!/usr/bin/env bash
# Refresh the vendored test assets from package-lock.json: axe-core for the browser accessibility checks.
# The tests read only the copied file, so they run without network; node_modules/ stays out of git.
# To upgrade: bump the version in package.json, `npm install`, then run this script and commit both.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
mkdir -p tests/browser/vendor
cp node_modules/axe-core/axe.min.js tests/browser/vendor/axe.min.js
cp node_modules/axe-core/LICENSE tests/browser/vendor/axe.LICENSE
echo "tests/browser/vendor/axe.min.js: axe-core $(node -p "require('./node_modules/axe-core/package.json').version")"
