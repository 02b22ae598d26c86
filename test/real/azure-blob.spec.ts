import { Readable } from 'node:stream';
import { AzureBlobStore } from '@app/integrations';
import { AzuriteServer } from '../harness/azurite';

jest.setTimeout(60_000);

describe('AzureBlobStore on Azurite', () => {
  const azurite = new AzuriteServer();
  let store: AzureBlobStore;
  beforeAll(async () => {
    await azurite.start();
    store = new AzureBlobStore(azurite.connectionString, 'test');
  });
  afterAll(() => azurite.destroy());

  it('uploads with a content type, serves a read-only SAS URL that expires, changes tier and deletes', async () => {
    const bytes = Buffer.alloc(300_000, 7);
    expect(
      (
        await store.put(
          'video',
          'p1/video.mp4',
          Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]),
          'video/mp4',
        )
      ).bytes,
    ).toBe(300_000);
    const url = await store.readUrl('video', 'p1/video.mp4', 60, 'castad-video.mp4');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('content-disposition')).toContain('castad-video.mp4');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    // read-only: the same signature cannot write
    expect(
      (await fetch(url, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'x' }))
        .status,
    ).toBe(403);
    // expired
    const old = new URL(await store.readUrl('video', 'p1/video.mp4', 1));
    await new Promise((r) => setTimeout(r, 2100));
    expect((await fetch(old)).status).toBe(403);

    await store.setTier('video', 'p1/video.mp4', 'Cool');
    const service = (await import('@azure/storage-blob')).BlobServiceClient.fromConnectionString(
      azurite.connectionString,
    );
    expect(
      (await service.getContainerClient('test-video').getBlobClient('p1/video.mp4').getProperties())
        .accessTier,
    ).toBe('Cool');

    await store.delete('video', 'p1/video.mp4');
    expect((await fetch(url)).status).toBe(404);
    await expect(store.get('video', 'p1/video.mp4')).rejects.toThrow(/no file/);
  });

  it('sends a stream of known length as it comes, in one request, and stores it whole', async () => {
    const bytes = Buffer.alloc(250_000, 3);
    const body = Readable.from([bytes.subarray(0, 50_000), bytes.subarray(50_000)]);
    expect((await store.put('audio', 'p2/song-1.mp3', body, 'audio/mpeg', 250_000)).bytes).toBe(
      250_000,
    );
    const res = await fetch(await store.readUrl('audio', 'p2/song-1.mp3', 60));
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    // one Put Blob: no block list was staged and committed
    const service = (await import('@azure/storage-blob')).BlobServiceClient.fromConnectionString(
      azurite.connectionString,
    );
    const blocks = await service
      .getContainerClient('test-audio')
      .getBlockBlobClient('p2/song-1.mp3')
      .getBlockList('all');
    expect(blocks.committedBlocks ?? []).toEqual([]);
  });

  it('fails a streamed upload whose source breaks off, as unavailable (the step copies again)', async () => {
    const body = new Readable({
      read() {
        this.push(Buffer.alloc(10_000, 1));
        this.destroy(new Error('the download was cut'));
      },
    });
    await expect(store.put('audio', 'p3/song-1.mp3', body, 'audio/mpeg', 100_000)).rejects.toThrow(
      /upload of audio\/p3\/song-1.mp3 failed/,
    );
  });
});
