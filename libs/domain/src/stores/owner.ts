import { Principal } from '../accounts/principal';

/** What a principal owns: a user their own rows, a partner key its partner's rows. */
export type Owner =
  { ownerUserId: string; partnerId: null } | { ownerUserId: null; partnerId: string };

export function ownerOf(p: Principal): Owner {
  return p.kind === 'user'
    ? { ownerUserId: p.userId, partnerId: null }
    : { ownerUserId: null, partnerId: p.partnerId };
}
