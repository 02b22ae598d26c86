import { decode } from 'he';
import { parseJson, providerFetch, retryAfterOf } from '../http/provider-http';
import {
  ProviderError,
  ProviderRejectedError,
  ProviderUnavailableError,
  withDetail,
} from '../provider-errors';
import { ImageCandidate, StoreCandidate, StoreSearch } from './store-search';

export interface NaverConfig {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
}

interface NaverLocalItem {
  title: string;
  link: string;
  category: string;
  description: string;
  telephone: string;
  address: string;
  roadAddress: string;
  mapx: string;
  mapy: string;
}

/** "<b>해운대</b> 할매국밥 &amp; 수육" -> "해운대 할매국밥 & 수육" */
export const plainText = (s: string) => decode(s.replace(/<\/?b>/gi, '')).trim();

/** mapx/mapy are WGS84 degrees x 10^7 as integer strings. */
const degrees = (v: string) => (/^-?\d+$/.test(v) ? Number(v) / 1e7 : null);

/**
 * Naver Local Search (official API): at most 5 results, one page. Titles carry <b> tags and
 * HTML entities; there is no place id, photo, menu or opening hours in it.
 */
export class NaverLocalSearch extends StoreSearch {
  readonly name = 'naver';

  constructor(private readonly cfg: NaverConfig) {
    super();
  }

  async search(query: string): Promise<StoreCandidate[]> {
    const items = await this.get<NaverLocalItem>('local.json', {
      query,
      display: '5',
      start: '1',
      sort: 'random',
    });
    return items.slice(0, 5).map((i) => ({
      name: plainText(i.title),
      category: i.category ? plainText(i.category) : null,
      address: i.address || null,
      roadAddress: i.roadAddress || null,
      phone: i.telephone || null,
      latitude: degrees(i.mapy),
      longitude: degrees(i.mapx),
      link: i.link || null,
    }));
  }

  async images(query: string): Promise<ImageCandidate[]> {
    const items = await this.get<{
      title: string;
      link: string;
      thumbnail: string;
      sizeheight: string;
      sizewidth: string;
    }>('image.json', { query, display: '10', start: '1', sort: 'sim', filter: 'large' });
    return items
      .filter((i) => /^https?:\/\//.test(i.link ?? ''))
      .map((i) => ({
        title: plainText(i.title ?? ''),
        url: i.link,
        thumbnailUrl: i.thumbnail,
        width: Number(i.sizewidth) || null,
        height: Number(i.sizeheight) || null,
      }));
  }

  /**
   * One Search API call; statuses and `{errorMessage, errorCode}` bodies mapped to our errors
   * with a short message an owner can read. Naver's own answer stays in `detail` (the log,
   * provider health), never in the message.
   */
  private async get<T>(path: string, params: Record<string, string>): Promise<T[]> {
    try {
      return await this.call<T>(path, params);
    } catch (err) {
      if (err instanceof ProviderError)
        this.lastFailure = { at: new Date(), message: err.message, detail: err.detail ?? null };
      throw err;
    }
  }

  private async call<T>(path: string, params: Record<string, string>): Promise<T[]> {
    const url = `${this.cfg.baseUrl}/v1/search/${path}?${new URLSearchParams(params)}`;
    const res = await providerFetch(
      'naver',
      url,
      {
        headers: {
          'X-Naver-Client-Id': this.cfg.clientId,
          'X-Naver-Client-Secret': this.cfg.clientSecret,
        },
      },
      this.cfg.timeoutMs,
    );
    const raw = `naver ${res.status}: ${res.text}`;
    if (res.status === 401 || res.status === 403 || res.status === 404)
      throw withDetail(
        new ProviderRejectedError(
          'naver',
          'store search is not available right now; enter the store by hand or try later',
        ),
        raw,
      );
    if (res.status === 429)
      throw withDetail(
        new ProviderUnavailableError(
          'naver',
          'store search is busy (its daily limit was reached); try again later',
          retryAfterOf(res),
        ),
        raw,
      );
    if (res.status === 400) {
      // SE01 is about the words searched; the other 400s (display, start, sort, encoding)
      // refuse parameters we built: our bug, which the owner cannot fix by other words
      if (naverErrorCode(res.text) === 'SE01')
        throw withDetail(
          new ProviderRejectedError(
            'naver',
            'store search could not read this query; try other words',
          ),
          raw,
        );
      throw withDetail(
        new ProviderRejectedError(
          'naver',
          'store search is not available right now; enter the store by hand or try later',
        ),
        `naver refused parameters we sent (a bug of ours, not the owner's words): ${raw}`,
      );
    }
    if (res.status !== 200)
      throw withDetail(
        new ProviderUnavailableError(
          'naver',
          'store search is unavailable right now; try again shortly',
        ),
        raw,
      );
    const body = parseJson<{ items?: T[] }>('naver', res.text);
    if (!Array.isArray(body.items))
      throw new ProviderUnavailableError('naver', 'naver sent a malformed response');
    return body.items;
  }
}

/** Naver's `errorCode` from an error body, when it has one. */
function naverErrorCode(text: string): string | undefined {
  try {
    const code = (JSON.parse(text) as { errorCode?: unknown }).errorCode;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
