/**
 * One format for a menu price, whatever the client sent: a number of won (9000, or the text
 * "9000") is stored as "9,000원", the way owners write prices; any other text ("9,000원",
 * "시가") is kept as the owner wrote it, trimmed.
 */
export function menuPrice(price: string | number): string {
  const text = String(price).trim();
  if (!/^\d+$/.test(text)) return text;
  return `${text.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',')}원`;
}

/** A menu with its prices in that one format. */
export function menuWithPrices<T extends { price?: string | number }>(
  menu: T[],
): (Omit<T, 'price'> & { price?: string })[] {
  return menu.map(({ price, ...item }) =>
    price === undefined ? item : { ...item, price: menuPrice(price) },
  );
}
