#!/usr/bin/env bash
# `npm run check:package`: lints what npm would publish (the packed tarball, after `npm run build`):
# publint for package.json/exports mistakes, attw for types that resolve wrongly under
# node10/node16 (CJS and ESM)/bundler, then the size budget of the core entry.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# --ignore-scripts: the tarball is of the build that just ran; no lifecycle script may change it.
tarball="$tmp/$(npm pack --silent --ignore-scripts --pack-destination "$tmp" | tail -n 1)"
echo "packed $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KB)"
tar -tzf "$tarball" | sed 's|^package/||' | sort > "$tmp/files.txt"
# `files` is limited to the build and the tenant Action users deploy (and `accountLinkingAction` runs;
# tenant/package.json marks it CommonJS, as Auth0 Actions are):
# anything else in the tarball is a packaging mistake.
if grep -vE '^(dist/|tenant/package\.json$|tenant/actions/[a-z-]+\.js$|package\.json$|README\.md$|LICENSE|CHANGELOG\.md$)' "$tmp/files.txt"; then
  echo "the tarball holds files outside dist/ and tenant/actions/ (above)" >&2
  exit 1
fi

# The lazy feature chunks are loaded by import()/require() of a relative path: every one that a
# built file names must be in the tarball, or an app fails only when it first uses that feature.
mkdir "$tmp/unpacked" && tar -xzf "$tarball" -C "$tmp/unpacked"
node -e '
  const { readdirSync, readFileSync, existsSync } = require("node:fs")
  const dir = process.argv[1]
  const missing = []
  for (const name of readdirSync(dir).filter((file) => /\.(c?js)$/.test(file))) {
    const code = readFileSync(`${dir}/${name}`, "utf8")
    for (const [, target] of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\(\s*)["\x27](\.\/[^"\x27]+)["\x27]/g)) {
      if (!existsSync(`${dir}/${target}`)) missing.push(`${name} -> ${target}`)
    }
  }
  if (missing.length > 0) { console.error(`chunks named but not packed:\n${missing.join("\n")}`); process.exit(1) }
' "$tmp/unpacked/package/dist"

npx --no-install publint run --strict --pack false "$tarball"
# attw reads the tarball it is given and leaves it alone; publint got the same bytes.
npx --no-install attw --profile node16 --no-emoji --no-color "$tarball"
node scripts/size.mjs
