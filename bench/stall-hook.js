/* Preloaded into an app process (NODE_OPTIONS="-r bench/stall-hook.js") by a bench that must
   say where a slow second went: per wall-clock second, this process's worst event-loop
   lateness (a 10 ms timer) and its GC pauses (all, and the major ones), appended as one JSON
   line per second to CASTAD_STALL_LOG. A second in which every instance was late together,
   with GC, is the instances' own; late without GC, the machine took their cores. */
const { appendFileSync } = require('node:fs');
const { performance, PerformanceObserver, constants } = require('node:perf_hooks');

const out = process.env.CASTAD_STALL_LOG;
if (out) {
  const TICK_MS = 10;
  /** by epoch second: { late, gcMs, majorMs } */
  const seconds = new Map();
  const at = (epochMs) => {
    const s = Math.floor(epochMs / 1000);
    if (!seconds.has(s)) seconds.set(s, { late: 0, gcMs: 0, majorMs: 0 });
    return seconds.get(s);
  };
  const epochOf = (perfMs) => performance.timeOrigin + perfMs;
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const rec = at(epochOf(now));
    rec.late = Math.max(rec.late, now - last - TICK_MS);
    last = now;
  }, TICK_MS).unref();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const rec = at(epochOf(e.startTime));
      rec.gcMs += e.duration;
      if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) rec.majorMs += e.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  // the seconds that are over, once a second (a second's GC entries arrive just after it)
  const flush = (all) => {
    const current = Math.floor(Date.now() / 1000);
    let lines = '';
    for (const [s, r] of seconds)
      if (all || s < current - 1) {
        lines += `${JSON.stringify({ s, late: Math.round(r.late), gcMs: Math.round(r.gcMs), majorMs: Math.round(r.majorMs) })}\n`;
        seconds.delete(s);
      }
    if (lines) appendFileSync(out, lines);
  };
  setInterval(() => flush(false), 1000).unref();
  process.on('exit', () => flush(true));
}
