import { MEDIA_LINK_TTL_SEC, MediaLinks } from './media-links';

describe('MediaLinks', () => {
  const signed: unknown[][] = [];
  const touched: string[] = [];
  const links = new MediaLinks(
    { readUrl: async (...args: unknown[]) => (signed.push(args), 'https://signed') } as never,
    { touch: async (_c: string, key: string) => void touched.push(key) } as never,
  );

  it('signs every link for the one lifetime, downloads under their names', async () => {
    await links.view('thumbnails', 'p/thumb.jpg');
    await links.download(
      'video',
      'p/video-2.mp4',
      links.videoName('0f3c9a2e-1111-4222-8333-444455556666'),
    );
    expect(signed).toEqual([
      ['thumbnails', 'p/thumb.jpg', MEDIA_LINK_TTL_SEC],
      ['video', 'p/video-2.mp4', MEDIA_LINK_TTL_SEC, 'castad-0f3c9a2e.mp4'],
    ]);
    expect(links.clipName('0f3c9a2e-1111', 2, 'projects/x/song-2.m4a')).toBe(
      'castad-0f3c9a2e-song-2.m4a',
    );
  });

  it('counts a look as access without holding the answer up, even when the write fails', async () => {
    links.accessed('video', 'p/video.mp4');
    const failing = new MediaLinks(
      {} as never,
      {
        touch: async () => {
          throw new Error('database away');
        },
      } as never,
    );
    expect(() => failing.accessed('video', 'p/video.mp4')).not.toThrow();
    await new Promise((r) => setImmediate(r));
    expect(touched).toEqual(['p/video.mp4']);
  });
});
