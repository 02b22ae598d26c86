#!/usr/bin/env node
// The types the studio page's script (apps/api/studio/studio.js, `// @ts-check`) is checked
// against: the committed openapi.json as openapi-typescript writes it, into
// apps/api/studio/castad-api.d.ts (not committed). `npm run typecheck` writes them, then checks
// the script with apps/api/studio/tsconfig.json.
'use strict';
const { readFileSync, statSync, utimesSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const out = path.join(root, 'apps/api/studio/castad-api.d.ts');

async function main() {
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const doc = JSON.parse(readFileSync(path.join(root, 'openapi.json'), 'utf8'));
  const header = '// Generated from openapi.json by scripts/studio-types.js: do not edit.\n';
  // creating the file touches its folder, which `npm start` would take for a changed source
  // (scripts/build-if-changed.js skips the file itself): the folder keeps its time
  const folder = statSync(path.dirname(out));
  writeFileSync(out, header + astToString(await openapiTS(doc)));
  utimesSync(path.dirname(out), folder.atimeMs / 1000, folder.mtimeMs / 1000);
}

main().catch((err) => {
  console.error(`studio types: ${err.message}`);
  process.exit(1);
});
