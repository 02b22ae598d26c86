// @ts-check
// The studio page: a newcomer's way from a nickname to a finished video, calling the public API
// as any client does. Types come from the committed OpenAPI document (castad-api.d.ts, written
// from openapi.json by scripts/studio-types.js); `npm run typecheck` checks this file against them.

/** @typedef {import('./castad-api').components['schemas']} Schemas */
/** @typedef {Schemas['SessionDto']} Session */
/** @typedef {Schemas['StoreDto']} Store */
/** @typedef {Schemas['StoreSearchResultDto']} SearchResult */
/** @typedef {Schemas['CreateStoreFromSearchDto']} NewStore */
/** @typedef {Schemas['StorePhotoDto']} Photo */
/** @typedef {Schemas['StorePhotoListDto']} PhotoList */
/** @typedef {Schemas['CreateProjectDto']} NewProject */
/** @typedef {Schemas['ProjectDto']} Project */
/** @typedef {Schemas['LyricsDto']} Lyrics */
/** @typedef {Schemas['EditLyricsDto']} LyricsEdit */
/** @typedef {Schemas['LyricSectionDto']['name']} SectionName */
/** @typedef {Schemas['ClipDto']} Clip */
/** @typedef {Schemas['VideoDto']} Video */
/** @typedef {Schemas['ArchivePageDto']} ArchivePage */
/** @typedef {Schemas['ErrorBodyDto']} ErrorBody */

/** @type {Schemas['Mood'][]} */
const MOODS = ['bright', 'calm', 'energetic', 'emotional'];
/** @type {Schemas['Genre'][]} */
const GENRES = ['pop', 'trot', 'ballad', 'hiphop', 'rock', 'jazz', 'acoustic', 'edm'];
/** @type {Record<Schemas['ProjectState'], string>} */
const STATE_WORDS = {
  DRAFT: 'Getting started',
  STORE_READY: 'Writing the lyrics',
  LYRICS_READY: 'Making the song',
  SONG_SUBMITTED: 'Making the song',
  SONG_READY: 'Rendering the video',
  VIDEO_SUBMITTED: 'Rendering the video',
  DONE: 'Done',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

/**
 * @type {{
 *   session: Session | null,
 *   store: Store | null,
 *   project: Project | null,
 *   lyrics: Lyrics | null,
 * }}
 */
const studio = { session: null, store: null, project: null, lyrics: null };

/** @param {string} id */
function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el;
}

/**
 * @template T
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body] JSON, or FormData for an upload
 * @returns {Promise<T>}
 */
async function call(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (studio.session) headers.authorization = `Bearer ${studio.session.accessToken}`;
  if (body !== undefined && !(body instanceof FormData))
    headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body instanceof FormData ? body : body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401 && studio.session && (await refresh())) return call(method, path, body);
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const error = /** @type {ErrorBody} */ (data);
    throw new Error(
      error && error.message ? String(error.message) : `${res.status} ${res.statusText}`,
    );
  }
  return data;
}

/** A new access token from the refresh token (usable once); false when the session is over. */
async function refresh() {
  const refreshToken = studio.session?.refreshToken;
  studio.session = null;
  if (!refreshToken) return false;
  try {
    signedIn(await call('POST', '/v1/auth/refresh', { refreshToken }));
    return true;
  } catch {
    sessionStorage.removeItem('castad.session');
    return false;
  }
}

/** @param {unknown} err */
function showError(err) {
  const box = byId('error');
  box.textContent = err instanceof Error ? err.message : String(err);
  box.hidden = false;
}

/**
 * Runs a user action with its button disabled and any error shown.
 * @param {HTMLElement} button
 * @param {() => Promise<void>} action
 */
async function act(button, action) {
  byId('error').hidden = true;
  button.toggleAttribute('disabled', true);
  try {
    await action();
  } catch (err) {
    showError(err);
  } finally {
    button.toggleAttribute('disabled', false);
  }
}

/**
 * @param {string} tag
 * @param {string} [text]
 * @param {Record<string, string>} [attrs]
 */
function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

