import jwt from 'jsonwebtoken';
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
    // 2 s: `exp` is whole seconds, so a 1 s token signed late in a second can expire before a
    // busy machine verifies it; a 2 s one lives at least a second
    const tokens = new AccessTokens(config(2));
    const token = tokens.signAccess({ sub: 'u1', role: 'user', fam: 'f1' });
    expect(tokens.verifyAccess(token)).toMatchObject({ sub: 'u1', role: 'user', fam: 'f1' });
    expect(tokens.verifyAccess(token)).toMatchObject({ sub: 'u1' });
    await new Promise((r) => setTimeout(r, 3100));
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

  it('refuses a token signed with our secret but without an expiry', () => {
    const tokens = new AccessTokens(config(900));
    const forever = jwt.sign(
      { role: 'admin', fam: 'f1', typ: 'access' },
      'unit-secret-unit-secret-unit-secret-0',
      { algorithm: 'HS256', subject: 'u1', issuer: 'castad', audience: 'castad-api' },
    );
    expect(() => tokens.verifyAccess(forever)).toThrow(new UnauthorizedError('token invalid'));
    const state = jwt.sign({ n: 1 }, 'unit-secret-unit-secret-unit-secret-0', {
      algorithm: 'HS256',
      issuer: 'castad',
      audience: 'castad-login-state',
    });
    expect(() => tokens.verifyState(state)).toThrow(UnauthorizedError);
  });
});
