#!/usr/bin/env node
// `npm start`: the whole product on one machine — the API and the scheduler beside it, on the
// embedded default (SQLite file under ./data, offline engines, local blob folder).
// The API starts first (it migrates the SQLite file), then the scheduler. If either stops,
// both stop; Ctrl-C or SIGTERM stops both gracefully.
// The environment is read once, as the apps read it (./.env, the shell's variables winning,
// validated by the same loader), and the API says over IPC which address it actually took.
'use strict';
const { spawn } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { loadConfigOrExit } = require(path.join(root, 'dist/libs/domain/src/config/load-config'));
const config = loadConfigOrExit('api');
const children = [];
let stopping = false;

function run(name, file) {
  const child = spawn(process.execPath, [path.join(root, file)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
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
const shutdownMs = config.http.shutdownTimeoutMs + 2000;

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
    // an app stopped by our SIGTERM before it set up its own handling (a Ctrl-C right after
    // start) stopped as asked
    const failed = children.some((c) => c.exitCode !== 0 && c.signalCode !== 'SIGTERM');
    console.log(`[start] stopped in ${Date.now() - started} ms`);
    process.exit(code || (failed ? 1 : 0));
  });
}

/** The address the API reports once it listens (its IPC message), then its /health/live. */
function waitForApi(api, deadlineMs) {
  return new Promise((ok, fail) => {
    const started = Date.now();
    const timer = setTimeout(() => fail(new Error('API did not start')), deadlineMs);
    api.on('exit', () => clearTimeout(timer));
    api.on('message', (m) => {
      if (!m || m.event !== 'listening') return;
      clearTimeout(timer);
      probeUntilLive(m.url, started, deadlineMs).then(ok, fail);
    });
  });
}

function probeUntilLive(url, started, deadlineMs) {
  const { port } = new URL(url);
  // an API on every address (0.0.0.0 or ::) is reached on loopback too
  const host = new URL(url).hostname
    .replace(/^\[|\]$/g, '')
    .replace(/^(0\.0\.0\.0|::)$/, '127.0.0.1');
  return new Promise((ok, fail) => {
    const probe = () => {
      const req = http.get({ host, port, path: '/health/live', timeout: 1000 }, (res) => {
        res.resume();
        if (res.statusCode === 200) return ok(url);
        retry();
      });
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

const api = run('api', 'dist/apps/api/src/main.js');
waitForApi(api, 60000)
  .then((url) => {
    run('scheduler', 'dist/apps/scheduler/src/main.js');
    const studio = config.http.studio ? ` — studio ${url}/` : '';
    console.log(`[start] CastAD is running: API ${url}${studio} — docs ${url}/docs`);
  })
  .catch((err) => {
    console.error(`[start] ${err.message}`);
    stop(1);
  });