/**
 * The page's place in its address (`?store=…&project=…`): a reload comes back to the same store
 * and project. The user's last store is kept in localStorage too, for their next visit.
 * @param {'store' | 'project'} key
 * @param {string | null} value
 */
function remember(key, value) {
  const url = new URL(location.href);
  if (value) url.searchParams.set(key, value);
  else url.searchParams.delete(key);
  history.replaceState(null, '', url);
  const user = studio.session?.user.id;
  if (key !== 'store' || !user) return;
  if (value) localStorage.setItem(`castad.store.${user}`, value);
  else localStorage.removeItem(`castad.store.${user}`);
}

/** Back to the store and project the address (or the user's last visit) names. */
async function restore() {
  const url = new URL(location.href);
  const user = studio.session?.user.id;
  const storeId =
    url.searchParams.get('store') ?? (user && localStorage.getItem(`castad.store.${user}`));
  if (storeId) {
    try {
      chooseStore(await call('GET', `/v1/stores/${encodeURIComponent(storeId)}`));
    } catch {
      remember('store', null); // gone, or another user's: the page starts from the search
      return;
    }
    /** @type {PhotoList} */
    const photos = await call('GET', `/v1/stores/${encodeURIComponent(storeId)}/photos`);
    photos.items.forEach(showPhoto);
  }
  const projectId = url.searchParams.get('project');
  if (!projectId || !studio.store) return;
  try {
    await openProject(await call('GET', `/v1/projects/${encodeURIComponent(projectId)}`));
  } catch {
    remember('project', null);
  }
}

/** @param {Session} session */
function signedIn(session) {
  studio.session = session;
  sessionStorage.setItem('castad.session', JSON.stringify(session));
  const who = byId('who');
  who.textContent = `Signed in as ${session.user.nickname ?? 'you'}`;
  who.hidden = false;
  byId('sign-in').hidden = true;
  byId('store').hidden = false;
  void showArchive();
}

/** @param {SearchResult} result */
function showResults(result) {
  const list = byId('results');
  list.replaceChildren();
  if (result.items.length === 0) list.append(el('li', 'No store found: try other words.'));
  for (const candidate of result.items) {
    const item = el('li');
    const about = el('div');
    about.append(
      el('strong', candidate.name),
      el('small', candidate.roadAddress ?? candidate.address ?? ''),
    );
    const add = el('button', 'Add', { type: 'button', class: 'secondary' });
    add.addEventListener('click', () =>
      act(add, async () => {
        /** @type {NewStore} a result posts as it is, with the list's source */
        const store = { ...candidate, source: result.source };
        chooseStore(await call('POST', '/v1/stores', store));
      }),
    );
    item.append(about, add);
    list.append(item);
  }
}

/** @param {Store} store */
function chooseStore(store) {
  if (studio.store?.id !== store.id) {
    byId('photo-list').replaceChildren();
    if (studio.store) remember('project', null);
  }
  studio.store = store;
  remember('store', store.id);
  byId('results').replaceChildren();
  const chosen = byId('store-chosen');
  chosen.textContent = `✓ ${store.name}`;
  chosen.hidden = false;
  byId('photos').hidden = false;
  byId('project').hidden = false;
}

/** @param {Photo} photo */
function showPhoto(photo) {
  const item = el('li');
  item.append(el('img', undefined, { src: photo.url, alt: 'store photo' }));
  byId('photo-list').append(item);
}

/** @param {HTMLInputElement} input */
async function uploadPhotos(input) {
  const store = studio.store;
  if (!store) return;
  for (const file of Array.from(input.files ?? [])) {
    const form = new FormData();
    form.append('photo', file, file.name);
    showPhoto(await call('POST', `/v1/stores/${store.id}/photos`, form));
  }
  input.value = '';
}

/** @param {number | null} sec */
function etaText(sec) {
  if (sec === null) return '';
  if (sec <= 0) return '';
  return sec < 60 ? `About ${Math.ceil(sec)} s left` : `About ${Math.ceil(sec / 60)} min left`;
}

