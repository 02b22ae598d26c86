// An owner's whole journey through a client generated from openapi.json (openapi-typescript +
// openapi-fetch), compiled on its own under `tsc --strict` by test/e2e/typed-client.spec.ts:
// no type assertion and no non-null assertion anywhere, so the document alone must type it.
import createClient from 'openapi-fetch';
import type { paths } from './generated/castad-api';

/** Checks one answer against its schema in the document (run-time), throwing on a mismatch */
export type CheckResponse = (path: string, method: string, status: number, body: unknown) => void;

export interface JourneyResult {
  projectId: string;
  state: string;
  videoUrl: string;
  archived: number;
}

export async function ownerJourney(baseUrl: string, check: CheckResponse): Promise<JourneyResult> {
  const client = createClient<paths>({ baseUrl });

  const login = await client.POST('/v1/auth/dev-login', { body: { nickname: '타입클라이언트' } });
  check('/v1/auth/dev-login', 'post', login.response.status, login.data);
  if (!login.data) throw new Error(`dev-login answered ${login.response.status}`);
  const headers = { authorization: `Bearer ${login.data.accessToken}` };

  const found = await client.GET('/v1/stores/search', {
    params: { query: { query: '해운대 국밥' } },
    headers,
  });
  check('/v1/stores/search', 'get', found.response.status, found.data);
  const candidate = found.data?.items[0];
  if (!found.data || !candidate) throw new Error('the search found nothing');

  // a search result goes straight back in: its source is the same enum create-store takes
  const created = await client.POST('/v1/stores', {
    body: {
      name: candidate.name,
      category: candidate.category ?? undefined,
      address: candidate.address ?? undefined,
      roadAddress: candidate.roadAddress ?? undefined,
      phone: candidate.phone ?? '051-000-0000',
      source: found.data.source,
      menu: [{ name: '돼지국밥', price: '9,000원' }],
    },
    headers,
  });
  check('/v1/stores', 'post', created.response.status, created.data);
  if (!created.data) throw new Error(`create store answered ${created.response.status}`);

  const started = await client.POST('/v1/projects', {
    body: {
      storeId: created.data.id,
      autopilot: true,
      lengthSec: 15,
      mood: 'bright',
      genre: 'pop',
    },
    headers: { ...headers, 'idempotency-key': `journey-${created.data.id}` },
  });
  check('/v1/projects', 'post', started.response.status, started.data);
  if (!started.data) throw new Error(`create project answered ${started.response.status}`);
  const projectId = started.data.id;

  let state = started.data.state;
  const deadline = Date.now() + 180_000;
  while (state !== 'DONE' && state !== 'FAILED' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    const seen = await client.GET('/v1/projects/{id}', {
      params: { path: { id: projectId } },
      headers,
    });
    check('/v1/projects/{id}', 'get', seen.response.status, seen.data);
    if (!seen.data) throw new Error(`get project answered ${seen.response.status}`);
    // typed options: what the owner chose comes back with its own types
    if (seen.data.options.lengthSec !== 15) throw new Error('the project lost its length');
    state = seen.data.state;
  }

  // the live events of a first visit: no Last-Event-ID (the document makes it optional); the
  // stream of a finished project replays its events and ends
  const events = await client.GET('/v1/projects/{id}/events', {
    params: { path: { id: projectId } },
    headers,
    parseAs: 'text',
  });
  check('/v1/projects/{id}/events', 'get', events.response.status, undefined);
  if (!events.data?.includes('event: state'))
    throw new Error(`the event stream answered ${events.response.status} without events`);

  const video = await client.GET('/v1/projects/{id}/video', {
    params: { path: { id: projectId } },
    headers,
  });
  check('/v1/projects/{id}/video', 'get', video.response.status, video.data);
  const archive = await client.GET('/v1/archive', { params: { query: { limit: 10 } }, headers });
  check('/v1/archive', 'get', archive.response.status, archive.data);

  return {
    projectId,
    state,
    videoUrl: video.data?.downloadUrl ?? '',
    archived: archive.data?.items.length ?? 0,
  };
}
