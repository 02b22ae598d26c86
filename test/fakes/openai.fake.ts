import { FakeHttpServer } from './fake-http';

/**
 * OpenAI's chat completions (json_schema structured output) and moderations, with the real
 * error body shape `{error:{message,type,param,code}}`. Lyrics are built from the prompt
 * so a test can see its store in them.
 */
export class FakeOpenAi extends FakeHttpServer {
  apiKey = 'sk-fake-openai';
  /** words the fake moderation flags */
  flaggedWords = ['죽여', 'kill'];
  /** what the next completions answer as message.content (a malformed payload test) */
  contentOverride?: string;
  finishReason: 'stop' | 'length' | 'content_filter' = 'stop';
  readonly prompts: string[] = [];
  /** completions asked per Idempotency-Key (the SDK forwards our header) */
  readonly byKey = new Map<string, number>();
  readonly moderated: string[] = [];

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
      const keywords = /꼭 넣을 말: (.+)/.exec(user)?.[1] ?? '';
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
      const completion_tokens = 180;
      return {
        status: 200,
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
                content: this.contentOverride ?? JSON.stringify(lyrics),
                refusal: null,
              },
              finish_reason: this.finishReason,
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
    this.route('POST', '/v1/moderations', (req) => {
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
