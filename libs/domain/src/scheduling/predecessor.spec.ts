import { isOwnPredecessor } from './predecessor';

describe('isOwnPredecessor (the leader lease after a restart)', () => {
  const dead = () => false;
  const alive = () => true;

  it('takes back a lease held under this host by a pid that is gone', () => {
    expect(isOwnPredecessor('web-7-4242', 'web-7-999', 'web-7', dead)).toBe(true);
  });

  it('leaves a live process on this host, another host, and explicit ids alone', () => {
    expect(isOwnPredecessor('web-7-4242', 'web-7-999', 'web-7', alive)).toBe(false);
    expect(isOwnPredecessor('web-8-4242', 'web-7-999', 'web-7', dead)).toBe(false);
    expect(isOwnPredecessor('scheduler-1', 'scheduler-2', 'web-7', dead)).toBe(false);
    expect(isOwnPredecessor('web-7-abc', 'web-7-999', 'web-7', dead)).toBe(false);
  });

  it('is never its own predecessor (the lease renews under the same id anyway)', () => {
    expect(isOwnPredecessor('web-7-999', 'web-7-999', 'web-7', dead)).toBe(false);
  });
});
