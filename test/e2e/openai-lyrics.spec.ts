import {
  OpenAiLyricsEngine,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '@app/integrations';
import { FakeOpenAi, openAiError } from '../fakes/openai.fake';

describe('OpenAiLyricsEngine against a fake OpenAI, through the official SDK', () => {
  const fake = new FakeOpenAi();
  let engine: OpenAiLyricsEngine;
  const request = {
    store: {
      name: '할매국밥',
      category: '한식>국밥',
      roadAddress: '부산 해운대구 해운대로 1',
      menu: [{ name: '돼지국밥' }],
    },
    mood: 'bright',
    genre: 'trot',
    keywords: ['든든한 국밥'],
    lengthSec: 30,
  };

  const engineWith = (moderationTimeoutMs: number) =>
    new OpenAiLyricsEngine({
      baseUrl: `${fake.url}/v1`,
      apiKey: fake.apiKey,
      model: 'gpt-4o-mini',
      moderationModel: 'omni-moderation-latest',
      moderationTimeoutMs,
      timeoutMs: 2000,
      maxRetries: 0,
      maxCompletionTokens: 1500,
    });

  beforeAll(async () => {
    await fake.start();
    engine = engineWith(10_000);
  });
  afterAll(() => fake.stop());
  afterEach(() => {
    fake.knobs.failNext = [];
    fake.knobs.latencyMs = 0;
    fake.contentOverride = undefined;
    fake.finishReason = 'stop';
  });

  it('screens the owner’s text, asks with a strict JSON schema and returns lyrics and token usage', async () => {
    const { lyrics, usage } = await engine.write(request, 'k1');
    expect(fake.moderated.at(-1)).toContain('든든한 국밥');
    expect(fake.prompts.at(-1)).toContain('가게 이름: 할매국밥');
    expect(fake.prompts.at(-1)).toContain('메뉴: 돼지국밥');
    expect(lyrics.title).toBe('할매국밥 송');
    expect(lyrics.sections.map((s) => s.name)).toEqual(['verse', 'chorus', 'outro']);
    expect(lyrics.sections[0].lines).toContain('든든한 국밥 가득');
    expect(fake.byKey.get('k1')).toBe(1); // our idempotency key reached OpenAI with the request
    expect(usage.unit).toBe('1k_tokens');
    expect(usage.units).toBeGreaterThan(0.2);
  });

  it('refuses flagged owner text before any lyrics are written', async () => {
    const before = fake.count('POST', '/v1/chat/completions');
    await expect(
      engine.write({ ...request, hints: '경쟁 가게를 죽여버리자' }, 'k2'),
    ).rejects.toThrow(/moderation \(violence\)/);
    await expect(
      engine.write({ ...request, hints: '경쟁 가게를 죽여버리자' }, 'k2'),
    ).rejects.toBeInstanceOf(ProviderRejectedError);
    expect(fake.count('POST', '/v1/chat/completions')).toBe(before);
  });

  it('fails a moderation check that does not answer within its bound, saying it was moderation', async () => {
    fake.moderationHangs = true;
    try {
      const before = fake.count('POST', '/v1/moderations');
      const completions = fake.count('POST', '/v1/chat/completions');
      const failed = engineWith(1000).write({ ...request, hints: '따뜻한 국밥' }, 'k-mod');
      await expect(failed).rejects.toBeInstanceOf(ProviderRejectedError);
      await expect(failed).rejects.toThrow(
        /the moderation check of the owner’s text \(OpenAI\) did not answer within 1 s/,
      );
      expect(fake.count('POST', '/v1/moderations')).toBe(before + 1);
      expect(fake.count('POST', '/v1/chat/completions')).toBe(completions);
    } finally {
      fake.moderationHangs = false;
    }
  });

  it('maps a bad key, 429, insufficient quota, 5xx, a timeout and malformed payloads to domain errors', async () => {
    const bad = new OpenAiLyricsEngine({
      baseUrl: `${fake.url}/v1`,
      apiKey: 'sk-wrong',
      model: 'm',
      moderationModel: 'm',
      moderationTimeoutMs: 10_000,
      timeoutMs: 2000,
      maxRetries: 0,
      maxCompletionTokens: 1500,
    });
    await expect(bad.write(request, 'k')).rejects.toThrow(
      /refused our API key \(401 invalid_api_key\)/,
    );

    fake.failNext(
      1,
      openAiError(429, 'Rate limit reached', 'rate_limit_exceeded', { 'retry-after': '7' }),
    );
    const limited = await engine.write(request, 'k').catch((e) => e);
    expect(limited).toBeInstanceOf(ProviderUnavailableError);
    expect(limited.retryAfterSec).toBe(7);

    fake.failNext(1, openAiError(429, 'You exceeded your current quota', 'insufficient_quota'));
    await expect(engine.write(request, 'k')).rejects.toThrow(/out of credit/);

    fake.failNext(1, openAiError(503, 'The server is overloaded', null));
    await expect(engine.write(request, 'k')).rejects.toBeInstanceOf(ProviderUnavailableError);

    fake.knobs.latencyMs = 3000;
    const slow = await engine.write(request, 'k').catch((e) => e);
    expect(slow).toBeInstanceOf(ProviderUnavailableError);
    // may have reached OpenAI: never blindly resent as if nothing happened
    expect(slow.ambiguous).toBe(true);
    fake.knobs.latencyMs = 0;

    fake.contentOverride = '{"title": "반쪽';
    await expect(engine.write(request, 'k')).rejects.toThrow(/not JSON/);
    fake.contentOverride = '{"title":"","sections":[]}';
    await expect(engine.write(request, 'k')).rejects.toThrow(/without a title or lines/);
    // kept within the limits an owner's edit is held to, so the owner can save them back unchanged
    fake.contentOverride = JSON.stringify({
      title: '긴 노래',
      sections: Array.from({ length: 10 }, () => ({
        name: 'verse',
        lines: Array.from({ length: 12 }, () => '가'.repeat(60)),
      })),
    });
    const long = (await engine.write(request, 'k')).lyrics;
    expect(long.sections).toHaveLength(8);
    expect(
      long.sections.every((x) => x.lines.length === 8 && x.lines.every((l) => l.length === 40)),
    ).toBe(true);
    fake.contentOverride = undefined;
    fake.finishReason = 'content_filter';
    await expect(engine.write(request, 'k')).rejects.toBeInstanceOf(ProviderRejectedError);
  });

  describe('each documented answer, with the SDK retrying on its own (maxRetries 2)', () => {
    let retrying: OpenAiLyricsEngine;
    beforeAll(() => {
      retrying = new OpenAiLyricsEngine({
        baseUrl: `${fake.url}/v1`,
        apiKey: fake.apiKey,
        model: 'gpt-4o-mini',
        moderationModel: 'omni-moderation-latest',
        moderationTimeoutMs: 10_000,
        timeoutMs: 5000,
        maxRetries: 2,
        maxCompletionTokens: 1500,
      });
    });
    const sent = (key: string) => fake.requests.filter((r) => r.key?.startsWith(key));
    const billed = (key: string) => sent(key).filter((r) => r.paid).length;
    /** what the caller hears of each try: `sending`, then `answered <thousands of tokens>` */
    const metered = (onSending: (n: number) => void = () => undefined) => {
      const heard: string[] = [];
      const tries = {
        sending: async () => {
          heard.push('sending');
          onSending(heard.filter((h) => h === 'sending').length);
        },
        answered: async (u: { units: number }) => void heard.push(`answered ${u.units}`),
      };
      return { heard, tries };
    };
    const billedSince = (before: number) => fake.billedTokens.slice(before).map((t) => t / 1000);

    it('insufficient_quota is sent once: the SDK does not resend a billing refusal', async () => {
      fake.serve('429-insufficient_quota');
      await expect(retrying.write(request, 'quota')).rejects.toThrow(/insufficient_quota/);
      expect(sent('quota')).toHaveLength(1);
    });

    it('rate_limit_exceeded and 5xx are resent by the SDK, then answered', async () => {
      for (const row of ['429-rate_limit_exceeded', '500-server_error', '503-overloaded']) {
        fake.serve(row);
        await expect(retrying.write(request, `later-${row}`)).resolves.toBeDefined();
        expect([row, sent(`later-${row}`).length, billed(`later-${row}`)]).toEqual([row, 2, 1]);
      }
    });

    it('a resend after a lost answer (a timeout) is another paid try: the caller hears `sending` again; after an answered 5xx it does not', async () => {
      // the first try’s answer comes too late (this engine waits 5 s); the resend is answered
      const before = fake.billedTokens.length;
      const lost = metered((n) => (fake.knobs.latencyMs = n === 1 ? 5500 : 0));
      try {
        await expect(retrying.write(request, 'lost', lost.tries)).resolves.toBeDefined();
      } finally {
        fake.knobs.latencyMs = 0;
      }
      // the late first try reaches the fake too (the fake logs a slow answer when it ends)
      for (let i = 0; i < 80 && sent('lost').length < 2; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(sent('lost')).toHaveLength(2);
      // two rows: the lost try keeps its estimate, the answered one takes its tokens
      expect(lost.heard).toEqual(['sending', 'sending', `answered ${billedSince(before)[0]}`]);
      const answered = metered();
      fake.serve('500-server_error');
      await expect(retrying.write(request, 'answered', answered.tries)).resolves.toBeDefined();
      expect(answered.heard).toEqual(['sending', expect.stringMatching(/^answered 0\.\d+$/)]);
      expect(sent('answered')).toHaveLength(2);
    }, 20_000);

    it('400 and 401 are not resent', async () => {
      for (const row of ['400-invalid_request_error', '401-invalid_api_key']) {
        fake.serve(row);
        await expect(retrying.write(request, `perm-${row}`)).rejects.toBeInstanceOf(
          ProviderRejectedError,
        );
        expect([row, sent(`perm-${row}`).length]).toEqual([row, 1]);
      }
    });

    it('cut short once: asked again with twice the tokens, each completion a paid try of its own', async () => {
      const before = fake.billedTokens.length;
      fake.serve('finish-length');
      const cut = metered();
      const { usage } = await retrying.write(request, 'cut', cut.tries);
      expect(billed('cut')).toBe(2);
      const [first, second] = billedSince(before);
      expect(cut.heard).toEqual(['sending', `answered ${first}`, 'sending', `answered ${second}`]);
      expect(usage).toEqual({ unit: '1k_tokens', units: first + second });
    });

    it('cut short twice, refused, filtered: FAILED, each billed completion metered as it came', async () => {
      for (const [row, times, calls] of [
        ['finish-length', 2, 2],
        ['refusal', 1, 1],
        ['content_filter', 1, 1],
      ] as const) {
        const before = fake.billedTokens.length;
        fake.serve(row, { times });
        const m = metered();
        const err = await retrying.write(request, `fail-${row}`, m.tries).catch((e) => e);
        expect(err).toBeInstanceOf(ProviderRejectedError);
        expect([row, billed(`fail-${row}`)]).toEqual([row, calls]);
        const each = billedSince(before).flatMap((t) => ['sending', `answered ${t}`]);
        expect([row, m.heard]).toEqual([row, each]);
      }
    });
  });
});
