#!/usr/bin/env node
// `npm start`: the whole product on one machine — the API and the scheduler beside it, on the
// embedded default (SQLite file under ./data, offline engines, local blob folder).
// The API starts first (it migrates the SQLite file), then the scheduler. If either stops,
// both stop; Ctrl-C or SIGTERM stops both gracefully.
'use strict';
const { spawn } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const port = Number(process.env.PORT || 3000);
const children = [];
let stopping = false;

function run(name, file) {
  const child = spawn(process.execPath, [path.join(root, file)], {
    stdio: 'inherit',
    env: process.env,
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] ${name} exited (${signal || code}); stopping`);
      stop(code || 1);
    }
  });
  children.push(child);
  return child;
}

// each app stops within SHUTDOWN_TIMEOUT_MS by itself; this waits for both, a little longer
const shutdownMs = Number(process.env.SHUTDOWN_TIMEOUT_MS || 10000) + 2000;

function stop(code) {
  if (stopping) return;
  stopping = true;
  const started = Date.now();
  console.log(`[start] stopping the API and the scheduler`);
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  const deadline = setTimeout(() => {
    console.error(`[start] still running after ${shutdownMs} ms; killing`);
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    process.exit(1);
  }, shutdownMs);
  Promise.all(
    children.map((c) =>
      c.exitCode === null && c.signalCode === null ? new Promise((ok) => c.on('exit', ok)) : null,
    ),
  ).then(() => {
    clearTimeout(deadline);
    const failed = children.some((c) => c.exitCode !== 0);
    console.log(`[start] stopped in ${Date.now() - started} ms`);
    process.exit(code || (failed ? 1 : 0));
  });
}

function waitForApi(deadlineMs) {
  return new Promise((ok, fail) => {
    const started = Date.now();
    const probe = () => {
      const req = http.get(
        { host: '127.0.0.1', port, path: '/health/live', timeout: 1000 },
        (res) => {
          res.resume();
          if (res.statusCode === 200) return ok();
          retry();
        },
      );
      req.on('error', retry);
      req.on('timeout', () => req.destroy());
    };
    const retry = () =>
      Date.now() - started > deadlineMs
        ? fail(new Error('API did not start'))
        : setTimeout(probe, 250);
    probe();
  });
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

run('api', 'dist/apps/api/src/main.js');
waitForApi(60000)
  .then(() => {
    run('scheduler', 'dist/apps/scheduler/src/main.js');
    console.log(
      `[start] CastAD is running: API http://localhost:${port} — docs http://localhost:${port}/docs`,
    );
  })
  .catch((err) => {
    console.error(`[start] ${err.message}`);
    stop(1);
  });
