import { menuPrice, menuWithPrices } from './menu-price';

describe('menu prices', () => {
  it('stores a number of won, or its digits as text, as owners write it', () => {
    expect(menuPrice(9000)).toBe('9,000원');
    expect(menuPrice('9000')).toBe('9,000원');
    expect(menuPrice(' 12000 ')).toBe('12,000원');
    expect(menuPrice(1234567)).toBe('1,234,567원');
    expect(menuPrice(500)).toBe('500원');
    expect(menuPrice(0)).toBe('0원');
    expect(menuPrice('007000')).toBe('7,000원');
  });

  it("keeps an owner's own text as written", () => {
    expect(menuPrice('9,000원')).toBe('9,000원');
    expect(menuPrice(' 시가 ')).toBe('시가');
    expect(menuPrice('1인 15,000원')).toBe('1인 15,000원');
  });

  it('leaves an item without a price without one', () => {
    expect(menuWithPrices([{ name: '수육' }, { name: '국밥', price: 9000 }])).toEqual([
      { name: '수육' },
      { name: '국밥', price: '9,000원' },
    ]);
  });
});
