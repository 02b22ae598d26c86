import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { startApi, TestApi } from '../harness/api-app';
import { removeDir, tempDir } from '../harness/process';

describe('access tokens with RS256 keys', () => {
  const dir = tempDir('rs256');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  let api: TestApi;
  let session: { accessToken: string; user: { id: string } };

  beforeAll(async () => {
    api = await startApi({
      DB_SQLITE_PATH: join(dir, 'rs.sqlite'),
      JWT_ALGORITHM: 'RS256',
      // as an env file would carry them: one line, newlines escaped
      JWT_PRIVATE_KEY: privatePem.replace(/\n/g, '\\n'),
      JWT_PUBLIC_KEY: publicPem.replace(/\n/g, '\\n'),
    });
    session = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'rs' } })).body;
  });

  afterAll(async () => {
    await api.close();
    removeDir(dir);
  });

  it('signs with the private key: its own tokens work', async () => {
    expect(
      JSON.parse(Buffer.from(session.accessToken.split('.')[0], 'base64url').toString()).alg,
    ).toBe('RS256');
    expect((await api.request('GET', '/v1/me', { token: session.accessToken })).status).toBe(200);
  });

  it('refuses the algorithm-confusion attack (HS256 signed with the public key as the secret)', async () => {
    const [, payload] = session.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    const { createHmac } = await import('node:crypto');
    const sig = createHmac('sha256', publicPem).update(`${header}.${body}`).digest('base64url');
    expect((await api.request('GET', '/v1/me', { token: `${header}.${body}.${sig}` })).status).toBe(
      401,
    );
  });

  it('refuses a token signed by another key pair', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forged = jwt.sign({ role: 'user', typ: 'access', fam: 'f' }, other, {
      algorithm: 'RS256',
      issuer: 'castad',
      audience: 'castad-api',
      subject: session.user.id,
      expiresIn: 60,
    });
    expect((await api.request('GET', '/v1/me', { token: forged })).status).toBe(401);
  });
});
