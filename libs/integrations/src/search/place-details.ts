import { ProviderError } from '../provider-errors';
import { safeFetch } from '../http/safe-fetch';

export type PlaceDetails =
  | {
      available: true;
      source: string;
      description: string | null;
      hours: string | null;
      phone: string | null;
      menu: { name: string; price?: string }[];
      photos: string[];
    }
  | { available: false; reason: string };

type Node = Record<string, unknown>;

const BUSINESS =
  /^(LocalBusiness|Restaurant|FoodEstablishment|CafeOrCoffeeShop|Bakery|BarOrPub|FastFoodRestaurant|Store|.*Store|.*Shop)$/;

/**
 * Menu, hours and photos of a place, where they can be fetched: Naver's official API has
 * none of them, so we read the store's own web page (the search result's link) for its
 * schema.org description (JSON-LD), through the SSRF guard, with a timeout. Anything else
 * is a clear "not available" for the owner to fill in by hand.
 */
export async function fetchPlaceDetails(
  link: string | null,
  opts: { timeoutMs: number; allowHosts?: string[] },
): Promise<PlaceDetails> {
  if (!link)
    return {
      available: false,
      reason: 'the store has no web page to read details from: enter the menu and hours by hand',
    };
  let html: string;
  try {
    const res = await safeFetch(link, {
      timeoutMs: opts.timeoutMs,
      maxBytes: 2_000_000,
      allowHosts: opts.allowHosts,
      accept: 'text/html',
    });
    if (res.status !== 200)
      return { available: false, reason: `the store's page answered ${res.status}` };
    html = res.body.toString('utf8');
  } catch (err) {
    if (err instanceof ProviderError)
      return { available: false, reason: `the store's page could not be read: ${err.message}` };
    throw err;
  }
  const business = jsonLd(html).find((n) =>
    [n['@type']].flat().some((t) => typeof t === 'string' && BUSINESS.test(t)),
  );
  if (!business)
    return {
      available: false,
      reason: 'the store’s page does not describe its menu or hours in a form we can read',
    };
  return {
    available: true,
    source: link,
    description: str(business.description)?.slice(0, 1000) ?? null,
    hours: hoursOf(business),
    phone: str(business.telephone),
    menu: menuOf(business).slice(0, 30),
    photos: [business.image]
      .flat(2)
      .map((i) => (typeof i === 'string' ? i : str((i as Node | undefined)?.url)))
      .filter((u): u is string => !!u && /^https?:\/\//.test(u))
      .slice(0, 10),
  };
}

/** Every JSON-LD object on the page, @graph entries included. */
function jsonLd(html: string): Node[] {
  const out: Node[] = [];
  for (const m of html.matchAll(
    /<script[^>]+type=["']application\/ld\+json["'][^>]*>([\s\S]*?)<\/script>/gi,
  )) {
    try {
      const data = JSON.parse(m[1].trim()) as Node | Node[];
      for (const n of [data].flat())
        out.push(n, ...(((n['@graph'] as Node[] | undefined) ?? []) as Node[]));
    } catch {
      /* a broken block: skip it */
    }
  }
  return out;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

function hoursOf(b: Node): string | null {
  const simple = [b.openingHours].flat().filter((h): h is string => typeof h === 'string');
  if (simple.length) return simple.join(', ').slice(0, 200);
  const spec = [b.openingHoursSpecification].flat().filter(Boolean) as Node[];
  const parts = spec.map((s) =>
    `${[s.dayOfWeek]
      .flat()
      .map((d) => String(d).split('/').pop())
      .join(',')} ${s.opens ?? ''}-${s.closes ?? ''}`.trim(),
  );
  return parts.length ? parts.join('; ').slice(0, 200) : null;
}

function menuOf(b: Node): { name: string; price?: string }[] {
  const menu = (b.hasMenu ?? b.menu) as Node | Node[] | string | undefined;
  if (!menu || typeof menu === 'string') return [];
  const items: { name: string; price?: string }[] = [];
  const walk = (n: Node) => {
    for (const section of [n.hasMenuSection].flat().filter(Boolean) as Node[]) walk(section);
    for (const item of [n.hasMenuItem].flat().filter(Boolean) as Node[]) {
      const name = str(item.name);
      const offer = [item.offers].flat()[0] as Node | undefined;
      const price =
        offer?.price !== undefined
          ? `${offer.price}${offer.priceCurrency === 'KRW' ? '원' : offer.priceCurrency ? ` ${String(offer.priceCurrency)}` : ''}`
          : undefined;
      if (name)
        items.push({ name: name.slice(0, 60), ...(price ? { price: price.slice(0, 30) } : {}) });
    }
  };
  for (const m of [menu].flat()) walk(m);
  return items;
}
