import { request } from 'node:http';

export interface SseEvent {
  type: string;
  id: string;
  data: any;
  /** Date.now() when the event's last line arrived */
  receivedAt: number;
}

/** One open server-sent-events stream, read as a browser's EventSource would. */
export interface SseStream {
  status: number;
  events: SseEvent[];
  comments: string[];
  /** resolves when the server ends the stream */
  ended: Promise<void>;
  isEnded(): boolean;
  close(): void;
}

/** Opens `url` (with e.g. an API key or Last-Event-ID) and parses what arrives. */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: { accept: 'text/event-stream', ...headers },
      agent: false,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let buffer = '';
      let ended = false;
      const stream: SseStream = {
        status: res.statusCode ?? 0,
        events: [],
        comments: [],
        ended: new Promise((ok) => {
          res.on('end', () => ((ended = true), ok()));
          res.on('close', () => ((ended = true), ok()));
        }),
        isEnded: () => ended,
        close: () => req.destroy(),
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) stream.comments.push(line.slice(1).trim());
            else if (line) {
              const at = line.indexOf(':');
              fields[line.slice(0, at)] = line.slice(at + 1).trimStart();
            }
          }
          if (fields.data !== undefined) {
            let data: unknown = fields.data;
            try {
              data = JSON.parse(fields.data);
            } catch {
              /* plain text */
            }
            stream.events.push({
              type: fields.event ?? 'message',
              id: fields.id ?? '',
              data,
              receivedAt: Date.now(),
            });
          }
        }
      });
      resolve(stream);
    });
    req.end();
  });
}
