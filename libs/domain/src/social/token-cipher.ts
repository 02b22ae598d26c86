import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/**
 * Social tokens at rest: AES-256-GCM with a random nonce per value, stored as
 * `v1.<nonce>.<tag>.<ciphertext>` (base64url). A database dump alone never yields a token.
 */
@Injectable()
export class TokenCipher {
  constructor(private readonly config: AppConfig) {}

  seal(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.config.socialTokenKey, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return [
      'v1',
      iv.toString('base64url'),
      c.getAuthTag().toString('base64url'),
      body.toString('base64url'),
    ].join('.');
  }

  open(sealed: string): string {
    const [v, iv, tag, body] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed token');
    const d = createDecipheriv(
      'aes-256-gcm',
      this.config.socialTokenKey,
      Buffer.from(iv, 'base64url'),
    );
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
  }
}
