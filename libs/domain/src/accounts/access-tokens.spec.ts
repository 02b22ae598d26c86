import { AppConfig } from '../config/app-config';
import { UnauthorizedError } from '../errors/domain-errors';
import { AccessTokens } from './access-tokens';

const config = (accessTtlSec: number) =>
  ({
    auth: {
      jwt: { algorithm: 'HS256', secret: 'unit-secret-unit-secret-unit-secret-0' },
      accessTtlSec,
    },
  }) as AppConfig;

describe('AccessTokens', () => {
  it('remembers a verified token, but never past its expiry', async () => {
    const tokens = new AccessTokens(config(1));
    const token = tokens.signAccess({ sub: 'u1', role: 'user', fam: 'f1' });
    expect(tokens.verifyAccess(token)).toMatchObject({ sub: 'u1', role: 'user', fam: 'f1' });
    expect(tokens.verifyAccess(token)).toMatchObject({ sub: 'u1' });
    await new Promise((r) => setTimeout(r, 2100));
    expect(() => tokens.verifyAccess(token)).toThrow(new UnauthorizedError('token expired'));
  });

  it('never remembers a token that failed: a tampered one stays refused', () => {
    const tokens = new AccessTokens(config(900));
    const token = tokens.signAccess({ sub: 'u1', role: 'user', fam: 'f1' });
    const [h, p, s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), role: 'admin' })).toString('base64url')}.${s}`;
    expect(() => tokens.verifyAccess(forged)).toThrow(UnauthorizedError);
    expect(() => tokens.verifyAccess(forged)).toThrow(UnauthorizedError);
  });
});
