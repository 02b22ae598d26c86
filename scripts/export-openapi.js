#!/usr/bin/env node
// `npm run openapi`: writes the OpenAPI document the API serves at /docs-json to openapi.json
// (committed; test/e2e/openapi-document.spec.ts fails when the two drift apart).
'use strict';
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

async function main() {
  const { loadConfig } = require('../dist/libs/domain/src/config/load-config');
  const { createApiApp } = require('../dist/apps/api/src/bootstrap');
  const { buildOpenApi } = require('../dist/apps/api/src/openapi');
  // this process's environment configures the app, with an in-memory database unless told
  const env = { DB_SQLITE_PATH: ':memory:', LOG_LEVEL: 'silent', ...process.env };
  const app = await createApiApp(loadConfig(env, 'api'));
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
