#!/usr/bin/env node
// `npm start`'s build: skipped when dist/ was built after every change to what it is built from
// (apps/ and libs/, the tsconfigs, the lockfile), so a second start is quick.
'use strict';
const { execSync } = require('node:child_process');
const { existsSync, readdirSync, statSync, utimesSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const INPUTS = ['apps', 'libs', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
const STAMP = path.join('dist', '.built');

/** The newest modification time under a file or folder (0 when it does not exist). */
function newest(file) {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(file)) latest = Math.max(latest, newest(path.join(file, entry)));
  return latest;
}

/** Whether the tree at `root` changed since its last build (or was never built this way). */
function needsBuild(root) {
  const stamp = path.join(root, STAMP);
  const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  return INPUTS.some((f) => newest(path.join(root, f)) >= builtAt);
}

/** Builds, then stamps dist/ with the time the build started: an edit made meanwhile counts. */
function build(root) {
  const started = new Date();
  execSync('npm run --silent build', { cwd: root, stdio: 'inherit' });
  const stamp = path.join(root, STAMP);
  writeFileSync(stamp, `${started.toISOString()}\n`);
  utimesSync(stamp, started, started);
}

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  if (needsBuild(root)) build(root);
  else console.log('[build] dist/ is up to date (sources unchanged since the last build)');
}

module.exports = { needsBuild };
