import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';

/** The URL of the address a server actually bound (the port may differ from the one asked). */
export function boundUrl(address: AddressInfo | string | null): string {
  if (!address || typeof address === 'string') return String(address);
  const host = isIP(address.address) === 6 ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

/**
 * Why the start-up log should warn about where the API listens: dev login makes an account for
 * any nickname, so an API that has it on and listens beyond this machine lets anyone on the
 * network in. Listening elsewhere is allowed (HOST is an explicit choice), but said out loud.
 */
export function exposureWarning(host: string, devLogin: boolean): string | null {
  if (!devLogin || LOOPBACK.test(host)) return null;
  return (
    `HOST=${host}: the API is reachable from other machines while dev login ` +
    `(sign-in with any nickname, no password) is on; use HOST=127.0.0.1 unless you mean it`
  );
}
