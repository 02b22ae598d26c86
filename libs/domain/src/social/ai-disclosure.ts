/**
 * What we tell viewers about how a video was made. Every song and every set of lyrics this
 * product publishes is generated (Suno and OpenAI, or their offline engines), so each upload
 * says so: YouTube through `status.containsSyntheticMedia`, both platforms in plain words in
 * the caption.
 */
export const AI_NOTICE = '이 영상의 노래와 가사는 AI로 만들었습니다.';

/** Our songs and lyrics are always generated: YouTube's synthetic-media flag is always set. */
export const CONTAINS_SYNTHETIC_MEDIA = true;

/** The store as the default caption names it. */
export interface CaptionStore {
  name: string;
  roadAddress: string | null;
  address: string | null;
}

/**
 * The caption we prefill for a publication (and use when the request carries none): the store's
 * name and address, then the AI notice. An owner who edits the caption sends their own text,
 * which is published as it is: the notice is "removed" exactly when the owner's text no longer
 * contains it, and it is never put back behind their back.
 */
export function defaultCaption(store: CaptionStore): string {
  const where = store.roadAddress ?? store.address;
  return [where ? `${store.name} · ${where}` : store.name, AI_NOTICE].join('\n\n');
}

/** The title we prefill: what the video is, under YouTube's 100 characters. */
export function defaultTitle(store: CaptionStore): string {
  return Array.from(`${store.name.replace(/[<>]/g, '')} CM송`)
    .slice(0, 100)
    .join('');
}
