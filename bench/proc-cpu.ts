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

/**
 * CPU seconds of the whole machine (all cores), from /proc/stat: busy, and within it what no
 * process is charged with (interrupts, softirq: loopback TCP among them) and steal (the
 * hypervisor's).
 */
export function machineCpuSeconds(): {
  busy: number;
  total: number;
  interrupts: number;
  steal: number;
  /** idle while a disk write or read of some process was outstanding */
  iowait: number;
} {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  // user nice system idle iowait irq softirq steal (guest time is within user)
  const t = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = t.reduce((a, b) => a + b, 0);
  const idle = t[3] + t[4];
  return {
    busy: (total - idle) / TICKS_PER_SECOND,
    total: total / TICKS_PER_SECOND,
    interrupts: (t[5] + t[6]) / TICKS_PER_SECOND,
    steal: t[7] / TICKS_PER_SECOND,
    iowait: t[4] / TICKS_PER_SECOND,
  };
}

/** The live children of `pid` (nginx's workers). */
export function childPids(pid: number | undefined): number[] {
  if (!pid) return [];
  return readdirSync('/proc')
    .map(Number)
    .filter((child) => child && stat(child)?.[0] === pid);
}

/** CPU seconds of the processes `pids` (no scan of /proc: cheap enough to read every second). */
export function cpuSecondsOf(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (stat(pid)?.[1] ?? 0), 0);
}

/** CPU seconds of each live child of `pid` (nginx's workers): an uneven share shows in it. */
export function childCpuSeconds(pid: number | undefined): number[] {
  if (!pid) return [];
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const s = Number(entry) ? stat(Number(entry)) : undefined;
    if (s && s[0] === pid) out.push(s[1]);
  }
  return out;
}

/**
 * TCP connections on 127.0.0.1 to or from `ports` (the API instances), by state: TIME_WAIT
 * counts connections closed lately (nginx opening a new upstream connection per request shows
 * as a growing TIME_WAIT), ESTABLISHED the open ones.
 */
export function tcpStates(ports: number[]): { established: number; timeWait: number } {
  const wanted = new Set(ports);
  let established = 0;
  let timeWait = 0;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    const local = parseInt(f[1].split(':')[1], 16);
    const remote = parseInt(f[2].split(':')[1], 16);
    if (!wanted.has(local) && !wanted.has(remote)) continue;
    if (f[3] === '01') established += 0.5; // both ends are listed
    if (f[3] === '06') timeWait++;
  }
  return { established, timeWait };
}
