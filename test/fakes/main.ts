/* `npm run fakes`: the fake providers on fixed local ports, for local development. */
import { FakeKakao } from './kakao.fake';

async function main(): Promise<void> {
  const port = Number(process.env.FAKE_KAKAO_PORT ?? 4010);
  const kakao = new FakeKakao();
  kakao.addApp({
    clientId: process.env.KAKAO_CLIENT_ID ?? 'local-kakao-client',
    clientSecret: process.env.KAKAO_CLIENT_SECRET ?? '',
    appId: process.env.KAKAO_APP_ID ?? '100001',
  });
  kakao.addUser({ id: '4000000001', nickname: '로컬사장', email: 'owner@example.com' });
  kakao.loginAs = '4000000001';
  await kakao.start(port);
  console.log(`fake Kakao on ${kakao.url} — set KAKAO_AUTH_URL and KAKAO_API_URL to it`);
}

void main();
