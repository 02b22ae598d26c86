import { join } from 'node:path';
import { AccountService } from '@app/domain';
import { startApi, TestApi } from '../harness/api-app';
import { removeDir, tempDir } from '../harness/process';

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  $ref?: string;
  maxLength?: number;
  items?: Schema;
  enum?: unknown[];
  allOf?: Schema[];
  format?: string;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
};

const UUID = '7b0e5d1c-3f7a-4a53-9d43-2b1f0c9e8a61';

/** Bad input generated from the OpenAPI document, sent to every route: a 4xx naming the field, never a 5xx. */
describe('bad input on every documented route', () => {
  const dir = tempDir('bad-input');
  let api: TestApi;
  let doc: {
    paths: Record<
      string,
      Record<
        string,
        {
          requestBody?: { content: Record<string, { schema: Schema }> };
          parameters?: { in: string; name: string; schema: Schema; required?: boolean }[];
          responses: Record<string, unknown>;
        }
      >
    >;
    components: { schemas: Record<string, Schema> };
  };
  let user: string;
  let admin: string;

  beforeAll(async () => {
    // Kakao configured (never reached: every case is refused before), so its routes are live
    api = await startApi({
      DB_SQLITE_PATH: join(dir, 'bad.sqlite'),
      KAKAO_CLIENT_ID: 'k',
      KAKAO_APP_ID: '1',
      KAKAO_REDIRECT_URI: 'http://127.0.0.1/v1/auth/kakao/callback',
      KAKAO_AUTH_URL: 'http://127.0.0.1:9',
      KAKAO_API_URL: 'http://127.0.0.1:9',
    });
    doc = (await api.request('GET', '/docs-json')).body;
    const u = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'bad' } })).body;
    user = u.accessToken;
    const a = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'admin' } }))
      .body;
    await api.get(AccountService).setRole(a.user.id, 'admin');
    admin = (
      await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: a.refreshToken } })
    ).body.accessToken;
  });
  afterAll(async () => {
    await api.close();
    removeDir(dir);
  });

  const resolve = (s: Schema): Schema =>
    s.$ref
      ? resolve(doc.components.schemas[s.$ref.split('/').pop()!])
      : s.allOf
        ? s.allOf.map(resolve).reduce((a, b) => ({
            ...a,
            ...b,
            properties: { ...a.properties, ...b.properties },
            required: [...(a.required ?? []), ...(b.required ?? [])],
          }))
        : s;
  const wrongValue = (s: Schema): unknown =>
    resolve(s).type === 'string'
      ? 12345
      : resolve(s).type === 'array'
        ? 'not-an-array'
        : 'not-a-number';
  const token = (path: string) => (path.startsWith('/v1/admin') ? admin : user);
  const url = (path: string) => path.replace(/\{[^}]+\}/g, UUID);

  it('answers wrong types, missing, unknown and oversized fields, and malformed JSON with a 4xx naming the problem, each status documented', async () => {
    const failures: string[] = [];
    let cases = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      // JSON-RPC: the MCP transport answers a message it cannot read with a JSON-RPC error
      // object, as the MCP specification says (test/e2e/mcp.spec.ts)
      if (path === '/mcp') continue;
      for (const [method, op] of Object.entries(ops)) {
        const m = method.toUpperCase() as 'POST';
        // every answer is one the document lists for the operation
        const documented = (label: string, status: number) => {
          if (!op.responses[String(status)])
            failures.push(`${m} ${path} ${label}: ${status} is not documented`);
        };
        const schema = op.requestBody?.content['application/json']?.schema;
        const send = async (label: string, body: unknown, expectName?: string, raw?: string) => {
          cases++;
          const res =
            raw !== undefined
              ? await api.app.inject({
                  method: m,
                  url: url(path),
                  headers: {
                    authorization: `Bearer ${token(path)}`,
                    'content-type': 'application/json',
                  },
                  payload: raw,
                })
              : await api.app.inject({
                  method: m,
                  url: url(path),
                  headers: { authorization: `Bearer ${token(path)}` },
                  payload: body as object,
                });
          const text = res.body;
          documented(label, res.statusCode);
          if (res.statusCode >= 500 || res.statusCode < 400)
            failures.push(`${m} ${path} ${label}: ${res.statusCode} ${text.slice(0, 120)}`);
          else if (expectName && !text.includes(expectName))
            failures.push(
              `${m} ${path} ${label}: message does not name ${expectName}: ${text.slice(0, 160)}`,
            );
        };
        if (schema) {
          const s = resolve(schema);
          await send('malformed JSON', undefined, undefined, '{"broken": ');
          await send('unknown field', { __unknown_field: 1 }, '__unknown_field');
          for (const [name, prop] of Object.entries(s.properties ?? {})) {
            await send(`wrong type for ${name}`, { [name]: wrongValue(prop) }, name);
            const p = resolve(prop);
            // null is a value of its own: refused unless the document says the field is nullable
            if (!p.nullable) await send(`null for ${name}`, { [name]: null }, name);
            if (p.type === 'string' && !p.enum && !p.format)
              await send(
                `oversized ${name}`,
                { [name]: 'x'.repeat((p.maxLength ?? 5000) + 1) },
                name,
              );
          }
          for (const name of s.required ?? []) await send(`missing ${name}`, {}, name);
        }
        if (op.requestBody) {
          // a body over the limit, and a body of a type the operation does not take
          for (const [label, type, payload] of [
            ['a body over 1 MB', 'application/json', `{"x":"${'x'.repeat(1024 * 1024)}"}`],
            ['an XML body', 'application/xml', '<store/>'],
          ]) {
            cases++;
            const res = await api.app.inject({
              method: m,
              url: url(path),
              headers: { authorization: `Bearer ${token(path)}`, 'content-type': type },
              payload,
            });
            documented(label, res.statusCode);
            if (res.statusCode >= 500 || res.statusCode < 400)
              failures.push(`${m} ${path} ${label}: ${res.statusCode}`);
          }
        }
        for (const q of (op.parameters ?? []).filter((x) => x.in === 'query')) {
          cases++;
          const type = resolve(q.schema).type;
          const bad = type === 'number' || type === 'integer' ? 'abc' : 'x'.repeat(5000);
          const res = await api.app.inject({
            method: m,
            url: `${url(path)}?${q.name}=${bad}`,
            headers: { authorization: `Bearer ${token(path)}` },
          });
          documented(`?${q.name}=bad`, res.statusCode);
          if (res.statusCode >= 500 || res.statusCode < 400)
            failures.push(`${m} ${path} ?${q.name}=bad: ${res.statusCode}`);
          // a refusal (bad login state, bad file signature) comes before input checks and says so instead
          else if (res.statusCode === 400 && !res.body.includes(q.name))
            failures.push(
              `${m} ${path} ?${q.name}=bad: message does not name ${q.name}: ${res.body.slice(0, 160)}`,
            );
        }
        // a malformed id in the path
        if (path.includes('{')) {
          cases++;
          const res = await api.app.inject({
            method: m,
            url: path.replace(/\{[^}]+\}/g, 'not-a-uuid'),
            headers: { authorization: `Bearer ${token(path)}` },
          });
          documented('bad id', res.statusCode);
          if (res.statusCode >= 500) failures.push(`${m} ${path} bad id: ${res.statusCode}`);
          // a refused id says which of the path's parameters it is
          const params = [...path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => name);
          if (
            /uuid/i.test(res.body) &&
            !params.some((name) => res.body.includes(`${name} in the path must be a UUID`))
          )
            failures.push(`${m} ${path} bad id: does not name the parameter: ${res.body}`);
        }
      }
    }
    expect(cases).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  });
  it.each([
    ['an object 5,000 deep', '{"name":'.repeat(5000) + '"x"' + '}'.repeat(5000)],
    ['an array 100,000 deep', '['.repeat(100_000) + ']'.repeat(100_000)],
    [
      'a store 40 levels deep',
      JSON.stringify({ name: 'x', menu: [JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40))] }),
    ],
  ])('refuses %s with a 400 that says why, before validation', async (_what, payload) => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/stores',
      headers: { authorization: `Bearer ${user}`, 'content-type': 'application/json' },
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      statusCode: 400,
      message: 'the JSON body is nested deeper than 32 levels',
    });
  });

  it('refuses a project whose lengthSec is null, naming it, and makes none', async () => {
    const store = await api.request('POST', '/v1/stores', {
      token: user,
      body: { name: '널 가게' },
    });
    const res = await api.request('POST', '/v1/projects', {
      token: user,
      body: { storeId: store.body.id, lengthSec: null },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toContain('lengthSec');
    const mine = await api.request('GET', '/v1/projects', { token: user });
    expect(mine.body.items).toEqual([]);
  });

  it('still takes an ordinary body and still refuses prototype poisoning', async () => {
    const ok = await api.request('POST', '/v1/stores', {
      token: user,
      body: { name: '평범한 가게', menu: [{ name: '김밥' }] },
    });
    expect(ok.status).toBe(201);
    const poisoned = await api.app.inject({
      method: 'POST',
      url: '/v1/stores',
      headers: { authorization: `Bearer ${user}`, 'content-type': 'application/json' },
      payload: '{"name":"x","__proto__":{"admin":true}}',
    });
    expect(poisoned.statusCode).toBe(400);
  });
});
