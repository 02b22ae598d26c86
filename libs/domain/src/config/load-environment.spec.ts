import { loadEnvironmentOrExit, validatedEnvironment } from './load-environment';

describe('the environment, validated once', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('is read and validated at start-up; later readers get that result, not a second validation', () => {
    process.env.PORT = '4123';
    const atStart = loadEnvironmentOrExit();
    // what would fail validation now is never looked at again
    process.env.PORT = 'not-a-port';
    expect(() => validatedEnvironment()).not.toThrow();
    expect(validatedEnvironment()).toBe(atStart);
    expect(validatedEnvironment().PORT).toBe(4123);
  });
});
