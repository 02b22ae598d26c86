import { hostname } from 'node:os';

/**
 * True when `holder` (a lease owner) is an earlier run of this same process: the default
 * instance id is `<host>-<pid>`, so a holder on this host whose pid is gone is us before a
 * crash, and its lease is taken back without waiting for it to expire. (An explicit
 * INSTANCE_ID, or a container restarted in place, is the same id after a restart: the lease
 * renews under it anyway.)
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
  return !alive(pid);
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
