/* Per second of a phase, what nginx itself saw (its access log, `log_format castad`): requests,
   and the p50/p99 of its own time per request (rt: first byte read to last byte sent) and of the
   upstream's (urt: the API's answer, connection included). Beside the client's per-second
   latencies they say where a slow second was spent: in the APIs (urt), in nginx (rt without
   urt), or before nginx (neither: the client, or the machine under it). */
import { readFileSync } from 'node:fs';
import { percentile } from './tls-load';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LINE =
  /\[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\].* rt=([\d.]+) urt=([\d.]+)/;

export interface NginxSecond {
  second: number;
  requests: number;
  rtP50ms: number;
  rtP99ms: number;
  urtP99ms: number;
}

/** The access log's lines from `startMs` (wall clock) on, by whole second since then. */
export function nginxSeconds(accessLog: string, startMs: number, seconds: number): NginxSecond[] {
  const bySecond = new Map<number, { rt: number[]; urt: number[] }>();
  for (const line of readFileSync(accessLog, 'utf8').split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const [, d, mon, y, hh, mm, ss, zone] = m;
    const at = Date.parse(
      `${y}-${String(MONTHS.indexOf(mon) + 1).padStart(2, '0')}-${d}T${hh}:${mm}:${ss}${zone.slice(0, 3)}:${zone.slice(3)}`,
    );
    // the log's clock has whole seconds: a line belongs to the phase's second it fell in
    const second = Math.floor((at - Math.floor(startMs / 1000) * 1000) / 1000);
    if (second < 0 || second >= seconds) continue;
    if (!bySecond.has(second)) bySecond.set(second, { rt: [], urt: [] });
    bySecond.get(second)!.rt.push(Number(m[8]) * 1000);
    bySecond.get(second)!.urt.push(Number(m[9]) * 1000);
  }
  return [...bySecond.entries()]
    .sort(([a], [b]) => a - b)
    .map(([second, { rt, urt }]) => {
      rt.sort((a, b) => a - b);
      urt.sort((a, b) => a - b);
      return {
        second,
        requests: rt.length,
        rtP50ms: Math.round(percentile(rt, 0.5)),
        rtP99ms: Math.round(percentile(rt, 0.99)),
        urtP99ms: Math.round(percentile(urt, 0.99)),
      };
    });
}
