import { Principal } from '../accounts/principal';

/** What a principal owns: a user their own rows, a partner key its partner's rows. */
export type Owner =
  { ownerUserId: string; partnerId: null } | { ownerUserId: null; partnerId: string };

export function ownerOf(p: Principal): Owner {
  return p.kind === 'user'
    ? { ownerUserId: p.userId, partnerId: null }
    : { ownerUserId: null, partnerId: p.partnerId };
}

/** The column that says whose a row is, and its value: a user's or a partner's. */
export const ownerKey = (owner: Owner): [string, string] =>
  owner.ownerUserId ? ['owner_user_id', owner.ownerUserId] : ['partner_id', owner.partnerId!];
