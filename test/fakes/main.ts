/*
 * `npm run fakes`: every outside provider faked on fixed local ports, for local development
 * against the real adapters. Prints the variables that point the apps at them.
 *   FAKES_BASE_PORT (4010), FAKE_LATENCY_MS (0), FAKE_ERROR_RATE (0..1: 503s, 429s with
 *   Retry-After, too-slow answers and the providers' documented failures, docs/providers.md,
 *   at random), FAKE_EXPIRED_FILES=true (Suno file URLs 404).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeCreatomate } from './creatomate.fake';
import { FakeHttpServer } from './fake-http';
import { FakeGoogle } from './google.fake';
import { FakeInstagram } from './instagram.fake';
import { FakeKakao } from './kakao.fake';
import { FakeNaver } from './naver.fake';
import { FakeOpenAi } from './openai.fake';
import { FakeSuno } from './suno.fake';
import { fakeEnv } from './env';

/** A real MP3 for Suno's clips, so the FFmpeg renderer downstream has something to play. */
function jingle(): Buffer | undefined {
  const file = join(tmpdir(), `castad-fake-${process.pid}.mp3`);
  try {
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=20',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=660:duration=20',
      '-filter_complex',
      'amix=inputs=2',
      '-ac',
      '2',
      '-b:a',
      '128k',
      file,
    ]);
    return readFileSync(file);
  } catch {
    return undefined; // no ffmpeg: clips are placeholder bytes
  } finally {
    rmSync(file, { force: true });
  }
}

async function main(): Promise<void> {
  const base = Number(process.env.FAKES_BASE_PORT ?? 4010);
  const latency = Number(process.env.FAKE_LATENCY_MS ?? 0);
  const errorRate = Number(process.env.FAKE_ERROR_RATE ?? 0);

  const kakao = new FakeKakao();
  kakao.addApp({
    clientId: process.env.KAKAO_CLIENT_ID ?? 'local-kakao-client',
    clientSecret: process.env.KAKAO_CLIENT_SECRET ?? '',
    appId: process.env.KAKAO_APP_ID ?? '100001',
  });
  kakao.addUser({ id: '4000000001', nickname: '로컬사장', email: 'owner@example.com' });
  kakao.loginAs = '4000000001';
  const naver = new FakeNaver();
  const openai = new FakeOpenAi();
  const suno = new FakeSuno();
  const audio = jingle();
  if (audio) {
    suno.audioBytes = audio;
    suno.clipSeconds = 20;
  }
  suno.expiredFiles = process.env.FAKE_EXPIRED_FILES === 'true';
  const creatomate = new FakeCreatomate();
  const google = new FakeGoogle();
  const instagram = new FakeInstagram();

  const lines = (vars: Record<string, string>) => Object.entries(vars).map(([k, v]) => `${k}=${v}`);
  const fakes: [string, FakeHttpServer, () => string[]][] = [
    [
      'Kakao',
      kakao,
      () => [
        `KAKAO_AUTH_URL=${kakao.url}`,
        `KAKAO_API_URL=${kakao.url}`,
        'KAKAO_CLIENT_ID=local-kakao-client',
        'KAKAO_APP_ID=100001',
        'KAKAO_REDIRECT_URI=http://localhost:3000/v1/auth/kakao/callback',
      ],
    ],
    ['Naver', naver, () => lines(fakeEnv.naver(naver))],
    ['OpenAI', openai, () => lines(fakeEnv.openai(openai))],
    ['Suno', suno, () => lines(fakeEnv.suno(suno))],
    ['Creatomate', creatomate, () => lines(fakeEnv.creatomate(creatomate))],
    ['Google + YouTube', google, () => lines(fakeEnv.google(google))],
    ['Instagram', instagram, () => lines(fakeEnv.instagram(instagram))],
  ];
  const env: string[] = [];
  for (const [i, [name, fake, vars]] of fakes.entries()) {
    fake.knobs.latencyMs = latency;
    if (errorRate > 0)
      fake.knobs.chaos = {
        rate: errorRate,
        kinds: ['5xx', '429', 'timeout', 'documented'],
        slowMs: 15_000,
      };
    await fake.start(base + i);
    console.log(`fake ${name.padEnd(17)} ${fake.url}`);
    env.push(`# ${name}`, ...vars());
  }
  console.log(`\nPoint the apps at them (e.g. append to .env):\n\n${env.join('\n')}\n`);
  const stop = async () => {
    await Promise.all(fakes.map(([, f]) => f.stop()));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

void main();
