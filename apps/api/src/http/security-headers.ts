import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import { AppConfig } from '@app/domain';
import { mediaOrigins } from './media-origins';

/** Swagger UI's assets and its inline styles and data: images come from here; nothing else runs */
const API_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
};

/** One change helmet makes to a response: a header set, or one removed (X-Powered-By). */
type HeaderChange = [name: string, value: string | number | readonly string[] | null];

/**
 * The security headers (helmet): nosniff, no framing, no referrer, a CSP that lets Swagger UI
 * (/docs) run from our own origin; HSTS is nginx's, where TLS ends.
 */
export function helmetOptions(config: AppConfig): HelmetOptions {
  return {
    hsts: false,
    frameguard: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
    contentSecurityPolicy: {
      directives: {
        ...API_CSP,
        // the studio plays videos and shows thumbnails from the blob store's signed links
        imgSrc: [...API_CSP.imgSrc, ...mediaOrigins(config).slice(1)],
        mediaSrc: mediaOrigins(config),
      },
    },
  };
}

/**
 * Sets helmetOptions' headers on a response. None depends on the request (no directive is a
 * function), so helmet runs once, here, on a response that records what it does, and each
 * response gets that list: helmet's chain of a dozen middleware per request was ~2% of a
 * read's CPU. Same headers, same order.
 */
export function securityHeaders(config: AppConfig): (res: ServerResponse) => void {
  const middleware = helmet(helmetOptions(config));
  const changes: HeaderChange[] = [];
  const recorder = {
    setHeader: (name: string, value: HeaderChange[1]) => changes.push([name, value]),
    removeHeader: (name: string) => changes.push([name, null]),
  };
  let finished = false;
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error(String(err));
    finished = true;
  });
  // helmet's middleware is synchronous; if a version made it otherwise, the list is incomplete
  if (!finished) throw new Error('helmet did not finish synchronously');
  return (res) => {
    for (const [name, value] of changes)
      if (value === null) res.removeHeader(name);
      else res.setHeader(name, value);
  };
}
