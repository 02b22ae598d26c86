import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ApiKeyService } from '@app/domain';
import { startApi, startScheduler, TestApi } from '../harness/api-app';
import { freePort, waitFor } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(300_000);

type ToolAnswer = { isError?: boolean; structuredContent?: any; content: { text: string }[] };

/**
 * The MCP endpoint driven as an agent drives it: the official MCP client over streamable HTTP,
 * with a partner API key, on the embedded stack (offline engines, SQLite, local files).
 */
describe('MCP at /mcp (streamable HTTP, partner API keys)', () => {
  const dir = tempDir('mcp');
  let api: TestApi;
  let scheduler: Awaited<ReturnType<typeof startScheduler>>;
  let url: URL;
  let writer: string;
  let reader: string;
  const clients: Client[] = [];
  const env: Record<string, string> = {
    DB_SQLITE_PATH: join(dir, 'castad.sqlite'),
    BLOB_LOCAL_ROOT: join(dir, 'blobs'),
    WORK_DIR: join(dir, 'work'),
    PIPELINE_POLL_MS: '100',
    FFMPEG_TIMEOUT_MS: '240000',
    JWT_SECRET: 'mcp-secret-mcp-secret-mcp-secret-mcp-secret',
  };

  /** An agent connected with this API key. */
  async function agent(apiKey: string): Promise<Client> {
    const client = new Client({ name: 'test-agent', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(url, { requestInit: { headers: { 'x-api-key': apiKey } } }),
    );
    clients.push(client);
    return client;
  }

  const call = async (client: Client, name: string, args: Record<string, unknown>) => {
    const r = (await client.callTool({ name, arguments: args })) as ToolAnswer;
    if (r.isError) throw new Error(`${name}: ${r.content[0]?.text}`);
    return r.structuredContent;
  };

  beforeAll(async () => {
    const port = await freePort();
    Object.assign(env, { PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` });
    api = await startApi(env);
    await api.app.listen(port, '127.0.0.1');
    url = new URL(`http://127.0.0.1:${port}/mcp`);
    scheduler = await startScheduler(env);
    const keys = api.get(ApiKeyService);
    await keys.createPartner('Agency');
    writer = (
      await keys.issue('Agency', ['stores:read', 'stores:write', 'projects:read', 'projects:write'])
    ).key;
    reader = (await keys.issue('Agency', ['stores:read', 'projects:read'])).key;
  });

  afterAll(async () => {
    for (const c of clients) await c.close();
    await scheduler?.close();
    await api?.close();
    removeDir(dir);
  });

  it('lists the tools with typed input and output schemas, costs and idempotency keys', async () => {
    const { tools } = await (await agent(writer)).listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        'choose_clip',
        'choose_lyrics',
        'create_project',
        'create_store',
        'get_choices',
        'get_progress',
        'list_videos',
        'publish',
        'read_video_results',
        'search_stores',
      ].sort(),
    );
    const create = tools.find((t) => t.name === 'create_project')!;
    expect(create.inputSchema.required).toEqual(
      expect.arrayContaining(['storeId', 'idempotencyKey']),
    );
    expect((create.inputSchema.properties as any).mood.enum).toEqual([
      'bright',
      'calm',
      'energetic',
      'emotional',
    ]);
    expect(create.outputSchema?.properties).toHaveProperty('progress');
    expect(create.description).toMatch(/pays providers/);
    expect(tools.find((t) => t.name === 'get_progress')!.description).toMatch(/Costs nothing/);
    expect(tools.find((t) => t.name === 'get_progress')!.annotations?.readOnlyHint).toBe(true);
  });

  it('store -> project -> progress -> video, to a finished video with a signed link', async () => {
    const client = await agent(writer);
    const found = await call(client, 'search_stores', { query: '해운대 국밥' });
    expect(found.items[0]).toMatchObject({ name: '해운대 할매국밥' });
    const storeArgs = {
      ...found.items[0],
      link: undefined,
      source: 'sample',
      idempotencyKey: 'store-1',
    };
    const store = await call(client, 'create_store', storeArgs);
    const projectArgs = {
      storeId: store.id,
      mood: 'calm',
      genre: 'trot',
      lengthSec: 15,
      autopilot: true,
      idempotencyKey: 'project-1',
    };
    const project = await call(client, 'create_project', projectArgs);
    expect(project).toMatchObject({ storeId: store.id, autopilot: true });
    expect(project.options).toMatchObject({ mood: 'calm', genre: 'trot', lengthSec: 15 });
    const done = await waitFor(
      'the project to finish',
      async () => {
        const p = await call(client, 'get_progress', { projectId: project.id });
        if (p.state === 'FAILED') throw new Error(`FAILED: ${p.lastError}`);
        return p.state === 'DONE' ? p : undefined;
      },
      240_000,
      200,
    );
    expect(done.progress).toMatchObject({ percent: 100, etaSec: 0 });
    const choices = await call(client, 'get_choices', { projectId: project.id });
    expect(choices.lyrics.length).toBeGreaterThan(0);
    expect(choices.clips.some((c: { selected: boolean }) => c.selected)).toBe(true);
    const videos = await call(client, 'list_videos', {});
    expect(videos.items).toHaveLength(1);
    expect(videos.items[0]).toMatchObject({ projectId: project.id, width: 1080, height: 1920 });
    const link = new URL(videos.items[0].videoUrl);
    const mp4 = await fetch(`${url.origin}${link.pathname}${link.search}`);
    expect(mp4.status).toBe(200);
    expect((await mp4.arrayBuffer()).byteLength).toBeGreaterThan(10_000);

    // the same calls with the same keys create nothing new: what they made comes back, as it
    // is now (the project finished since; no stored first answer)
    expect((await call(client, 'create_store', storeArgs)).id).toBe(store.id);
    const projectAgain = await call(client, 'create_project', projectArgs);
    expect(projectAgain.id).toBe(project.id);
    expect(projectAgain.state).toBe('DONE');
    const stores = await api.request('GET', '/v1/stores', { apiKey: writer });
    expect(stores.body.items).toHaveLength(1);
    const projects = await api.request('GET', '/v1/projects', { apiKey: writer });
    expect(projects.body.items).toHaveLength(1);
    // a key reused with other arguments is refused, as on REST (422)
    const misuse = (await client.callTool({
      name: 'create_store',
      arguments: { name: '다른 가게', idempotencyKey: 'store-1' },
    })) as ToolAnswer;
    expect(misuse.isError).toBe(true);
    expect(JSON.parse(misuse.content[0].text)).toMatchObject({ statusCode: 422 });
  });

  it('refuses (403, the REST error body) a tool outside the key’s scopes, and publishing to keys', async () => {
    const client = await agent(reader);
    // reading is within its scopes
    expect((await call(client, 'list_videos', {})).items).toEqual(expect.any(Array));
    const refused = client.callTool({
      name: 'create_store',
      arguments: { name: '몰래 가게', idempotencyKey: 'sneaky-1' },
    });
    await expect(refused).rejects.toMatchObject({ code: 403 });
    await expect(refused).rejects.toThrow(/lacks the scope stores:write/);
    // publishing is for signed-in users, on REST and here
    await expect(
      (await agent(writer)).callTool({
        name: 'publish',
        arguments: {
          projectId: '7b0e5d1c-3f7a-4a53-9d43-2b1f0c9e8a61',
          accounts: ['7b0e5d1c-3f7a-4a53-9d43-2b1f0c9e8a61'],
          title: 't',
          privacy: 'private',
          idempotencyKey: 'pub-1',
        },
      }),
    ).rejects.toMatchObject({ code: 403 });
    // and so are a video's results (the owner's, on REST and here)
    await expect(
      (await agent(reader)).callTool({
        name: 'read_video_results',
        arguments: { projectId: '7b0e5d1c-3f7a-4a53-9d43-2b1f0c9e8a61' },
      }),
    ).rejects.toMatchObject({ code: 403 });
    // nothing was created by the refused call
    expect((await api.request('GET', '/v1/stores', { apiKey: writer })).body.items).toHaveLength(1);
  });

  it('answers 401 without a key and carries the same rate-limit, request id and instance headers as REST', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    expect((await fetch(url, { method: 'POST', headers, body })).status).toBe(401);
    const ok = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'x-api-key': reader },
      body,
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('ratelimit-limit')).toBe('100000');
    expect(Number(ok.headers.get('ratelimit-remaining'))).toBeLessThan(100000);
    // written on the raw response by the SDK: still says which instance answered, and its id
    expect(ok.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok.headers.get('x-instance-id')).toBeTruthy();
  });

  it('refuses a JSON-RPC batch (one rate-limited request must not carry many tool calls)', async () => {
    const call = (id: number) => ({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: 'search_stores', arguments: { query: '국밥' } },
    });
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'x-api-key': reader,
      },
      body: JSON.stringify([call(1), call(2), call(3)]),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(
      /one JSON-RPC message per request/,
    );
  });
});
