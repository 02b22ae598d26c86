import { budgetHasRoom, overWholeBudget } from './budget-rule';

describe('the daily budget rule', () => {
  it('admits a submission only when its own estimate fits beside the spend and the holds', () => {
    // $0.30 spent, $0.48 held, a $0.48 render against $1.50: 1.26, in
    expect(budgetHasRoom(0.3, 0.48, 1.5, 0.48)).toBe(true);
    // against $1.20 it would take the day to $1.26: it waits (it used to pass by its own cost)
    expect(budgetHasRoom(0.3, 0.48, 1.2, 0.48)).toBe(false);
    // exactly at the budget is within it, floating point aside (0.1 + 0.2 is 0.30000000000000004)
    expect(budgetHasRoom(0.1, 0.2, 0.6, 0.3)).toBe(true);
  });

  it('without an estimate, asks only that the day is under the budget (a look before a fallback)', () => {
    expect(budgetHasRoom(0.5, 0.4, 1, 0)).toBe(true);
    expect(budgetHasRoom(0.6, 0.4, 1)).toBe(false);
  });

  it('knows a submission that could never fit, whatever else is spent', () => {
    expect(overWholeBudget(0.48, 0.3)).toBe(true);
    expect(overWholeBudget(0.48, 0.48)).toBe(false);
    // a budget of 0 pauses the provider: its submissions wait, none fails
    expect(overWholeBudget(0.48, 0)).toBe(false);
  });
});
