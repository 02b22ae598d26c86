import type { FastifyInstance } from 'fastify';

/** No request of ours nests deeper; validation (class-transformer) recurses per level. */
export const MAX_JSON_DEPTH = 32;

type Done = (err: Error | null, body?: unknown) => void;

/**
 * The JSON body parser: Fastify's own (prototype-poisoning checks kept), then a depth limit,
 * applied before validation: a body nested thousands deep answers 400 with a clear message
 * instead of overflowing class-transformer's stack (a 500).
 */
export function depthLimitedJsonParser(fastify: FastifyInstance) {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  return (req: Parameters<typeof parse>[0], body: Buffer, done: Done): void => {
    parse(req, body.toString('utf8'), (err: Error | null, value?: unknown) => {
      if (err) return done(err);
      if (deeperThan(value, MAX_JSON_DEPTH))
        return done(
          Object.assign(new Error(`the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`), {
            statusCode: 400,
          }),
        );
      done(null, value);
    });
  };
}

/** Iterative, so a hostile body cannot overflow the check itself. */
function deeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(v as object))
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
