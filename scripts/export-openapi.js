#!/usr/bin/env node
// `npm run openapi`: writes the OpenAPI document the API serves at /docs-json to openapi.json
// (committed; test/e2e/openapi-document.spec.ts fails when the two drift apart).
'use strict';
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

async function main() {
  process.env.DB_SQLITE_PATH ??= ':memory:';
  process.env.LOG_LEVEL ??= 'silent';
  const { createApiApp } = require('../dist/apps/api/src/bootstrap');
  const { buildOpenApi } = require('../dist/apps/api/src/openapi');
  const app = await createApiApp();
  await app.init();
  const file = join(__dirname, '..', 'openapi.json');
  writeFileSync(file, JSON.stringify(buildOpenApi(app), null, 2) + '\n');
  await app.close();
  console.log(`wrote ${file}`);
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
