import { redactUrl, redactUrlsIn } from './redact-url';

describe('redactUrl', () => {
  it('hides signed-link signatures, tokens, OAuth codes and states, and keeps the rest', () => {
    expect(redactUrl('/v1/files/video/p%2Fv.mp4?exp=1800000000&sig=abcDEF123&name=v.mp4')).toBe(
      '/v1/files/video/p%2Fv.mp4?exp=1800000000&sig=[redacted]&name=v.mp4',
    );
    expect(redactUrl('/v1/auth/kakao/callback?code=kc-123&state=st-456')).toBe(
      '/v1/auth/kakao/callback?code=[redacted]&state=[redacted]',
    );
    expect(redactUrl('/admin/queues?access_token=eyJ.x.y')).toBe(
      '/admin/queues?access_token=[redacted]',
    );
  });

  it('hides a partner key sent in the query, under any name', () => {
    expect(redactUrl('/v1/stores?api_key=abc&apiKey=def&key=cak_AAAA_secret&limit=5')).toBe(
      '/v1/stores?api_key=[redacted]&apiKey=[redacted]&key=[redacted]&limit=5',
    );
  });

  it("hides a webhook's callback token in its path", () => {
    expect(redactUrl('/v1/webhooks/suno/7f0c/cbtoken-secret?key=p%3Asubmit_song%3A1')).toBe(
      '/v1/webhooks/suno/7f0c/[redacted]?key=p%3Asubmit_song%3A1',
    );
  });

  it('hides the SAS fields of Azure blob URLs inside tool output', () => {
    const out = redactUrlsIn(
      'ffmpeg: http://127.0.0.1:10000/dev/castad-audio/a.mp3?sv=2026-04-06&se=2026-11-29T14%3A49%3A28Z&sr=b&sp=r&sig=TKPo%2Fxyz%3D: Invalid argument',
    );
    expect(out).toBe(
      'ffmpeg: http://127.0.0.1:10000/dev/castad-audio/a.mp3?sv=[redacted]&se=[redacted]&sr=b&sp=[redacted]&sig=[redacted]: Invalid argument',
    );
  });
});
