/* Per second of a phase, what the whole machine did (from /proc): the cores busy, the cores
   busy with processes the bench did not start (other work on a shared machine, or the kernel),
   the cores idle waiting on the disk, and the dirty and in-writeback page cache. A slow second
   with `othersCores` up had its cores taken by something else; with `writebackMB` or
   `iowaitCores` up, the disk held it. */
import { readFileSync } from 'node:fs';
import { machineCpuSeconds } from './proc-cpu';

export interface MachineSecond {
  second: number;
  machineCores: number;
  othersCores: number;
  iowaitCores: number;
  dirtyMB: number;
  writebackMB: number;
}

function pageCacheMB(): { dirty: number; writeback: number } {
  const info = readFileSync('/proc/meminfo', 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return { dirty: kb('Dirty') / 1024, writeback: kb('Writeback') / 1024 };
}

/**
 * Samples once a second from now until stop(); `oursCpuSeconds` is the CPU seconds so far of
 * every process the bench runs (itself included).
 */
export function watchMachine(oursCpuSeconds: () => number) {
  const bySecond = new Map<number, MachineSecond>();
  const start = Date.now();
  let [at, machine, ours] = [start, machineCpuSeconds(), oursCpuSeconds()];
  // a tick may come late (the event loop is the load generator's): each sample is scaled to the
  // time it covers and filed under the second of its middle
  const timer = setInterval(() => {
    const [now, m, o] = [Date.now(), machineCpuSeconds(), oursCpuSeconds()];
    const span = Math.max(0.001, (now - at) / 1000);
    const cores = (cpuSec: number) => Number((cpuSec / span).toFixed(2));
    const second = Math.floor(((at + now) / 2 - start) / 1000);
    const page = pageCacheMB();
    bySecond.set(second, {
      second,
      machineCores: cores(m.busy - machine.busy),
      othersCores: cores(Math.max(0, m.busy - machine.busy - (o - ours))),
      iowaitCores: cores(m.iowait - machine.iowait),
      dirtyMB: Math.round(page.dirty),
      writebackMB: Math.round(page.writeback),
    });
    [at, machine, ours] = [now, m, o];
  }, 1000);
  return {
    stop(): Map<number, MachineSecond> {
      clearInterval(timer);
      return bySecond;
    },
  };
}
