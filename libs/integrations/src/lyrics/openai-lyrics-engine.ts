import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { ProviderError, ProviderRejectedError, ProviderUnavailableError } from '../provider-errors';
import { retryAfterOf } from '../http/provider-http';
import { LyricsDraft, LyricsEngine, LyricsRequest, PaidTries, Usage } from './lyrics-engine';
import { Dialect, dialectOfPlace, readHints } from './lyric-hints';
import { placeNamesOf } from './place-names';

export interface OpenAiConfig {
  baseUrl: string;
  apiKey: string;
  model: string;
  moderationModel: string;
  /** the moderation check's whole time, retries included (a check that hangs is not resent) */
  moderationTimeoutMs: number;
  timeoutMs: number;
  /** the SDK's own retries of 429/5xx inside one step attempt; the pipeline retries across attempts */
  maxRetries: number;
  /** completion tokens for the lyrics; a completion cut short is asked once more with twice as many */
  maxCompletionTokens: number;
}

/** The limits an owner's edit is held to (PUT …/lyrics): the model's lyrics are kept within them too. */
const MAX_SECTIONS = 8;
const MAX_LINES = 8;
const MAX_LINE_CHARS = 40;

/** The JSON schema the model must answer with (strict structured output). */
const LYRICS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'sections'],
  properties: {
    title: { type: 'string', description: '노래 제목 (한국어, 30자 이내)' },
    sections: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'lines'],
        properties: {
          name: { type: 'string', enum: ['intro', 'verse', 'chorus', 'bridge', 'outro'] },
          lines: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
} as const;

/** About what our lyrics prompt takes (the store's facts, the options, the instructions). */
const PROMPT_TOKENS = 1500;

/**
 * Lyrics from OpenAI through the official SDK: the owner's free text is screened by the
 * moderation endpoint first, then a chat completion with a strict JSON schema writes the
 * Korean lyrics. Every HTTP try OpenAI may bill is reported to the caller (PaidTries), so each
 * is metered as its own row: the SDK's own resends included.
 */
export class OpenAiLyricsEngine extends LyricsEngine {
  readonly name = 'openai';
  readonly source = 'openai';
  private readonly client: OpenAI;

  constructor(private readonly cfg: OpenAiConfig) {
    super();
    this.client = new OpenAI({
      apiKey: cfg.apiKey,
      baseURL: cfg.baseUrl,
      timeout: cfg.timeoutMs,
      maxRetries: cfg.maxRetries,
      fetch: noRetryOfBilling,
    });
  }

  async write(
    req: LyricsRequest,
    idempotencyKey: string,
    tries?: PaidTries,
  ): Promise<{ lyrics: LyricsDraft; usage: Usage }> {
    const ownerText = [req.hints, ...req.keywords, req.store.pitch]
      .filter((t): t is string => !!t?.trim())
      .join('\n');
    if (ownerText) await this.moderate(ownerText);
    const first = await this.complete(req, idempotencyKey, this.cfg.maxCompletionTokens, tries);
    let completion = first;
    // cut short: asked once more with room to finish; both completions are billed (each try
    // was metered as it was answered)
    if (first.choices?.[0]?.finish_reason === 'length')
      completion = await this.complete(
        req,
        `${idempotencyKey}:longer`,
        this.cfg.maxCompletionTokens * 2,
        tries,
      );
    const usage = {
      unit: '1k_tokens',
      units: tokens(first) + (completion === first ? 0 : tokens(completion)),
    };
    const choice = completion.choices?.[0];
    if (!choice) throw new ProviderUnavailableError('openai', 'openai answered without a choice');
    if (choice.message?.refusal)
      throw new ProviderRejectedError(
        'openai',
        `openai refused to write these lyrics: ${choice.message.refusal}`,
      );
    if (choice.finish_reason === 'content_filter')
      throw new ProviderRejectedError('openai', 'openai’s content filter stopped these lyrics');
    if (choice.finish_reason === 'length')
      throw new ProviderRejectedError(
        'openai',
        `openai ran out of room twice before finishing the lyrics (${this.cfg.maxCompletionTokens * 2} tokens); retry, or shorten the hints`,
      );
    return { lyrics: parseLyrics(choice.message?.content), usage };
  }

  /** A completion's prompt (about this many tokens) and all the room it is given to answer. */
  estimatedUsage(): Usage {
    return { unit: '1k_tokens', units: (PROMPT_TOKENS + this.cfg.maxCompletionTokens) / 1000 };
  }

