#!/usr/bin/env node
// `npm start`'s build: skipped when dist/ was built after every change to what it is built from
// (apps/ and libs/, the tsconfigs, the lockfile), so a second start is quick. The marker is
// dist/.built, left by `npm run build` itself (whoever runs it: this script, `npm test`, the
// benches) with the time the build started: touched as dist/.building before tsc, renamed when
// everything is built (a rename keeps the time), so an edit made during a build counts and a
// build that failed leaves none.
'use strict';
const { spawn } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const INPUTS = ['apps', 'libs', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
const STAMP = path.join('dist', '.built');
// written under apps/ by `npm run typecheck` (scripts/studio-types.js) and read only by the type
// check, never at run time: a type check between two starts must not cost the second a build
const GENERATED = new Set(['castad-api.d.ts']);

/** The newest modification time under a file or folder (0 when it does not exist). */
function newest(file) {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(file))
    if (!GENERATED.has(entry)) latest = Math.max(latest, newest(path.join(file, entry)));
  return latest;
}

/** Whether the tree at `root` changed since its last build (or was never built this way). */
function needsBuild(root) {
  return buildReason(root) !== null;
}

/** Why the tree at `root` must be built, or null when dist/ is up to date. */
function buildReason(root) {
  const stamp = path.join(root, STAMP);
  if (!existsSync(stamp)) return 'no build yet';
  const builtAt = statSync(stamp).mtimeMs;
  return INPUTS.some((f) => newest(path.join(root, f)) >= builtAt)
    ? 'sources changed since the last build'
    : null;
}

/**
 * Builds, saying what it does (tsc prints nothing until it is done: a first build is about a
 * minute of silence otherwise). Resolves once built (the build marked dist/); rejects when the
 * build fails.
 */
function build(root, reason, tickMs = 10_000) {
  const started = new Date();
  const seconds = () => Math.round((Date.now() - started.getTime()) / 1000);
  console.log(
    `[build] ${reason}: compiling apps/ and libs/ into dist/ (a first build takes about a minute)`,
  );
  const ticker = setInterval(() => console.log(`[build] still compiling (${seconds()} s)`), tickMs);
  return new Promise((ok, fail) => {
    const child = spawn('npm run --silent build', { cwd: root, stdio: 'inherit', shell: true });
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      clearInterval(ticker);
      if (code !== 0) return fail(new Error(`the build failed (${signal || `exit code ${code}`})`));
      console.log(`[build] built in ${seconds()} s`);
      ok();
    });
  });
}

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  const reason = buildReason(root);
  if (reason)
    build(root, reason).catch((err) => {
      console.error(`[build] ${err.message}`);
      process.exit(1);
    });
  else console.log('[build] dist/ is up to date (sources unchanged since the last build)');
}

module.exports = { needsBuild, build };