/** @param {Project} project */
function showProgress(project) {
  studio.project = project;
  const { percent, etaSec, waitingFor } = project.progress;
  const waiting = waitingFor === 'owner';
  byId('state').textContent =
    project.state === 'FAILED'
      ? `Failed: ${project.lastError ?? 'unknown error'}`
      : waiting
        ? `Waiting for you: ${project.state === 'LYRICS_READY' ? 'read and approve the lyrics' : 'choose a clip'}`
        : `${STATE_WORDS[project.state]} · ${Math.round(percent)}%`;
  byId('bar-fill').style.width = `${Math.max(0, Math.min(100, percent))}%`;
  byId('progress')
    .querySelector('.bar')
    ?.setAttribute('aria-valuenow', String(Math.round(percent)));
  byId('eta').textContent = waiting ? '' : etaText(etaSec);
  byId('lyrics-choice').hidden = !(waiting && project.state === 'LYRICS_READY');
  byId('clip-choice').hidden = !(waiting && project.state === 'SONG_READY');
}

/** @param {Project['state']} state */
const isFinal = (state) => state === 'DONE' || state === 'FAILED' || state === 'CANCELLED';

/**
 * Shows a project as the API now has it, and what the owner must choose when it asks.
 * @param {Project} now
 */
async function update(now) {
  const before = studio.project;
  if (before && before.id !== now.id) return; // a newer project took over the page
  showProgress(now);
  const asked = now.progress.waitingFor === 'owner';
  const askedNow =
    asked && (before?.progress.waitingFor !== 'owner' || before?.state !== now.state);
  if (askedNow && now.state === 'LYRICS_READY') await showLyrics(now);
  if (askedNow && now.state === 'SONG_READY') await showClips(now);
  if (now.state === 'DONE' && before?.state !== 'DONE') await showVideo(now);
}

/** One read of the project at a time; events that arrive meanwhile ask for one more. */
const reader = { busy: false, again: false };
/** @param {string} projectId */
async function reread(projectId) {
  if (reader.busy) {
    reader.again = true;
    return;
  }
  reader.busy = true;
  try {
    do {
      reader.again = false;
      await update(await call('GET', `/v1/projects/${projectId}`));
    } while (reader.again);
  } finally {
    reader.busy = false;
  }
}

/**
 * The project's server-sent events, read with fetch (EventSource cannot send the bearer token).
 * Calls `onEvent` with each event's id; returns when the stream ends.
 * @param {string} projectId
 * @param {string} lastEventId
 * @param {(id: string) => void} onEvent
 */
async function readEvents(projectId, lastEventId, onEvent) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'text/event-stream' };
  if (studio.session) headers.authorization = `Bearer ${studio.session.accessToken}`;
  if (lastEventId) headers['last-event-id'] = lastEventId;
  const res = await fetch(`/v1/projects/${projectId}/events`, { headers });
  if (res.status === 401 && (await refresh())) return readEvents(projectId, lastEventId, onEvent);
  if (!res.ok || !res.body) throw new Error(`live progress: ${res.status} ${res.statusText}`);
  const text = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { done, value } = await text.read();
    if (done) return;
    buffered += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      // a comment (": heartbeat") only keeps the connection alive
      const id = /^id: ?(.*)$/m.exec(block);
      if (id) onEvent(id[1]);
    }
  }
}

/**
 * Follows a project live until it ends: every event (a state change, a render's percent) has
 * the page read the project again for its one percent and ETA; a dropped stream resumes from
 * the last event it delivered (Last-Event-ID).
 * @param {string} projectId
 */
async function follow(projectId) {
  let lastEventId = '';
  while (studio.project?.id === projectId && !isFinal(studio.project.state)) {
    try {
      await readEvents(projectId, lastEventId, (id) => {
        lastEventId = id;
        void reread(projectId).catch(showError);
      });
    } catch (err) {
      showError(err);
      await new Promise((ok) => setTimeout(ok, 2000));
    }
    await reread(projectId);
  }
}

