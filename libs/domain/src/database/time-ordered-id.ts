import { pooledRandomBytes } from '../crypto/random-pool';

/**
 * A UUID whose first 48 bits are the time in milliseconds (RFC 9562's version 7), the other 74
 * random: ids made later sort after (in a UUID's text too), so an InnoDB primary key and every
 * index that ends in one (e.g. the event log's `project_id, seq`) grows at its end. A random
 * (version 4) key lands each new row on a random page: once the table outgrows the buffer pool,
 * most inserts read a page back first, and the database's CPU per creation rose with the
 * table (see the README's Performance section). Still unguessable enough for an id (access is
 * checked against the owner anyway; secrets such as callback tokens are random bytes of their
 * own); it says when the row was made, which the row's `created_at` says too.
 */
export function timeOrderedId(at: Date = new Date()): string {
  const b = pooledRandomBytes(16);
  b.writeUIntBE(Math.max(0, Math.floor(at.getTime())), 0, 6);
  b[6] = (b[6] & 0x0f) | 0x70; // version 7
  b[8] = (b[8] & 0x3f) | 0x80; // the RFC variant
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
