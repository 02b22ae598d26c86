import { isDeadConnectionError, isUnreachableError } from './connection-errors';

describe('connection error classification', () => {
  it.each(['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE', 'ER_CONNECTION_KILLED'])(
    '%s is a dead pooled connection',
    (code) => {
      expect(isDeadConnectionError({ code })).toBe(true);
      expect(isDeadConnectionError({ driverError: { code } })).toBe(true);
    },
  );

  it.each(['ER_DUP_ENTRY', 'ER_PARSE_ERROR', 'ER_LOCK_DEADLOCK', undefined])(
    '%s is not retried as a dead connection',
    (code) => {
      expect(isDeadConnectionError({ code })).toBe(false);
    },
  );

  it.each(['ECONNREFUSED', 'POOL_NONEONLINE', 'ETIMEDOUT'])('%s means try another node', (code) => {
    expect(isUnreachableError({ code })).toBe(true);
  });

  it('does not treat a query error as an unreachable node', () => {
    expect(isUnreachableError({ code: 'ER_NO_SUCH_TABLE' })).toBe(false);
    expect(isUnreachableError(new Error('x'))).toBe(false);
  });
});
