import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PartnerEntity } from '../entities/partner.entity';
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  UnauthorizedError,
} from '../errors/domain-errors';
import { ApiKeyStanding } from './api-key-standing';
import { API_SCOPES, Principal } from './principal';
import { PartnerRepository } from './partner.repository';
import { newSecret, sameHash, sha256 } from './secrets';

const KEY_FORMAT = /^cak_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/**
 * Partner API keys: `cak_<prefix>_<secret>`. Shown once at issue; only the prefix (to find
 * the row) and a hash of the whole key are stored.
 */
@Injectable()
export class ApiKeyService {
  constructor(
    private readonly partners: PartnerRepository,
    private readonly standing: ApiKeyStanding,
  ) {}

  async createPartner(name: string): Promise<PartnerEntity> {
    if (!name.trim()) throw new InvalidInputError('partner name must not be empty');
    if (await this.partners.findByIdOrName(name))
      throw new ConflictError(`partner "${name}" already exists`);
    return this.partners.create(name.trim());
  }

  async issue(
    partnerRef: string,
    scopes: string[],
    label?: string,
  ): Promise<{ key: string; id: string; prefix: string; partnerId: string; scopes: string[] }> {
    const partner = await this.partners.findByIdOrName(partnerRef);
    if (!partner) throw new NotFoundError(`no partner "${partnerRef}"`);
    const unknown = scopes.filter((s) => !(API_SCOPES as readonly string[]).includes(s));
    if (scopes.length === 0 || unknown.length > 0) {
      throw new InvalidInputError(
        `scopes must be some of: ${API_SCOPES.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
      );
    }
    const prefix = newSecret(9)
      .replace(/[^A-Za-z0-9]/g, 'x')
      .slice(0, 12);
    const key = `cak_${prefix}_${newSecret(32)}`;
    const row = await this.partners.saveKey({
      id: randomUUID(),
      partnerId: partner.id,
      prefix,
      keyHash: sha256(key),
      scopes,
      label: label ?? null,
    });
    return { key, id: row.id, prefix, partnerId: partner.id, scopes };
  }

  async revoke(ref: string): Promise<void> {
    const key = await this.partners.findKey(ref);
    if (!key) throw new NotFoundError(`no API key "${ref}"`);
    await this.partners.revokeKey(key.id);
    await this.standing.changed(key.id);
  }

  async list(partnerRef?: string) {
    const partner = partnerRef ? await this.partners.findByIdOrName(partnerRef) : undefined;
    if (partnerRef && !partner) throw new NotFoundError(`no partner "${partnerRef}"`);
    return this.partners.listKeys(partner?.id);
  }

  /** The principal a presented key acts as; a revoked or unknown key is refused at once. */
  async authenticate(presented: string): Promise<Principal> {
    const m = KEY_FORMAT.exec(presented);
    if (!m) throw new UnauthorizedError('malformed API key');
    const row = await this.partners.findKeyByPrefix(m[1]);
    if (!row || !sameHash(row.keyHash, sha256(presented)))
      throw new UnauthorizedError('unknown API key');
    if (row.revokedAt) throw new UnauthorizedError('API key revoked');
    void this.partners.touchKey(row.id).catch(() => undefined);
    return { kind: 'partner', partnerId: row.partnerId, keyId: row.id, scopes: row.scopes };
  }
}
