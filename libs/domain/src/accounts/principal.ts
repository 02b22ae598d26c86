import { UserRole } from '../entities/user.entity';

/** Who is calling: a signed-in user, or a partner integrator's API key. */
export type Principal =
  | { kind: 'user'; userId: string; role: UserRole }
  | { kind: 'partner'; partnerId: string; keyId: string; scopes: string[] };

/**
 * Scopes a partner key can be given. Users act on their own data without scopes. `publish`
 * publishes the partner's finished videos, only to accounts whose owners let that partner
 * publish there (SocialService.allowPartner).
 */
export const API_SCOPES = [
  'stores:read',
  'stores:write',
  'projects:read',
  'projects:write',
  'publish',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];
