import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ProviderRejectedError, ProviderUnavailableError } from '../provider-errors';

export interface SafeFetchOptions {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects?: number;
  /** host:port pairs allowed although they resolve to private addresses (local development, tests) */
  allowHosts?: string[];
  /** the Accept header (images by default) */
  accept?: string;
}

export interface SafeFetchResult {
  url: string;
  status: number;
  contentType: string | null;
  body: Buffer;
}

/** Thrown when a URL points (or redirects) somewhere the backend must not reach. */
export class BlockedUrlError extends ProviderRejectedError {
  constructor(message: string) {
    super('fetch', message);
  }
}

/** Only addresses on the public internet: no loopback, private, link-local, metadata or reserved ranges. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.range() === 'unicast';
}

/**
 * GET a URL a user gave us (a photo to import) without letting it reach our own network:
 * the address is checked when the socket connects (so DNS cannot switch it after the
 * check), every redirect is checked again, and the body is capped.
 */
export async function safeFetch(input: string, opts: SafeFetchOptions): Promise<SafeFetchResult> {
  let url = parse(input);
  for (let hop = 0; ; hop++) {
    const res = await getOnce(url, opts);
    if (res.redirect === undefined)
      return {
        url: url.toString(),
        status: res.status,
        contentType: res.contentType,
        body: res.body,
      };
    if (hop >= (opts.maxRedirects ?? 3))
      throw new BlockedUrlError(`too many redirects fetching ${input}`);
    url = parse(new URL(res.redirect, url).toString());
  }
}

function parse(input: string): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new BlockedUrlError(`not a URL: ${input.slice(0, 200)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new BlockedUrlError(`only http and https URLs can be fetched (got ${url.protocol})`);
  if (url.username || url.password)
    throw new BlockedUrlError('URLs with credentials are not fetched');
  return url;
}

function guardedLookup(url: URL, allowHosts: string[]): LookupFunction {
  const allowed = allowHosts.includes(url.host);
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as LookupAddress[];
      const bad = list.find((a) => !isPublicAddress(a.address));
      if (bad && !allowed)
        return callback(
          new BlockedUrlError(
            `${url.hostname} resolves to ${bad.address}, a private or reserved address: refused`,
          ),
          '',
          0,
        );
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}

function getOnce(
  url: URL,
  opts: SafeFetchOptions,
): Promise<{ status: number; contentType: string | null; body: Buffer; redirect?: string }> {
  // a literal IP never goes through lookup: check it here
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (
    ipaddr.isValid(literal) &&
    !isPublicAddress(literal) &&
    !(opts.allowHosts ?? []).includes(url.host)
  ) {
    return Promise.reject(
      new BlockedUrlError(`${literal} is a private or reserved address: refused`),
    );
  }
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.get(
      url,
      {
        lookup: guardedLookup(url, opts.allowHosts ?? []),
        timeout: opts.timeoutMs,
        headers: { 'user-agent': 'CastAD/1.0', accept: opts.accept ?? 'image/*' },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          return resolve({
            status,
            contentType: null,
            body: Buffer.alloc(0),
            redirect: res.headers.location,
          });
        }
        const declared = Number(res.headers['content-length'] ?? 0);
        if (declared > opts.maxBytes) {
          res.destroy();
          return reject(tooLarge(opts.maxBytes));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > opts.maxBytes) {
            res.destroy();
            reject(tooLarge(opts.maxBytes));
          } else chunks.push(c);
        });
        res.on('end', () =>
          resolve({
            status,
            contentType: (res.headers['content-type'] as string | undefined) ?? null,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(
        new ProviderUnavailableError(
          'fetch',
          `${url.host} did not answer within ${opts.timeoutMs} ms`,
        ),
      ),
    );
    req.on('error', (err) =>
      reject(
        err instanceof BlockedUrlError || err instanceof ProviderUnavailableError
          ? err
          : new ProviderUnavailableError(
              'fetch',
              `could not fetch ${url.host}: ${(err as NodeJS.ErrnoException).code ?? err.message}`,
            ),
      ),
    );
  });
}

const tooLarge = (max: number) =>
  new ProviderRejectedError('fetch', `the file is larger than ${max} bytes (the limit)`);
