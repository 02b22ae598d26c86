/* Per second of a phase, what the API instances' own stall logs say (bench/stall-hook.js): the
   worst event-loop lateness of any instance, the most GC pause of any one of them, and how many
   were late by LATE_MS or more that second. Several late together with GC: the instances' own
   work; late without GC: the machine gave their cores to something else. */
import { existsSync, readFileSync } from 'node:fs';

const LATE_MS = 100;

export interface ApiStallSecond {
  second: number;
  apiLateMaxMs: number;
  apiGcMaxMs: number;
  apiMajorGcMaxMs: number;
  apisLate: number;
}

/** The instances' stall lines from `startMs` (wall clock) on, by whole second since then. */
export function apiStallSeconds(
  logs: string[],
  startMs: number,
  seconds: number,
): Map<number, ApiStallSecond> {
  const bySecond = new Map<number, ApiStallSecond>();
  for (const log of logs) {
    if (!existsSync(log)) continue;
    for (const line of readFileSync(log, 'utf8').split('\n')) {
      if (!line) continue;
      const r = JSON.parse(line) as { s: number; late: number; gcMs: number; majorMs: number };
      const second = Math.floor((r.s * 1000 - Math.floor(startMs / 1000) * 1000) / 1000);
      if (second < 0 || second >= seconds) continue;
      const at = bySecond.get(second) ?? {
        second,
        apiLateMaxMs: 0,
        apiGcMaxMs: 0,
        apiMajorGcMaxMs: 0,
        apisLate: 0,
      };
      at.apiLateMaxMs = Math.max(at.apiLateMaxMs, r.late);
      at.apiGcMaxMs = Math.max(at.apiGcMaxMs, r.gcMs);
      at.apiMajorGcMaxMs = Math.max(at.apiMajorGcMaxMs, r.majorMs);
      if (r.late >= LATE_MS) at.apisLate++;
      bySecond.set(second, at);
    }
  }
  return bySecond;
}
