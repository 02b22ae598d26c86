import { ProviderRejectedError, ProviderUnavailableError, withCharge } from '@app/integrations';
import { ownerActionOf } from '../project-state';
import { StepFailedError } from '../step-context';
import {
  context,
  FakeLyricsEngine,
  InMemoryContent,
  InMemoryStores,
  project,
  support,
} from './step-doubles.test';
import { STORE_GONE } from './store-of';
import { WriteLyricsStep } from './write-lyrics.step';

function setup() {
  const s = support();
  const content = new InMemoryContent();
  const engine = new FakeLyricsEngine();
  const step = new WriteLyricsStep(new InMemoryStores().as(), content.as(), engine, s.metering);
  return { ...s, content, engine, step };
}

describe('WriteLyricsStep', () => {
  it('writes lyrics from the store and options, meters them under the key, goes on at once on autopilot', async () => {
    const t = setup();
    const p = project({
      state: 'STORE_READY',
      options: { mood: 'calm', keywords: ['회'], lengthSec: 45 },
    });
    const out = await t.step.run(context(p, 'p1:write_lyrics:1').ctx);
    expect(t.engine.calls).toEqual([
      {
        req: expect.objectContaining({
          store: expect.objectContaining({ name: '바다횟집' }),
          mood: 'calm',
          genre: 'pop',
          keywords: ['회'],
          lengthSec: 45,
        }),
        key: 'p1:write_lyrics:1',
      },
    ]);
    expect(t.content.lyrics).toEqual([
      expect.objectContaining({
        title: '바다의 노래',
        source: 'template',
        approvedAt: expect.any(Date),
      }),
    ]);
    expect(t.usage.rows).toEqual([
      expect.objectContaining({
        provider: 'lyrics-fake',
        operation: 'write_lyrics',
        units: 120,
        idempotencyKey: 'p1:write_lyrics:1',
        userId: 'u1',
      }),
    ]);
    expect(out).toMatchObject({ kind: 'advance', to: 'LYRICS_READY', nextRunAt: expect.any(Date) });
    expect(out).not.toHaveProperty('message');
  });

  it('without autopilot the lyrics wait for the owner’s approval (no next run)', async () => {
    const t = setup();
    const out = await t.step.run(context(project({ state: 'STORE_READY', autopilot: false })).ctx);
    expect(t.content.lyrics[0].approvedAt).toBeNull();
    expect(out).toMatchObject({ kind: 'advance', to: 'LYRICS_READY', nextRunAt: null });
    // the event says it is the owner's turn, and which action the stream announces
    const message = (out as { message?: string }).message ?? null;
    expect(message).toMatch(/^waiting for you: approve the lyrics/);
    expect(ownerActionOf({ toState: 'LYRICS_READY', message })).toBe('approve_lyrics');
  });

  it('meters what a failed call was charged, then lets the failure go on', async () => {
    const t = setup();
    t.engine.failWith = withCharge(new ProviderRejectedError('openai', 'refused'), {
      unit: 'token',
      units: 80,
    });
    await expect(t.step.run(context(project(), 'k1').ctx)).rejects.toBe(t.engine.failWith);
    expect(t.usage.rows).toEqual([
      expect.objectContaining({ provider: 'lyrics-fake', units: 80, idempotencyKey: 'k1' }),
    ]);
    expect(t.content.lyrics).toEqual([]);
  });

  it('meters nothing for a failure that was not charged', async () => {
    const t = setup();
    t.engine.failWith = new ProviderUnavailableError('openai', 'down');
    await expect(t.step.run(context(project()).ctx)).rejects.toBe(t.engine.failWith);
    expect(t.usage.rows).toEqual([]);
  });

  it('fails for good when the store is gone, before paying for anything', async () => {
    const t = setup();
    await expect(t.step.run(context(project({ storeId: 'gone' })).ctx)).rejects.toThrow(
      new StepFailedError(STORE_GONE),
    );
    expect(t.engine.calls).toEqual([]);
  });
});