  /**
   * One completion, metered try by try: its first try is announced before it leaves, each
   * resend the SDK makes after a lost answer too (meteredFetch), and the answer's tokens are
   * reported as soon as it arrives (refused or cut short, it was billed).
   */
  private async complete(
    req: LyricsRequest,
    idempotencyKey: string,
    maxTokens: number,
    tries?: PaidTries,
  ) {
    await tries?.sending();
    const client = tries ? this.client.withOptions({ fetch: meteredFetch(tries) }) : this.client;
    const completion = await this.call(() =>
      client.chat.completions.create(
        {
          model: this.cfg.model,
          temperature: 0.9,
          max_completion_tokens: maxTokens,
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            { role: 'user', content: userPrompt(req) },
          ],
          response_format: {
            type: 'json_schema',
            json_schema: { name: 'jingle_lyrics', strict: true, schema: LYRICS_SCHEMA },
          },
        },
        { headers: { 'Idempotency-Key': idempotencyKey } },
      ),
    );
    await tries?.answered({ unit: '1k_tokens', units: tokens(completion) });
    return completion;
  }

  private async moderate(input: string): Promise<void> {
    const seconds = Math.round(this.cfg.moderationTimeoutMs / 1000);
    const res = await this.call(async () => {
      // the whole check is bounded, the SDK's own resends of a 429/5xx included: a check that
      // hung was resent (and the pipeline's attempts after it) for over ten minutes before a
      // project failed with a message that did not say why
      const deadline = AbortSignal.timeout(this.cfg.moderationTimeoutMs);
      try {
        return await this.client.moderations.create(
          { model: this.cfg.moderationModel, input },
          { signal: deadline },
        );
      } catch (err) {
        if (!deadline.aborted) throw err;
        throw new ProviderRejectedError(
          'openai',
          `the moderation check of the owner’s text (OpenAI) did not answer within ${seconds} s; retry the project later`,
        );
      }
    });
    const flagged = res.results?.find((r) => r.flagged);
    if (flagged) {
      const categories = Object.entries(flagged.categories ?? {})
        .filter(([, on]) => on)
        .map(([c]) => c);
      throw new ProviderRejectedError(
        'openai',
        `the owner’s text was refused by moderation (${categories.join(', ') || 'flagged'}); change the hints or keywords and try again`,
      );
    }
  }

  /** Maps the SDK's errors onto ours, once. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toProviderError(err);
    }
  }
}

/** Thousands of tokens a completion was billed. */
function tokens(c: { usage?: { total_tokens?: number } | null }): number {
  return (c.usage?.total_tokens ?? 0) / 1000;
}

/**
 * The HTTP tries of one completion as the SDK makes them (it resends a timeout, a cut
 * connection, a 429 or a 5xx by itself, maxRetries times). A try whose answer was lost may
 * have been billed, so the resend after it is another paid try: the caller hears `sending`
 * again and meters it as its own row. A resend after an answered 429/5xx (nothing billed),
 * after a connection OpenAI refused, or after a try that never left (our timeout ran out
 * before it did) goes out under the row already written.
 */
function meteredFetch(tries: PaidTries) {
  let spent = false;
  return async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (spent) await tries.sending();
    spent = false;
    if (init?.signal?.aborted) throw init.signal.reason ?? new Error('aborted before it left');
    try {
      return await noRetryOfBilling(url, init);
    } catch (err) {
      spent = !refusedConnection(err);
      throw err;
    }
  };
}

/** The connection was refused: the request never reached OpenAI. */
function refusedConnection(err: unknown): boolean {
  return (err as { cause?: { code?: string } })?.cause?.code === 'ECONNREFUSED';
}

/**
 * The SDK resends every 429 by itself; `insufficient_quota` is billing, not a rate limit, so
 * resending only repeats the refusal. `x-should-retry: false` is the SDK's own switch for
 * "do not resend this one".
 */
async function noRetryOfBilling(
  url: string | URL | Request,
  init?: RequestInit,
): Promise<Response> {
  const res = await fetch(url, init);
  if (res.status !== 429) return res;
  const text = await res.text();
  const headers = new Headers(res.headers);
  if (/"insufficient_quota"/.test(text)) headers.set('x-should-retry', 'false');
  return new Response(text, { status: res.status, statusText: res.statusText, headers });
}

function toProviderError(err: unknown): Error {
  if (err instanceof ProviderError) return err;
  if (err instanceof APIConnectionTimeoutError)
    return new ProviderUnavailableError('openai', 'openai did not answer in time', undefined, true);
  if (err instanceof APIConnectionError)
    return new ProviderUnavailableError(
      'openai',
      `openai unreachable: ${err.message}`,
      undefined,
      true,
    );
  if (err instanceof APIError) {
    const code = (err.error as { code?: string } | undefined)?.code ?? err.code;
    const msg = (err.error as { message?: string } | undefined)?.message ?? err.message;
    if (err.status === 401 || err.status === 403)
      return new ProviderRejectedError(
        'openai',
        `openai refused our API key (${err.status}${code ? ` ${code}` : ''})`,
      );
    if (err.status === 429 && code === 'insufficient_quota')
      return new ProviderRejectedError(
        'openai',
        'openai: the account is out of credit (insufficient_quota)',
      );
    if (err.status === 429 || (err.status ?? 0) >= 500)
      return new ProviderUnavailableError(
        'openai',
        `openai answered ${err.status}: ${msg}`,
        retryAfterOf(err),
      );
    return new ProviderRejectedError(
      'openai',
      `openai refused the request (${err.status}): ${msg}`,
    );
  }
  return new ProviderUnavailableError('openai', `openai call failed: ${(err as Error).message}`);
}

