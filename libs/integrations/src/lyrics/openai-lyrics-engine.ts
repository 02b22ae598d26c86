import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { ProviderError, ProviderRejectedError, ProviderUnavailableError } from '../provider-errors';
import { retryAfterOf } from '../http/provider-http';
import { LyricsDraft, LyricsEngine, LyricsRequest, Usage } from './lyrics-engine';

export interface OpenAiConfig {
  baseUrl: string;
  apiKey: string;
  model: string;
  moderationModel: string;
  timeoutMs: number;
  /** the SDK's own retries of 429/5xx inside one step attempt; the pipeline retries across attempts */
  maxRetries: number;
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

/**
 * Lyrics from OpenAI through the official SDK: the owner's free text is screened by the
 * moderation endpoint first, then a chat completion with a strict JSON schema writes the
 * Korean lyrics. Token usage is returned for metering.
 */
export class OpenAiLyricsEngine extends LyricsEngine {
  readonly name = 'openai';
  private readonly client: OpenAI;

  constructor(private readonly cfg: OpenAiConfig) {
    super();
    this.client = new OpenAI({
      apiKey: cfg.apiKey,
      baseURL: cfg.baseUrl,
      timeout: cfg.timeoutMs,
      maxRetries: cfg.maxRetries,
    });
  }

  async write(
    req: LyricsRequest,
    idempotencyKey: string,
  ): Promise<{ lyrics: LyricsDraft; usage: Usage }> {
    const ownerText = [req.hints, ...req.keywords, req.store.pitch]
      .filter((t): t is string => !!t?.trim())
      .join('\n');
    if (ownerText) await this.moderate(ownerText);
    const completion = await this.call(() =>
      this.client.chat.completions.create(
        {
          model: this.cfg.model,
          temperature: 0.9,
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
      throw new ProviderUnavailableError(
        'openai',
        'openai ran out of tokens before finishing the lyrics',
      );
    const lyrics = parseLyrics(choice.message?.content);
    return {
      lyrics,
      usage: { unit: '1k_tokens', units: (completion.usage?.total_tokens ?? 0) / 1000 },
    };
  }

  private async moderate(input: string): Promise<void> {
    const res = await this.call(() =>
      this.client.moderations.create({ model: this.cfg.moderationModel, input }),
    );
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

function userPrompt(req: LyricsRequest): string {
  const s = req.store;
  const lines = [
    `가게 이름: ${s.name}`,
    s.category && `업종: ${s.category}`,
    (s.roadAddress ?? s.address) && `주소: ${s.roadAddress ?? s.address}`,
    s.menu?.length &&
      `메뉴: ${s.menu
        .slice(0, 8)
        .map((m) => m.name)
        .join(', ')}`,
    s.hours && `영업시간: ${s.hours}`,
    s.description && `소개: ${s.description.slice(0, 300)}`,
    s.pitch && `사장님 한마디: ${s.pitch.slice(0, 300)}`,
    `분위기: ${req.mood}`,
    `장르: ${req.genre}`,
    req.keywords.length && `꼭 넣을 말: ${req.keywords.join(', ')}`,
    req.hints && `수정 요청: ${req.hints.slice(0, 500)}`,
    `길이: 약 ${req.lengthSec}초 (${req.lengthSec >= 45 ? 'verse, chorus, verse, chorus, outro' : 'verse, chorus, outro'})`,
  ];
  return lines.filter(Boolean).join('\n');
}
