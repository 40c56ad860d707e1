#!/usr/bin/env bash
# Fails when src/protocol/generated/ differs from what scripts/gen-proto.sh produces from
# proto/ext-plugin.fbs (a hand edit, or a schema change without regeneration).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bash scripts/gen-proto.sh "$tmp/generated" >/dev/null
if ! diff -r "$tmp/generated" src/protocol/generated; then
  echo "src/protocol/generated/ is out of date: run npm run gen:proto and commit the result" >&2
  exit 1
fi
echo "src/protocol/generated/ matches proto/ext-plugin.fbs"
