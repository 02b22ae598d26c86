import { SONG_LENGTH_SEC } from '@app/integrations';
import { lengthSecOf, PROJECT_LENGTH_SEC, withDefaults } from './project-options';

describe('project options', () => {
  it('asks only for lengths every song engine can make, the default among them', () => {
    expect(PROJECT_LENGTH_SEC.min).toBeGreaterThanOrEqual(SONG_LENGTH_SEC.min);
    expect(PROJECT_LENGTH_SEC.max).toBeLessThanOrEqual(SONG_LENGTH_SEC.max);
    expect(PROJECT_LENGTH_SEC.default).toBeGreaterThanOrEqual(PROJECT_LENGTH_SEC.min);
    expect(PROJECT_LENGTH_SEC.default).toBeLessThanOrEqual(PROJECT_LENGTH_SEC.max);
  });

  it('fills what the owner did not choose and keeps what they did', () => {
    expect(withDefaults({})).toEqual({ mood: 'bright', genre: 'pop', lengthSec: 30, keywords: [] });
    expect(
      withDefaults({
        mood: 'calm',
        genre: 'jazz',
        lengthSec: 45,
        keywords: ['a'],
        templateId: 't',
      }),
    ).toEqual({ mood: 'calm', genre: 'jazz', lengthSec: 45, keywords: ['a'], templateId: 't' });
  });

  it('brings a length inside the bounds, the default when there is none', () => {
    expect(lengthSecOf({})).toBe(30);
    expect(lengthSecOf({ lengthSec: 20 })).toBe(20);
    expect(lengthSecOf({ lengthSec: 5 })).toBe(15);
    expect(lengthSecOf({ lengthSec: 600 })).toBe(60);
  });
});