function parseLyrics(content: string | null | undefined): LyricsDraft {
  let data: unknown;
  try {
    data = JSON.parse(content ?? '');
  } catch {
    throw new ProviderUnavailableError('openai', 'openai sent lyrics that are not JSON');
  }
  const d = data as Partial<LyricsDraft>;
  const sections = Array.isArray(d.sections)
    ? d.sections
        .filter((s) => s && typeof s.name === 'string' && Array.isArray(s.lines))
        .map((s) => ({
          name: s.name,
          lines: s.lines
            .filter((l): l is string => typeof l === 'string' && l.trim() !== '')
            .map((l) => Array.from(l.trim()).slice(0, MAX_LINE_CHARS).join(''))
            .slice(0, MAX_LINES),
        }))
        .filter((s) => s.lines.length > 0)
        .slice(0, MAX_SECTIONS)
    : [];
  if (typeof d.title !== 'string' || !d.title.trim() || sections.length === 0)
    throw new ProviderUnavailableError('openai', 'openai sent lyrics without a title or lines');
  return { title: d.title.trim().slice(0, 100), sections };
}

const SYSTEM_PROMPT = [
  '당신은 동네 가게 광고 CM송 작사가입니다.',
  '한국어로, 짧고 따라 부르기 쉬운 가사를 씁니다. 한 줄은 20자 이내, 한 절은 8줄 이내.',
  '가게 이름을 후렴에 꼭 넣고, 사실이 아닌 내용(가격, 수상 경력 등)은 지어내지 않습니다.',
  '답은 주어진 JSON 스키마로만 합니다.',
].join('\n');

/** Dialects as a lyricist is asked for them, with words that show the one meant. */
const DIALECT_ASKS: Record<Dialect, string> = {
  gyeongsang: '경상도(부산) 사투리로 (예: ~예, 아이가, 맛있데이, 온나)',
  jeolla: '전라도 사투리로 (예: ~당께, ~부러, 와잉)',
  jeju: '제주 방언으로 (예: 혼저 옵서예, ~수다)',
  chungcheong: '충청도 사투리로 (예: ~유, 와유)',
};

/**
 * What the model is told about this store and this request: the same reading of the owner's
 * hints as the offline engine's (mood, dialect, words to sing) and the place as people say it.
 */
export function userPrompt(req: LyricsRequest): string {
  const s = req.store;
  const hints = readHints(req.hints);
  const dialect =
    hints.dialect ?? (hints.anyDialect ? dialectOfPlace(s.address, s.roadAddress) : undefined);
  const place = placeNamesOf(s.address, s.roadAddress);
  const sayPlace = [place.near, place.by].filter(Boolean).join(' ');
  const keywords = [...new Set([...hints.keywords, ...req.keywords].map((k) => k.trim()))].filter(
    Boolean,
  );
  const lines = [
    `가게 이름: ${s.name}`,
    s.category && `업종: ${s.category}`,
    (s.roadAddress ?? s.address) && `주소: ${s.roadAddress ?? s.address}`,
    sayPlace &&
      `가사 속 동네 이름: ${sayPlace}${place.wide ? ` (${place.wide})` : ''} - 주소(구, 동 번지, 도로명)는 가사에 쓰지 않습니다`,
    s.menu?.length &&
      `메뉴: ${s.menu
        .slice(0, 8)
        .map((m) => m.name)
        .join(', ')}`,
    s.hours && `영업시간: ${s.hours}`,
    s.description && `소개: ${s.description.slice(0, 300)}`,
    s.pitch && `사장님 한마디: ${s.pitch.slice(0, 300)}`,
    `분위기: ${hints.mood ?? req.mood}`,
    `장르: ${req.genre}`,
    dialect && `말투: ${DIALECT_ASKS[dialect]} 후렴과 마무리를 씁니다`,
    keywords.length && `꼭 넣을 말 (하나하나 가사 한 줄에 그대로): ${keywords.join(', ')}`,
    req.hints && `수정 요청: ${req.hints.slice(0, 500)}`,
    `길이: 약 ${req.lengthSec}초 (${req.lengthSec >= 45 ? 'verse, chorus, verse, chorus, outro' : 'verse, chorus, outro'})`,
  ];
  return lines.filter(Boolean).join('\n');
}
