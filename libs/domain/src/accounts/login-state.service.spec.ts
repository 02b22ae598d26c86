import { InvalidInputError, UnauthorizedError } from '../errors/domain-errors';
import { AccessTokens } from './access-tokens';
import { LoginStateService } from './login-state.service';
import { loginConfig, NoncesDouble } from './login.test';

function setup(stateTtlSec = 600) {
  const config = loginConfig({ stateTtlSec });
  const nonces = new NoncesDouble();
  return { nonces, states: new LoginStateService(config, new AccessTokens(config), nonces.as()) };
}

describe('LoginStateService', () => {
  afterEach(() => jest.useRealTimers());

  it('issues a state that the same browser brings back once, with its allowed front-end', async () => {
    const { states, nonces } = setup();
    const { state, browserKey } = states.issueLogin('https://app.example/login/done');
    await expect(states.consumeLogin(state, browserKey)).resolves.toBe(
      'https://app.example/login/done',
    );
    expect(nonces.used.size).toBe(1);
    // a replay, on this or any instance, finds its nonce used
    await expect(states.consumeLogin(state, browserKey)).rejects.toThrow(
      new UnauthorizedError('login state already used: start the login again'),
    );
  });

  it('refuses a state brought back by another browser, a forged one and a missing one', async () => {
    const { states } = setup();
    const { state } = states.issueLogin();
    await expect(states.consumeLogin(state, 'another-browser')).rejects.toThrow(
      /started in another browser/,
    );
    await expect(states.consumeLogin(`${state}x`, undefined)).rejects.toThrow(/invalid or expired/);
    await expect(states.consumeLogin(undefined, undefined)).rejects.toThrow(
      new UnauthorizedError('login state missing'),
    );
  });

  it('refuses a state once it expired', async () => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    const { states, nonces } = setup(60);
    const { state, browserKey } = states.issueLogin();
    jest.setSystemTime(new Date('2026-01-01T00:01:01Z'));
    await expect(states.consumeLogin(state, browserKey)).rejects.toThrow(/invalid or expired/);
    expect(nonces.used.size).toBe(0);
  });

  it('binds a state to its purpose and subject, and never redirects off the allow-list', async () => {
    const { states } = setup();
    const connect = states.issueFor('connect', 'user-1');
    await expect(states.consumeFor(connect, 'login')).rejects.toThrow(/invalid or expired/);
    await expect(
      states.consumeFor(states.issueFor('connect', 'user-1'), 'connect'),
    ).resolves.toEqual({
      subject: 'user-1',
      returnTo: undefined,
    });
    expect(() => states.issueLogin('https://evil.example/login')).toThrow(InvalidInputError);
  });
});