/** @param {Project} project */
async function showLyrics(project) {
  /** @type {Lyrics[]} */
  const versions = await call('GET', `/v1/projects/${project.id}/lyrics`);
  showLyricsVersion(versions[versions.length - 1]);
}

/**
 * A lyrics version in the form the owner edits: the title, and a box per section with a line a row.
 * @param {Lyrics} lyrics
 */
function showLyricsVersion(lyrics) {
  studio.lyrics = lyrics;
  const by = lyrics.source === 'edited' ? 'your edit' : 'written for your store';
  byId('lyrics-version').textContent = `Version ${lyrics.version} · ${by}`;
  /** @type {HTMLInputElement} */ (byId('lyrics-title')).value = lyrics.title;
  const box = byId('lyrics');
  box.replaceChildren();
  lyrics.sections.forEach((section, i) => {
    const id = `lyrics-section-${i}`;
    box.append(el('label', section.name, { for: id }));
    const lines = /** @type {HTMLTextAreaElement} */ (
      el('textarea', undefined, {
        id,
        rows: String(section.lines.length + 1),
        'data-name': section.name,
      })
    );
    lines.value = section.lines.join('\n');
    box.append(lines);
  });
}

/** @returns {LyricsEdit} the lyrics as the form now has them */
function lyricsInForm() {
  const boxes = Array.from(byId('lyrics').querySelectorAll('textarea'));
  return {
    title: /** @type {HTMLInputElement} */ (byId('lyrics-title')).value.trim(),
    sections: boxes.map((box) => ({
      name: /** @type {SectionName} */ (box.dataset.name),
      lines: box.value
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== ''),
    })),
  };
}

/** Saves the form as a new version when the owner changed it; the version to approve. */
async function saveLyricsEdit() {
  const project = studio.project;
  const shown = studio.lyrics;
  if (!project || !shown) throw new Error('no lyrics to save');
  const edit = lyricsInForm();
  const same =
    edit.title === shown.title && JSON.stringify(edit.sections) === JSON.stringify(shown.sections);
  if (same) return shown.version;
  /** @type {Lyrics} */
  const saved = await call('PUT', `/v1/projects/${project.id}/lyrics`, edit);
  showLyricsVersion(saved);
  return saved.version;
}

/** @param {Project} project */
async function showClips(project) {
  /** @type {Clip[]} */
  const clips = await call('GET', `/v1/projects/${project.id}/song`);
  const list = byId('clips');
  list.replaceChildren();
  clips.forEach((clip, i) => {
    const item = el('li');
    const about = el('div');
    about.append(el('strong', `Clip ${i + 1} · ${Math.round(clip.durationSec)} s`));
    // the player shows the clip's length before it is played (its header, not the sound, is read)
    about.append(
      el('audio', undefined, { controls: '', preload: 'metadata', src: clip.streamUrl }),
    );
    const choose = el('button', 'Choose', { type: 'button', class: 'secondary' });
    choose.addEventListener('click', () =>
      act(choose, async () => {
        await call('POST', `/v1/projects/${project.id}/song/select`, { clipId: clip.id });
        byId('clip-choice').hidden = true;
        await reread(project.id);
      }),
    );
    item.append(about, choose);
    list.append(item);
  });
}

/** @param {Project} project */
async function showVideo(project) {
  /** @type {Video} */
  const video = await call('GET', `/v1/projects/${project.id}/video`);
  const player = /** @type {HTMLVideoElement} */ (byId('player'));
  player.src = video.downloadUrl;
  if (video.thumbnailUrl) player.poster = video.thumbnailUrl;
  const download = /** @type {HTMLAnchorElement} */ (byId('download'));
  download.href = video.downloadUrl;
  byId('video').hidden = false;
  await showArchive();
}

async function showArchive() {
  /** @type {ArchivePage} */
  const page = await call('GET', '/v1/archive?limit=12');
  const list = byId('archive-list');
  list.replaceChildren();
  for (const item of page.items) {
    const entry = el('li');
    const link = el('a', undefined, { href: item.videoUrl, download: '' });
    if (item.thumbnailUrl)
      link.append(el('img', undefined, { src: item.thumbnailUrl, alt: item.title ?? 'video' }));
    link.append(
      el('span', `${item.storeName ?? item.title ?? 'video'} · ${Math.round(item.durationSec)} s`),
    );
    entry.append(link);
    list.append(entry);
  }
  byId('archive').hidden = page.items.length === 0;
}

