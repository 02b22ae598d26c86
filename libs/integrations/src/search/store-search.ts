export interface StoreCandidate {
  name: string;
  category: string | null;
  address: string | null;
  roadAddress: string | null;
  phone: string | null;
  latitude: number | null;
  longitude: number | null;
  /** the provider's link for the place, when it has one */
  link: string | null;
}

/** A photo an image search found: the owner may import it (through the SSRF guard). */
export interface ImageCandidate {
  title: string;
  url: string;
  thumbnailUrl: string;
  width: number | null;
  height: number | null;
}

/** The provider's last failure as this process saw it, for admins (provider health). */
export interface SearchFailure {
  at: Date;
  /** the short reason an owner was shown */
  message: string;
  /** the provider's raw answer */
  detail: string | null;
}

/** The search engines, by the name a store taken from their results records as its source. */
export const STORE_SEARCH_ENGINES = ['naver', 'sample'] as const;
export type StoreSearchEngine = (typeof STORE_SEARCH_ENGINES)[number];
/**
 * What a photo imported from a link (an image search result's) records as its source, whichever
 * engine found the store: the image search that offers such links is Naver's.
 */
export const LINKED_PHOTO_SOURCE = 'naver';

/** Finds stores by name. Naver Local Search when staged, a bundled sample directory offline. */
export abstract class StoreSearch {
  /** the last failure in this process, if any (searches run in API instances, not the scheduler) */
  lastFailure: SearchFailure | null = null;
  /** recorded as the store's source when the owner takes a result */
  abstract readonly name: StoreSearchEngine;
  abstract search(query: string): Promise<StoreCandidate[]>;
  /** Candidate photos for a store (Naver image search); none offline. */
  abstract images(query: string): Promise<ImageCandidate[]>;
}
