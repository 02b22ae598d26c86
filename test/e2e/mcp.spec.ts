import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import sharp from 'sharp';
import { AI_NOTICE, ApiKeyService } from '@app/domain';
import { startApi, startScheduler, TestApi } from '../harness/api-app';
import { freePort, waitFor } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';
import { fakeEnv } from '../fakes/env';
import { FakeGoogle } from '../fakes/google.fake';
import { FakeInstagram } from '../fakes/instagram.fake';

jest.setTimeout(300_000);

type ToolAnswer = { isError?: boolean; structuredContent?: any; content: { text: string }[] };

/**
 * The MCP endpoint driven as an agent drives it: the official MCP client over streamable HTTP,
 * with a partner API key, on the embedded stack (offline engines, SQLite, local files) publishing
 * to the YouTube and Instagram fakes, to accounts whose owner let the partner publish there.
 */
describe('MCP at /mcp (streamable HTTP, partner API keys)', () => {
  const dir = tempDir('mcp');
  const google = new FakeGoogle();
  const instagram = new FakeInstagram();
  let images: Server;
  let photoUrl: string;
  let api: TestApi;
  let scheduler: Awaited<ReturnType<typeof startScheduler>>;
  let url: URL;
  /** every scope, `publish` included */
  let writer: string;
  /** makes stores and projects, but may not publish */
  let maker: string;
  let reader: string;
  /** reads stores only */
  let storeReader: string;
  /** another partner's key with `publish` */
  let rival: string;
  /** the store owner whose accounts the partner publishes to */
  let owner: string;
  const accounts: Record<string, string> = {};
  let projectId: string;
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

  /** The owner connects an account (the fake consents at once); its id. */
  async function connect(platform: string): Promise<string> {
    const start = await api.request('GET', `/v1/social/${platform}/connect`, { token: owner });
    const consent = await fetch(start.body.authorizeUrl, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    return (await api.request('GET', `${back.pathname}${back.search}`)).body.id;
  }

  beforeAll(async () => {
    await google.start();
    await instagram.start();
    // the store's photo, on a public image host the agent names by URL
    const jpeg = await sharp({
      create: { width: 1200, height: 1600, channels: 3, background: '#3a6' },
    })
      .jpeg()
      .toBuffer();
    images = createServer((q, r) =>
      q.url === '/shop.jpg'
        ? r.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg)
        : r.writeHead(404).end(),
    );
    await new Promise<void>((ok) => images.listen(0, '127.0.0.1', ok));
    const imageHost = `127.0.0.1:${(images.address() as AddressInfo).port}`;
    photoUrl = `http://${imageHost}/shop.jpg`;
    const port = await freePort();
    Object.assign(env, {
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      PUBLISH_POLL_MS: '200',
      FETCH_ALLOW_HOSTS: imageHost,
      ...fakeEnv.google(google),
      ...fakeEnv.instagram(instagram),
    });
    api = await startApi(env);
    // Instagram fetches the video from our signed file URL itself
    await api.app.listen(port, '127.0.0.1');
    url = new URL(`http://127.0.0.1:${port}/mcp`);
    scheduler = await startScheduler(env);
    const keys = api.get(ApiKeyService);
    await keys.createPartner('Agency');
    await keys.createPartner('Rival');
    const making = ['stores:read', 'stores:write', 'projects:read', 'projects:write'];
    writer = (await keys.issue('Agency', [...making, 'publish'])).key;
    maker = (await keys.issue('Agency', making)).key;
    reader = (await keys.issue('Agency', ['stores:read', 'projects:read'])).key;
    storeReader = (await keys.issue('Agency', ['stores:read'])).key;
    rival = (await keys.issue('Rival', [...making, 'publish'])).key;
    owner = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '채널사장' } }))
      .body.accessToken;
    for (const platform of ['youtube', 'instagram']) {
      accounts[platform] = await connect(platform);
      // the owner's consent: Agency may publish its videos to this account
      const allowed = await api.request(
        'PUT',
        `/v1/social/accounts/${accounts[platform]}/publishing-partner`,
        { token: owner, body: { partner: 'Agency' } },
      );
      expect(allowed.status).toBe(200);
      expect(allowed.body.publishingPartnerId).toEqual(expect.any(String));
    }
  });

  afterAll(async () => {
    for (const c of clients) await c.close();
    await scheduler?.close();
    await api?.close();
    await google.stop();
    await instagram.stop();
    images?.close();
    removeDir(dir);
  });

  it('lists the tools with typed input and output schemas, costs and idempotency keys', async () => {
    const { tools } = await (await agent(writer)).listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        'add_photo_from_url',
        'choose_clip',
        'choose_lyrics',
        'create_project',
        'create_store',
        'get_choices',
        'get_progress',
        'get_publications',
        'list_accounts',
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
    // every tool says what it costs and whether it pays a provider (and which)
    for (const t of tools)
      expect(`${t.name}: ${t.description}`).toMatch(
        /costs nothing|pays no provider|pays (providers|OpenAI|Suno|Creatomate)/i,
      );
    const photo = tools.find((t) => t.name === 'add_photo_from_url')!;
    expect(photo.inputSchema.required).toEqual(['storeId', 'url', 'idempotencyKey']);
    expect(tools.find((t) => t.name === 'publish')!.inputSchema.required).toEqual(
      expect.arrayContaining(['projectId', 'accounts', 'idempotencyKey']),
    );
  });

  it('takes each tool’s input and output schemas from the REST route’s DTOs (as in the OpenAPI document)', async () => {
    const { tools } = await (await agent(writer)).listTools();
    const dtos = (await api.request('GET', '/docs-json')).body.components.schemas as Record<
      string,
      { properties: Record<string, unknown>; required?: string[] }
    >;
    const rest: [string, string | null, string][] = [
      ['search_stores', null, 'StoreSearchResultDto'],
      ['create_store', 'CreateStoreFromSearchDto', 'StoreDto'],
      ['add_photo_from_url', 'ImportPhotoDto', 'StorePhotoDto'],
      ['create_project', 'CreateProjectDto', 'ProjectDto'],
      ['get_progress', null, 'ProjectDto'],
      ['choose_lyrics', 'ApproveLyricsDto', 'ProjectDto'],
      ['choose_clip', 'SelectClipDto', 'ProjectDto'],
      ['list_videos', null, 'ArchivePageDto'],
      ['list_accounts', null, 'SocialAccountListDto'],
      ['publish', 'CreateUploadDto', 'UploadListDto'],
      ['get_publications', null, 'UploadListDto'],
      ['read_video_results', null, 'VideoResultsDto'],
    ];
    for (const [name, body, answer] of rest) {
      const tool = tools.find((t) => t.name === name)!;
      expect([name, Object.keys(tool.outputSchema!.properties!).sort()]).toEqual([
        name,
        Object.keys(dtos[answer].properties).sort(),
      ]);
      if (body)
        expect([name, Object.keys(tool.inputSchema.properties!)]).toEqual([
          name,
          expect.arrayContaining(Object.keys(dtos[body].properties)),
        ]);
    }
    // the OpenAPI document says how an agent connects, and has the results endpoints
    const doc = (await api.request('GET', '/docs-json')).body;
    expect(doc.paths['/mcp'].post.description).toMatch(/"mcpServers".*"X-API-Key"/);
    expect(doc.paths['/v1/projects/{id}/results'].get).toBeDefined();
    expect(doc.paths['/v1/admin/results/comparison'].get).toBeDefined();
    // nested DTOs too: a project's progress is ProgressDto, a publication UploadDto
    const progress = (tools.find((t) => t.name === 'get_progress')!.outputSchema as any).properties
      .progress;
    expect(Object.keys(progress.properties).sort()).toEqual(
      Object.keys(dtos.ProgressDto.properties).sort(),
    );
    // and the DTO's class-validator rules hold where the schema says less (title: no < or >)
    const bad = (await (
      await agent(writer)
    ).callTool({
      name: 'publish',
      arguments: {
        projectId: '7b0e5d1c-3f7a-4a53-9d43-2b1f0c9e8a61',
        accounts: ['7b0e5d1c-3f7a-4a53-9d43-2b1f0c9e8a61'],
        title: '<script>',
        privacy: 'public',
        idempotencyKey: 'bad-title',
      },
    })) as ToolAnswer;
    expect(bad.isError).toBe(true);
    expect(JSON.parse(bad.content[0].text)).toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/title must not contain < or >/),
    });
  });

  it('store -> photo -> project -> progress -> video, to a finished video with a signed link', async () => {
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
    // a photo by URL, through the same SSRF-safe fetch as REST's import
    const photoArgs = { storeId: store.id, url: photoUrl, idempotencyKey: 'photo-1' };
    const photo = await call(client, 'add_photo_from_url', photoArgs);
    expect(photo).toMatchObject({ contentType: 'image/jpeg', width: 1200, height: 1600 });
    const internal = (await client.callTool({
      name: 'add_photo_from_url',
      arguments: {
        storeId: store.id,
        url: 'http://169.254.169.254/latest/meta-data/',
        idempotencyKey: 'photo-ssrf',
      },
    })) as ToolAnswer;
    expect(internal.isError).toBe(true);
    expect(JSON.parse(internal.content[0].text)).toMatchObject({ statusCode: 400 });
    const projectArgs = {
      storeId: store.id,
      mood: 'calm',
      genre: 'trot',
      lengthSec: 15,
      autopilot: true,
      idempotencyKey: 'project-1',
    };
    const project = await call(client, 'create_project', projectArgs);
    projectId = project.id;
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
    expect((await call(client, 'add_photo_from_url', photoArgs)).id).toBe(photo.id);
    const photos = await api.request('GET', `/v1/stores/${store.id}/photos`, { apiKey: writer });
    expect(photos.body.items).toHaveLength(1);
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

  it('-> publish: to the accounts the owner opened to the partner, to published videos marked AI-made', async () => {
    const client = await agent(writer);
    const open = await call(client, 'list_accounts', {});
    expect(open.items.map((a: { id: string }) => a.id).sort()).toEqual(
      [accounts.youtube, accounts.instagram].sort(),
    );
    const publishArgs = {
      projectId,
      accounts: [accounts.youtube, accounts.instagram],
      title: '해운대 할매국밥',
      privacy: 'public',
      idempotencyKey: 'publish-1',
    };
    const asked = await call(client, 'publish', publishArgs);
    expect(asked.items).toHaveLength(2);
    const published = await waitFor(
      'both publications to be published',
      async () => {
        const p = await call(client, 'get_publications', { projectId });
        if (p.items.some((i: { state: string }) => i.state === 'failed'))
          throw new Error(`failed: ${JSON.stringify(p.items)}`);
        return p.items.every((i: { state: string }) => i.state === 'published') ? p : undefined;
      },
      60_000,
      200,
    );
    expect(published.items.map((i: { postUrl: string }) => i.postUrl).sort()).toEqual([
      expect.stringMatching(/^https:\/\/www\.instagram\.com\/reel\//),
      expect.stringMatching(/^https:\/\/www\.youtube\.com\/shorts\//),
    ]);
    // disclosure: YouTube is told the video is synthetic; no caption sent: the default one,
    // with the AI notice, on both platforms
    const [video] = [...google.videos.values()];
    expect(video.meta.status.containsSyntheticMedia).toBe(true);
    expect(video.meta.snippet.description).toContain(AI_NOTICE);
    expect([...instagram.containers.values()][0].caption).toContain(AI_NOTICE);
    // the same call with the same key publishes nothing new: the publications, as they are now
    const again = await call(client, 'publish', publishArgs);
    expect(again.items.map((i: { id: string }) => i.id)).toEqual(
      asked.items.map((i: { id: string }) => i.id),
    );
    expect(again.items.every((i: { state: string }) => i.state === 'published')).toBe(true);
    expect(google.videos.size).toBe(1);
    expect(instagram.containers.size).toBe(1);
    const rest = await api.request('GET', `/v1/projects/${projectId}/uploads`, { apiKey: writer });
    expect(rest.body.items).toHaveLength(2);
    // the partner reads its video's results back, here and on REST: nothing read yet
    const results = await call(await agent(reader), 'read_video_results', { projectId });
    expect(results.items.map((i: { platform: string }) => i.platform).sort()).toEqual([
      'instagram',
      'youtube',
    ]);
    expect(results.items.every((i: { status: string }) => i.status === 'not_yet')).toBe(true);
    const viaRest = await api.request('GET', `/v1/projects/${projectId}/results`, {
      apiKey: reader,
    });
    expect(viaRest.status).toBe(200);
    expect(viaRest.body).toEqual(JSON.parse(JSON.stringify(results)));
    // another partner's key finds no such project
    const rivals = await api.request('GET', `/v1/projects/${projectId}/results`, { apiKey: rival });
    expect(rivals.status).toBe(404);
  });

  it('the owner’s two choices by tool: choose_lyrics, then choose_clip, to a second video', async () => {
    const client = await agent(writer);
    const [store] = (await api.request('GET', '/v1/stores', { apiKey: writer })).body.items;
    const project = await call(client, 'create_project', {
      storeId: store.id,
      lengthSec: 15,
      idempotencyKey: 'project-by-hand',
    });
    const reach = (state: string) =>
      waitFor(
        `the project to reach ${state}`,
        async () => {
          const p = await call(client, 'get_progress', { projectId: project.id });
          if (p.state === 'FAILED') throw new Error(`FAILED: ${p.lastError}`);
          return p.state === state ? p : undefined;
        },
        240_000,
        200,
      );
    expect((await reach('LYRICS_READY')).progress.waitingFor).toBe('owner');
    const { lyrics } = await call(client, 'get_choices', { projectId: project.id });
    expect(lyrics[0]).toMatchObject({ version: 1, approvedAt: null });
    await call(client, 'choose_lyrics', { projectId: project.id, version: 1 });
    expect((await reach('SONG_READY')).progress.waitingFor).toBe('owner');
    const { clips } = await call(client, 'get_choices', { projectId: project.id });
    expect(clips.length).toBeGreaterThan(0);
    expect(clips[0].streamUrl).toEqual(expect.any(String));
    await call(client, 'choose_clip', { projectId: project.id, clipId: clips[0].id });
    await reach('DONE');
    const { lyrics: approved, clips: picked } = await call(client, 'get_choices', {
      projectId: project.id,
    });
    expect(approved[0].approvedAt).toEqual(expect.any(String));
    expect(picked.find((c: { id: string }) => c.id === clips[0].id).selected).toBe(true);
  });

  it('publishing needs the publish scope (the same 403 as REST) and the owner’s consent', async () => {
    const body = { accounts: [accounts.youtube], title: '몰래', privacy: 'public' };
    // a key without `publish`: refused before anything runs, here and on REST
    const viaMcp = (await agent(maker)).callTool({
      name: 'publish',
      arguments: { ...body, projectId, idempotencyKey: 'no-scope-1' },
    });
    await expect(viaMcp).rejects.toMatchObject({ code: 403 });
    await expect(viaMcp).rejects.toThrow(/lacks the scope publish/);
    const viaRest = await api.request('POST', `/v1/projects/${projectId}/uploads`, {
      apiKey: maker,
      body,
    });
    expect(viaRest.status).toBe(403);
    expect(viaRest.body.message).toMatch(/lacks the scope publish/);
    await expect(
      (await agent(maker)).callTool({ name: 'list_accounts', arguments: {} }),
    ).rejects.toMatchObject({ code: 403 });
    // another partner sees none of the owner's accounts and cannot publish to them
    const other = await agent(rival);
    expect((await call(other, 'list_accounts', {})).items).toEqual([]);
    const otherStore = await call(other, 'create_store', {
      name: '남의 가게',
      idempotencyKey: 's',
    });
    expect(otherStore.id).toEqual(expect.any(String));
    const notTheirs = (await other.callTool({
      name: 'publish',
      arguments: { ...body, projectId, idempotencyKey: 'rival-1' },
    })) as ToolAnswer;
    expect(notTheirs.isError).toBe(true);
    expect(JSON.parse(notTheirs.content[0].text)).toMatchObject({ statusCode: 404 });
    // the owner takes the consent back: the partner no longer sees or reaches the account
    const withdrawn = await api.request(
      'DELETE',
      `/v1/social/accounts/${accounts.youtube}/publishing-partner`,
      { token: owner },
    );
    expect(withdrawn.status).toBe(204);
    const client = await agent(writer);
    expect((await call(client, 'list_accounts', {})).items).toEqual([
      expect.objectContaining({ id: accounts.instagram }),
    ]);
    const refused = (await client.callTool({
      name: 'publish',
      arguments: { ...body, projectId, idempotencyKey: 'after-withdrawal' },
    })) as ToolAnswer;
    expect(JSON.parse(refused.content[0].text)).toMatchObject({ statusCode: 404 });
    expect(google.videos.size).toBe(1);
  });

  it('refuses (403, the REST error body) a tool outside the key’s scopes', async () => {
    const client = await agent(reader);
    // reading is within its scopes
    expect((await call(client, 'list_videos', {})).items).toEqual(expect.any(Array));
    const refused = client.callTool({
      name: 'create_store',
      arguments: { name: '몰래 가게', idempotencyKey: 'sneaky-1' },
    });
    await expect(refused).rejects.toMatchObject({ code: 403 });
    await expect(refused).rejects.toThrow(/lacks the scope stores:write/);
    // a video's results need projects:read, on REST and here
    await expect(
      (await agent(storeReader)).callTool({
        name: 'read_video_results',
        arguments: { projectId },
      }),
    ).rejects.toMatchObject({ code: 403 });
    const viaRest = await api.request('GET', `/v1/projects/${projectId}/results`, {
      apiKey: storeReader,
    });
    expect(viaRest.status).toBe(403);
    expect(viaRest.body.message).toMatch(/lacks the scope projects:read/);
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
    // counted as REST counts a route: the same limit per key, each request (any tool) one
    const remaining = (r: Response) => Number(r.headers.get('ratelimit-remaining'));
    const rest = await fetch(`${url.origin}/v1/stores`, { headers: { 'x-api-key': reader } });
    expect(rest.headers.get('ratelimit-limit')).toBe(ok.headers.get('ratelimit-limit'));
    const again = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'x-api-key': reader },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'list_videos', arguments: {} },
      }),
    });
    expect(again.status).toBe(200);
    expect(remaining(again)).toBe(remaining(ok) - 1);
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
