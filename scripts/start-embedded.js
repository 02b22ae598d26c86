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

function stop(code) {
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  const deadline = setTimeout(() => process.exit(code), 15000);
  Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((ok) => c.on('exit', ok)) : null)),
  ).then(() => {
    clearTimeout(deadline);
    process.exit(code);
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
