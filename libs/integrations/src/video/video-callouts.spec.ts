import { hookEndSec, menuWithPrices, priceLabel, priceTagTimes } from './video-callouts';

describe('the callouts of the store data', () => {
  it('writes prices as a menu does: digits grouped by thousands, with 원', () => {
    expect(priceLabel('9000')).toBe('9,000원');
    expect(priceLabel('9000원')).toBe('9,000원');
    expect(priceLabel('9,000원')).toBe('9,000원');
    expect(priceLabel('₩12000')).toBe('12,000원');
    expect(priceLabel('시가')).toBe('시가');
    expect(priceLabel('  ')).toBeNull();
    expect(priceLabel(undefined)).toBeNull();
  });

  it('keeps the menu with names trimmed and nameless items dropped', () => {
    expect(
      menuWithPrices([{ name: ' 돼지국밥 ', price: '9000' }, { name: '수육' }, { name: ' ' }]),
    ).toEqual([
      { name: '돼지국밥', price: '9,000원' },
      { name: '수육', price: null },
    ]);
  });

  it('holds the hook until the first lyric, between 1.6 and 3 s', () => {
    expect(hookEndSec([{ text: 'a', startSec: 2.1, endSec: 3 }])).toBe(2.1);
    expect(hookEndSec([{ text: 'a', startSec: 0.5, endSec: 3 }])).toBe(1.6);
    expect(hookEndSec([{ text: 'a', startSec: 4.3, endSec: 6 }])).toBe(3);
    expect(hookEndSec([])).toBe(3);
  });

  it('shows a price tag after the hook, and a second one in a long video, all before the end card', () => {
    const round = (times: number[]) => times.map((t) => Number(t.toFixed(3)));
    expect(round(priceTagTimes(12, 2))).toEqual([4.8]);
    expect(round(priceTagTimes(57, 3))).toEqual([22.8, 42.75]);
    expect(priceTagTimes(3, 2)).toEqual([]);
  });
});
