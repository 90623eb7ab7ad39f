#!/usr/bin/env bash
# Validate SARIF logs with Microsoft's SARIF Multitool, GitHub ingestion rules included.
#
#   scripts/sarif_multitool_check.sh [FILE.sarif ...]
#
# Without arguments it validates the log of the SARIF test fixture tree
# (tests/fixture_tree.py). The Multitool comes from the npm registry
# (@microsoft/sarif-multitool-linux, a self-contained binary) and is installed once into
# $SARIF_MULTITOOL_DIR (default: ~/.cache/rolecall/sarif-multitool), outside the tree.
#
# `validate` exits 0 even when it reports errors, so this script reads its output log and
# fails on any error-level result or tool error. The rule kinds are quoted: unquoted,
# "Sarif;Gh" is split by the shell and the GitHub rules silently do not run.
set -euo pipefail

MULTITOOL_VERSION="${SARIF_MULTITOOL_VERSION:-5.7.0}"
PACKAGE="@microsoft/sarif-multitool-linux"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
config="$here/sarif-multitool.xml"
python="${PYTHON:-python3}"
dir="${SARIF_MULTITOOL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/rolecall/sarif-multitool}"
tool="$dir/node_modules/$PACKAGE/Sarif.Multitool"

installed=""
if [ -f "$tool" ]; then
    chmod u+x "$tool"
    installed="$("$tool" --version 2>&1 || true)"  # it prints the version on stderr
fi
if [[ "$installed" != *"$MULTITOOL_VERSION"* ]]; then
    command -v npm >/dev/null || { echo "sarif-multitool: npm is needed to install it" >&2; exit 2; }
    echo "sarif-multitool: installing $PACKAGE@$MULTITOOL_VERSION into $dir"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error \
        "$PACKAGE@$MULTITOOL_VERSION" >/dev/null
fi
chmod u+x "$tool"  # its postinstall script does this, but npm may not run scripts
export DOTNET_CLI_TELEMETRY_OPTOUT=1

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
    "$python" "$repo/tests/sarif_fixture.py" "$work/fixture.sarif"
    files=("$work/fixture.sarif")
fi

status=0
for file in "${files[@]}"; do
    out="$work/validation.sarif"
    rm -f "$out"
    if ! "$tool" validate "$file" --output "$out" --config "$config" \
        --rule-kind "Sarif;Gh" --log ForceOverwrite >"$work/console.txt" 2>&1; then
        echo "sarif-multitool: validate failed to run on $file:" >&2
        cat "$work/console.txt" >&2
        status=1
        continue
    fi
    if ! "$python" - "$out" "$file" <<'PY'
import json
import sys

out, target = sys.argv[1], sys.argv[2]
with open(out, encoding="utf-8-sig") as handle:
    log = json.load(handle)
errors = warnings = 0
for run in log.get("runs", []):
    rules = {r.get("id"): r for r in run.get("tool", {}).get("driver", {}).get("rules", [])}
    for result in run.get("results", []):
        rule = rules.get(result.get("ruleId"), {})
        default = rule.get("defaultConfiguration", {}).get("level", "warning")
        level = result.get("level", default)
        message = result.get("message", {})
        text = message.get("text")
        if text is None:  # the Multitool writes message ids with arguments
            strings = rule.get("messageStrings", {})
            text = strings.get(message.get("id"), {}).get("text", message.get("id", ""))
            for n, arg in enumerate(message.get("arguments", [])):
                text = text.replace("{%d}" % n, str(arg))
        where = ""
        for loc in result.get("locations", [])[:1]:
            region = loc.get("physicalLocation", {}).get("region", {})
            where = f"({region.get('startLine', '?')},{region.get('startColumn', '?')})"
        print(f"{target}{where}: {level} {result.get('ruleId')}: {text}")
        errors += level == "error"
        warnings += level == "warning"
    for inv in run.get("invocations", []):
        notes = inv.get("toolExecutionNotifications", []) + inv.get(
            "toolConfigurationNotifications", []
        )
        for note in notes:
            if note.get("level", "warning") == "error":
                print(f"{target}: tool error: {note.get('message', {}).get('text')}")
                errors += 1
        if inv.get("executionSuccessful") is False:
            print(f"{target}: the Multitool did not run successfully")
            errors += 1
print(f"{target}: sarif-multitool: {errors} error(s), {warnings} warning(s)")
sys.exit(1 if errors else 0)
PY
    then
        status=1
    fi
done
exit "$status"
