/* CPU seconds of processes the bench started (nginx, MariaDB, Redis), read from /proc, and how
   busy the whole machine was: what explains a latency goal that is missed. */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** [ppid, user + system seconds] of one live process, from /proc/<pid>/stat */
function stat(pid: number): [number, number] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name (which may hold spaces), in parentheses
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return [Number(f[1]), (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND];
  } catch {
    return undefined;
  }
}

/** CPU seconds of `pid` and its live children (nginx's workers, say). */
export function cpuSecondsWithChildren(pid: number | undefined): number {
  if (!pid) return 0;
  let total = stat(pid)?.[1] ?? 0;
  for (const entry of readdirSync('/proc')) {
    const child = Number(entry);
    if (!child || child === pid) continue;
    const s = stat(child);
    if (s && s[0] === pid) total += s[1];
  }
  return total;
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const t = line.trim().split(/\s+/).slice(1).map(Number);
  const total = t.reduce((a, b) => a + b, 0);
  const idle = t[3] + (t[4] ?? 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}
