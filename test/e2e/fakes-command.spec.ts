import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from '../harness/ports';

jest.setTimeout(60_000);

it('npm run fakes serves every provider and prints the variables that point the apps at them', async () => {
  const base = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, '..', 'fakes', 'main.ts')],
    {
      env: { ...process.env, FAKES_BASE_PORT: String(base) },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  try {
    await waitFor(
      'the variables',
      async () => out.includes('INSTAGRAM_GRAPH_URL=') || undefined,
      45_000,
      100,
    );
    for (const v of [
      'KAKAO_AUTH_URL',
      'NAVER_BASE_URL',
      'OPENAI_BASE_URL',
      'SUNO_BASE_URL',
      'CREATOMATE_BASE_URL',
      'GOOGLE_TOKEN_URL',
      'YOUTUBE_API_URL',
      'INSTAGRAM_GRAPH_URL',
    ])
      expect(out).toContain(`${v}=http://127.0.0.1:`);
    // each answers with its provider's own shapes: e.g. OpenAI refuses a missing key its way
    const openaiUrl = /OPENAI_BASE_URL=(\S+)/.exec(out)![1];
    const res = await fetch(`${openaiUrl}/moderations`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
    for (let i = 0; i < 7; i++)
      expect((await fetch(`http://127.0.0.1:${base + i}/nowhere`)).status).toBe(404);
  } finally {
    child.kill('SIGTERM');
  }
});