function wire() {
  for (const [id, values] of /** @type {const} */ ([
    ['mood', MOODS],
    ['genre', GENRES],
  ])) {
    const select = byId(id);
    for (const v of values) select.append(el('option', v, { value: v }));
  }
  byId('sign-in-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const nickname = /** @type {HTMLInputElement} */ (byId('nickname')).value.trim();
    const button = /** @type {HTMLElement} */ (e.submitter ?? byId('sign-in-form'));
    void act(button, async () => {
      signedIn(await call('POST', '/v1/auth/dev-login', { nickname }));
      await restore();
    });
  });
  byId('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const query = /** @type {HTMLInputElement} */ (byId('query')).value.trim();
    const button = /** @type {HTMLElement} */ (e.submitter ?? byId('search-form'));
    void act(button, async () =>
      showResults(await call('GET', `/v1/stores/search?query=${encodeURIComponent(query)}`)),
    );
  });
  const photoInput = /** @type {HTMLInputElement} */ (byId('photo-input'));
  photoInput.addEventListener('change', () => void act(photoInput, () => uploadPhotos(photoInput)));
  byId('project-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const store = studio.store;
    if (!store) return;
    const button = /** @type {HTMLElement} */ (e.submitter ?? byId('project-form'));
    /** @type {NewProject} */
    const body = {
      storeId: store.id,
      mood: /** @type {Schemas['Mood']} */ (/** @type {HTMLSelectElement} */ (byId('mood')).value),
      genre: /** @type {Schemas['Genre']} */ (
        /** @type {HTMLSelectElement} */ (byId('genre')).value
      ),
      lengthSec: Number(/** @type {HTMLInputElement} */ (byId('length')).value),
      autopilot: /** @type {HTMLInputElement} */ (byId('autopilot')).checked,
    };
    void act(button, async () =>
      openProject(/** @type {Project} */ (await call('POST', '/v1/projects', body))),
    );
  });
  wireLyrics();
  const saved = sessionStorage.getItem('castad.session');
  if (saved) {
    signedIn(JSON.parse(saved));
    void restore().catch(showError);
  }
}

/** The owner's three ways at the lyrics: approve them (with their edit), save an edit, ask anew. */
function wireLyrics() {
  const approve = byId('approve-lyrics');
  approve.addEventListener('click', () =>
    act(approve, async () => {
      if (!studio.project) return;
      const version = await saveLyricsEdit();
      await call('POST', `/v1/projects/${studio.project.id}/lyrics/approve`, { version });
      byId('lyrics-choice').hidden = true;
      await reread(studio.project.id);
    }),
  );
  byId('lyrics-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const button = /** @type {HTMLElement} */ (e.submitter ?? byId('save-lyrics'));
    void act(button, async () => {
      await saveLyricsEdit();
    });
  });
  byId('regenerate-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const project = studio.project;
    if (!project) return;
    const hints = /** @type {HTMLInputElement} */ (byId('hints')).value.trim();
    const button = /** @type {HTMLElement} */ (e.submitter ?? byId('regenerate-lyrics'));
    void act(button, async () => {
      /** @type {Project} */
      const writing = await call(
        'POST',
        `/v1/projects/${project.id}/lyrics`,
        hints ? { hints } : {},
      );
      /** @type {HTMLInputElement} */ (byId('hints')).value = '';
      await update(writing);
    });
  });
}

/**
 * Shows a project (new, or named by the address after a reload) and follows it until it ends.
 * @param {Project} project
 */
async function openProject(project) {
  studio.project = null;
  remember('project', project.id);
  byId('progress').hidden = false;
  byId('video').hidden = true;
  await update(project);
  if (!isFinal(project.state)) void follow(project.id).catch(showError);
}

wire();
