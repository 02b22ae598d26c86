import { FakeHttpServer, FakeReply } from './fake-http';

/**
 * OpenAI's chat completions (json_schema structured output) and moderations, with the real
 * error body shape `{error:{message,type,param,code}}`. Lyrics are built from the prompt
 * so a test can see its store in them. Every documented answer is a row (`serve('429-
 * insufficient_quota')`, ...); the request log marks each completion answered as paid (its
 * tokens are billed, finished or cut short), moderations are free. A completion whose
 * `max_completion_tokens` is below what the lyrics need stops with finish_reason "length".
 */
export class FakeOpenAi extends FakeHttpServer {
  apiKey = 'sk-fake-openai';
  /** the moderation route never answers in time (an outage of that endpoint alone) */
  moderationHangs = false;
  /** words the fake moderation flags */
  flaggedWords = ['죽여', 'kill'];
  /** what the next completions answer as message.content (a malformed payload test) */
  contentOverride?: string;
  finishReason: 'stop' | 'length' | 'content_filter' = 'stop';
  readonly prompts: string[] = [];
  /** completions asked per Idempotency-Key (the SDK forwards our header) */
  readonly byKey = new Map<string, number>();
  readonly moderated: string[] = [];
  /** completion tokens the lyrics take; a smaller max_completion_tokens cuts them short */
  tokensNeeded = 180;
  /** tokens billed per completion, in order (what the account was charged) */
  readonly billedTokens: number[] = [];

  constructor() {
    super();
    this.route('POST', '/v1/chat/completions', (req) => {
      const denied = this.auth(req.bearer);
      if (denied) return denied;
      const body = req.json();
      if (!body.model || !Array.isArray(body.messages))
        return err(
          400,
          'you must provide a model and messages',
          'invalid_request_error',
          'messages',
        );
      if (
        body.response_format?.type !== 'json_schema' ||
        body.response_format.json_schema?.strict !== true ||
        !body.response_format.json_schema.schema
      ) {
        return err(
          400,
          "Invalid parameter: 'response_format' must be a strict json_schema here.",
          'invalid_request_error',
          'response_format',
        );
      }
      const key = String(req.headers['idempotency-key'] ?? '');
      this.byKey.set(key, (this.byKey.get(key) ?? 0) + 1);
      const user = String(
        body.messages.find((m: { role: string }) => m.role === 'user')?.content ?? '',
      );
      this.prompts.push(user);
      const name = /가게 이름: (.+)/.exec(user)?.[1] ?? '우리 가게';
      const keywords = /꼭 넣을 말[^:\n]*: (.+)/.exec(user)?.[1] ?? '';
      const lyrics = {
        title: `${name} 송`,
        sections: [
          {
            name: 'verse',
            lines: [
              `골목 끝에 ${name}`,
              '오늘도 문을 열어요',
              keywords ? `${keywords} 가득` : '따뜻한 한 그릇',
            ],
          },
          { name: 'chorus', lines: [`${name}, ${name}`, '모두 함께 가요'] },
          { name: 'outro', lines: ['또 만나요 우리'] },
        ],
      };
      const prompt_tokens = Math.ceil(user.length / 2) + 120;
      const max = Number(body.max_completion_tokens ?? body.max_tokens ?? Infinity);
      const cut = this.finishReason === 'length' || max < this.tokensNeeded;
      const completion_tokens = cut ? Math.min(max, this.tokensNeeded - 1) : this.tokensNeeded;
      const full = this.contentOverride ?? JSON.stringify(lyrics);
      this.billedTokens.push(prompt_tokens + completion_tokens);
      return {
        status: 200,
        paid: true,
        body: {
          id: `chatcmpl-${this.prompts.length}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: cut ? full.slice(0, Math.floor(full.length / 2)) : full,
                refusal: null,
              },
              finish_reason: cut ? 'length' : this.finishReason,
            },
          ],
          usage: {
            prompt_tokens,
            completion_tokens,
            total_tokens: prompt_tokens + completion_tokens,
          },
        },
      };
    });
    const completions = 'POST /v1/chat/completions';
    const rows: Record<string, FakeReply> = {
      '400-invalid_request_error': err(
        400,
        "Invalid value for 'model'.",
        'invalid_request_error',
        'model',
      ),
      '401-invalid_api_key': err(
        401,
        'Incorrect API key provided.',
        'invalid_request_error',
        null,
        'invalid_api_key',
      ),
      '429-rate_limit_exceeded': {
        ...err(429, 'Rate limit reached for requests', 'requests', null, 'rate_limit_exceeded'),
        headers: { 'retry-after': '1', 'x-ratelimit-remaining-requests': '0' },
      },
      '429-insufficient_quota': err(
        429,
        'You exceeded your current quota, please check your plan and billing details.',
        'insufficient_quota',
        null,
        'insufficient_quota',
      ),
      '500-server_error': err(
        500,
        'The server had an error while processing your request.',
        'server_error',
        null,
      ),
      '503-overloaded': err(
        503,
        'The engine is currently overloaded, please try again later.',
        'server_error',
        null,
      ),
    };
    for (const [name, reply] of Object.entries(rows))
      this.document(name, { route: completions, reply: () => reply });
    // billed answers that are not lyrics: cut short, refused, filtered
    const answered =
      (change: (choice: any) => void) =>
      async (_req: unknown, normal: () => Promise<FakeReply>) => {
        const r = await normal();
        if (r.status === 200) change((r.body as any).choices[0]);
        return r;
      };
    this.document('finish-length', {
      route: completions,
      reply: answered((c) => {
        c.finish_reason = 'length';
        c.message.content = c.message.content.slice(0, 20);
      }),
    });
    this.document('refusal', {
      route: completions,
      reply: answered((c) => {
        c.message.content = null;
        c.message.refusal = "I'm sorry, I can't help with that.";
      }),
    });
    this.document('content_filter', {
      route: completions,
      reply: answered((c) => {
        c.finish_reason = 'content_filter';
        c.message.content = '';
      }),
    });

    this.route('POST', '/v1/moderations', async (req) => {
      if (this.moderationHangs) await new Promise((r) => setTimeout(r, 60_000).unref());
      const denied = this.auth(req.bearer);
      if (denied) return denied;
      const body = req.json();
      const input = Array.isArray(body.input) ? body.input.join('\n') : String(body.input ?? '');
      this.moderated.push(input);
      const flagged = this.flaggedWords.some((w) => input.includes(w));
      return {
        status: 200,
        body: {
          id: `modr-${this.moderated.length}`,
          model: body.model ?? 'omni-moderation-latest',
          results: [
            {
              flagged,
              categories: { violence: flagged, harassment: false },
              category_scores: { violence: flagged ? 0.97 : 0.01, harassment: 0.001 },
            },
          ],
        },
      };
    });
  }

  private auth(bearer?: string) {
    if (bearer !== this.apiKey)
      return err(
        401,
        `Incorrect API key provided: ${(bearer ?? '').slice(0, 6)}***.`,
        'invalid_request_error',
        null,
        'invalid_api_key',
      );
    return undefined;
  }
}

export function openAiError(
  status: number,
  message: string,
  code: string | null,
  headers?: Record<string, string>,
) {
  return {
    ...err(status, message, status === 429 ? 'requests' : 'server_error', null, code),
    headers,
  };
}

function err(
  status: number,
  message: string,
  type: string,
  param: string | null,
  code: string | null = null,
) {
  return { status, body: { error: { message, type, param, code } } };
}
