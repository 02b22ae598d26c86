import { Entity } from 'typeorm';
import { Str, Time } from './columns';

/**
 * One 2- or 3-character piece of a user's nickname or email (accounts/user-search.ts): the
 * admin user search reads a gram's users newest first from the key alone. `created_at` is the
 * user's, copied so the key is in the list's order; a deleted account has none.
 */
@Entity('user_search_grams')
export class UserSearchGramEntity {
  @Str(12, { primary: true }) gram: string;
  @Time({ primary: true }) createdAt: Date;
  @Str(36, { primary: true }) userId: string;
}
