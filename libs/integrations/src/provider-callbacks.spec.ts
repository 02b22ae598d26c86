import { SunoSongEngine } from './song/suno-song-engine';
import { SynthSongEngine } from './song/synth-song-engine';
import { CreatomateVideoRenderer } from './video/creatomate-video-renderer';
import { FallbackVideoRenderer } from './video/fallback-video-renderer';
import { FfmpegVideoRenderer } from './video/ffmpeg-video-renderer';

/** Each adapter reads its own provider's callback body and says what a recovered task costs. */
describe("the engines' callbacks", () => {
  const suno = new SunoSongEngine({
    baseUrl: 'http://127.0.0.1:9',
    apiKey: 'k',
    model: 'V4_5',
    timeoutMs: 1000,
    dedupesByKey: false,
    creditsPerSong: 12,
  });
  const creatomate = new CreatomateVideoRenderer({
    baseUrl: 'http://127.0.0.1:9',
    apiKey: 'k',
    templateId: 't',
    timeoutMs: 1000,
    dedupesByKey: false,
  });
  const ffmpeg = new FfmpegVideoRenderer('/tmp/unused', 1000);

  it("Suno: the task id is data.task_id of sunoapi.org's callback; a song is one song", () => {
    const body = {
      code: 200,
      msg: 'ok',
      data: { callbackType: 'complete', task_id: 'abc', data: [] },
    };
    expect(suno.taskIdFromCallback(body)).toBe('abc');
    for (const bad of [null, 'x', {}, { data: null }, { data: { task_id: 7 } }])
      expect(suno.taskIdFromCallback(bad)).toBeNull();
    expect(suno.recoveredUsage()).toEqual({ unit: 'song', units: 1 });
  });

  it('Creatomate: the render object is the body, its id the task id; billed by the second', () => {
    expect(creatomate.taskIdFromCallback({ id: 'render-1', status: 'succeeded' })).toBe('render-1');
    for (const bad of [null, 42, {}, { id: 1 }])
      expect(creatomate.taskIdFromCallback(bad)).toBeNull();
    expect(creatomate.recoveredUsage({ lengthSec: 30 })).toEqual({
      unit: 'render_second',
      units: 31,
    });
  });

  it('the fallback pair answers for its first choice; local engines never call back', () => {
    const pair = new FallbackVideoRenderer(creatomate, ffmpeg, 5);
    expect(pair.taskIdFromCallback({ id: 'render-2' })).toBe('render-2');
    expect(pair.recoveredUsage({ lengthSec: 20 })).toEqual(
      creatomate.recoveredUsage({ lengthSec: 20 }),
    );
    expect(ffmpeg.taskIdFromCallback({ id: 'render-2' })).toBeNull();
    expect(
      new SynthSongEngine('/tmp/unused').taskIdFromCallback({ data: { task_id: 'a' } }),
    ).toBeNull();
    expect(new SynthSongEngine('/tmp/unused').recoveredUsage()).toEqual({ unit: 'song', units: 0 });
  });
});
