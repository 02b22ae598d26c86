#!/usr/bin/env node
// The types the studio page's script (apps/api/studio/studio.js, `// @ts-check`) is checked
// against: the committed openapi.json as openapi-typescript writes it, into
// apps/api/studio/castad-api.d.ts (not committed). `npm run typecheck` writes them, then checks
// the script with apps/api/studio/tsconfig.json.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const out = path.join(root, 'apps/api/studio/castad-api.d.ts');

async function main() {
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const doc = JSON.parse(readFileSync(path.join(root, 'openapi.json'), 'utf8'));
  const header = '// Generated from openapi.json by scripts/studio-types.js: do not edit.\n';
  writeFileSync(out, header + astToString(await openapiTS(doc)));
}

main().catch((err) => {
  console.error(`studio types: ${err.message}`);
  process.exit(1);
});
