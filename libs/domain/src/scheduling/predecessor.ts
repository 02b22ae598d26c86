import { hostname } from 'node:os';

/**
 * True when `holder` (a lease owner) is an earlier run of this same process: the default
 * instance id is `<host>-<pid>`, so a holder on this host whose pid is gone, or is our own pid
 * (a container restarted in place), is us before a crash. Such a lease is taken back at once
 * instead of waiting for it to expire. An explicit INSTANCE_ID is the same id after a restart,
 * and the lease renews under it anyway.
 */
export function isOwnPredecessor(
  holder: string,
  me: string,
  host = hostname(),
  alive = isAlive,
): boolean {
  if (holder === me || !holder.startsWith(`${host}-`)) return false;
  const pid = Number(holder.slice(host.length + 1));
  if (!Number.isInteger(pid) || pid <= 0) return false;
  return pid === process.pid || !alive(pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
