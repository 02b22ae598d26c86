import type { FakeCreatomate } from './creatomate.fake';
import type { FakeGoogle } from './google.fake';
import type { FakeInstagram } from './instagram.fake';
import type { FakeNaver } from './naver.fake';
import type { FakeOpenAi } from './openai.fake';
import type { FakeSuno } from './suno.fake';

/** The variables that point the apps at each fake (for tests and `npm run fakes`). */
export const fakeEnv = {
  naver: (f: FakeNaver) => ({
    STORE_SEARCH_ENGINE: 'naver',
    NAVER_BASE_URL: f.url,
    NAVER_CLIENT_ID: f.clientId,
    NAVER_CLIENT_SECRET: f.clientSecret,
  }),
  openai: (f: FakeOpenAi) => ({
    LYRICS_ENGINE: 'openai',
    OPENAI_BASE_URL: `${f.url}/v1`,
    OPENAI_API_KEY: f.apiKey,
  }),
  suno: (f: FakeSuno) => ({ SONG_ENGINE: 'suno', SUNO_BASE_URL: f.url, SUNO_API_KEY: f.apiKey }),
  creatomate: (f: FakeCreatomate, templateId = 'local-template') => ({
    VIDEO_ENGINE: 'creatomate',
    CREATOMATE_BASE_URL: f.url,
    CREATOMATE_API_KEY: f.apiKey,
    CREATOMATE_TEMPLATE_ID: templateId,
  }),
  google: (f: FakeGoogle) => ({
    GOOGLE_CLIENT_ID: f.clientId,
    GOOGLE_CLIENT_SECRET: f.clientSecret,
    GOOGLE_AUTH_URL: `${f.url}/o/oauth2/v2/auth`,
    GOOGLE_TOKEN_URL: `${f.url}/token`,
    YOUTUBE_API_URL: `${f.url}/`,
  }),
  instagram: (f: FakeInstagram) => ({
    INSTAGRAM_APP_ID: f.appId,
    INSTAGRAM_APP_SECRET: f.appSecret,
    INSTAGRAM_AUTH_URL: `${f.url}/oauth/authorize`,
    INSTAGRAM_TOKEN_URL: `${f.url}/oauth/access_token`,
    INSTAGRAM_GRAPH_URL: `${f.url}/v21.0`,
  }),
};
