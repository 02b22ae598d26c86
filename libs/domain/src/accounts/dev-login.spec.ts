import { NotFoundError } from '../errors/domain-errors';
import { DevLogin } from './dev-login';
import { loginConfig, SessionsDouble, UsersDouble } from './login.test';

describe('DevLogin', () => {
  it('signs in the embedded default as the local user of that nickname, the same one again', async () => {
    const users = new UsersDouble();
    const sessions = new SessionsDouble();
    const login = new DevLogin(loginConfig({ devLogin: true }), users.as(), sessions.as());
    const first = await login.signIn('민지');
    const again = await login.signIn('민지');
    expect(first.user.id).toBe(again.user.id);
    expect(first.user).toMatchObject({ nickname: '민지', kakaoId: null });
    expect(users.rows).toHaveLength(1);
    expect(sessions.started).toHaveLength(2);
  });

  it('is refused in a staged deployment, as a route that does not exist, making no user', async () => {
    const users = new UsersDouble();
    const sessions = new SessionsDouble();
    const login = new DevLogin(loginConfig({ devLogin: false }), users.as(), sessions.as());
    await expect(login.signIn('민지')).rejects.toThrow(
      new NotFoundError('Route POST:/v1/auth/dev-login not found'),
    );
    expect(users.rows).toEqual([]);
    expect(sessions.started).toEqual([]);
  });
});
