import { BlobStore } from '@app/integrations';
import { BlobObjectEntity } from '../entities/blob-object.entity';
import { BlobObjectRepository } from './blob-object.repository';
import { BlobTiering } from './blob-tiering';

function tiering(stale: Partial<BlobObjectEntity>[]) {
  const tiers: string[] = [];
  const rows: string[] = [];
  let askedBefore: Date | undefined;
  const files = {
    staleHot: async (before: Date) => ((askedBefore = before), stale),
    setTier: async (id: string, tier: string) => void rows.push(`${id}:${tier}`),
  };
  const blob = {
    setTier: async (container: string, key: string, tier: string) =>
      void tiers.push(`${container}/${key}:${tier}`),
  };
  const t = new BlobTiering(files as unknown as BlobObjectRepository, blob as unknown as BlobStore);
  return { t, tiers, rows, before: () => askedBefore };
}

const stale = [
  { id: 'f1', container: 'videos', blobKey: 'a.mp4' },
  { id: 'f2', container: 'songs', blobKey: 'b.mp3' },
];

describe('BlobTiering', () => {
  it('moves the stale Hot files to Cool, in the store and in our records', async () => {
    const { t, tiers, rows, before } = tiering(stale);
    const cutoff = new Date('2026-01-01T00:00:00Z');
    expect(await t.coolStale(cutoff, false)).toEqual(stale);
    expect(before()).toBe(cutoff);
    expect(tiers).toEqual(['videos/a.mp4:Cool', 'songs/b.mp3:Cool']);
    expect(rows).toEqual(['f1:Cool', 'f2:Cool']);
  });

  it('on a dry run lists them and moves nothing', async () => {
    const { t, tiers, rows } = tiering(stale);
    expect(await t.coolStale(new Date(), true)).toEqual(stale);
    expect(tiers).toEqual([]);
    expect(rows).toEqual([]);
  });
});
