#!/usr/bin/env bash
# Refresh the vendored assets from package-lock.json: htmx (served with the UI) and axe-core (browser
# accessibility checks). The app and the tests read only the copied files, so nothing needs the network at
# run time; node_modules/ stays out of git.
# To upgrade: bump the version in package.json, `npm install`, then run this script and commit both.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
mkdir -p tests/browser/vendor
cp node_modules/axe-core/axe.min.js tests/browser/vendor/axe.min.js
cp node_modules/axe-core/LICENSE tests/browser/vendor/axe.LICENSE
mkdir -p src/pengaduan/static/vendor
cp node_modules/htmx.org/dist/htmx.min.js src/pengaduan/static/vendor/htmx.min.js
cp node_modules/htmx.org/LICENSE src/pengaduan/static/vendor/htmx.LICENSE
echo "src/pengaduan/static/vendor/htmx.min.js: htmx $(node -p "require('./node_modules/htmx.org/package.json').version")"
echo "tests/browser/vendor/axe.min.js: axe-core $(node -p "require('./node_modules/axe-core/package.json').version")"
