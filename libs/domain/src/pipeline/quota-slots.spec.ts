import { pickFreeSlot, QuotaPlaces, takeQuotaPlace } from './quota-slots';

/** The unique index of a day's places, in memory: a place goes to one project only. */
class InMemoryPlaces implements QuotaPlaces<string> {
  readonly held = new Map<number, string>();
  readonly tried: number[] = [];
  freeReads = 0;

  constructor(
    private readonly limit: number,
    private readonly project = 'new',
  ) {}

  async takeAt(slot: number): Promise<string> {
    this.tried.push(slot);
    if (this.held.has(slot)) throw uniqueViolation();
    this.held.set(slot, this.project);
    return this.project;
  }

  async freeSlot(): Promise<number | null> {
    this.freeReads++;
    return pickFreeSlot(this.held.keys(), this.limit, () => this.firstFree());
  }

  private firstFree(): number {
    for (let s = 0; s < this.limit; s++) if (!this.held.has(s)) return s;
    return 0;
  }
}

const uniqueViolation = () =>
  Object.assign(new Error('Duplicate entry'), { driverError: { code: 'ER_DUP_ENTRY' } });

/** A draw that gives the listed numbers in turn. */
const draws = (...values: number[]) => {
  const left = [...values];
  return (max: number) => {
    const v = left.shift();
    if (v === undefined || v >= max) throw new Error(`no draw left below ${max}`);
    return v;
  };
};

describe('a new project takes one of its owner’s places of the day', () => {
  it('takes the drawn place when it is free, without reading the taken ones', async () => {
    const places = new InMemoryPlaces(5);
    await expect(takeQuotaPlace(5, places, draws(3))).resolves.toEqual({
      placed: true,
      value: 'new',
    });
    expect(places.tried).toEqual([3]);
    expect(places.freeReads).toBe(0);
  });

  it('after a refused place, reads the taken ones and takes a free one', async () => {
    const places = new InMemoryPlaces(5);
    places.held.set(0, 'a').set(1, 'b');
    await expect(takeQuotaPlace(5, places, draws(1))).resolves.toEqual({
      placed: true,
      value: 'new',
    });
    expect(places.tried).toEqual([1, 2]);
    expect(places.freeReads).toBe(1);
  });

  it('says no place is left once every place of the day is held', async () => {
    const places = new InMemoryPlaces(2);
    places.held.set(0, 'a').set(1, 'b');
    await expect(takeQuotaPlace(2, places, draws(0))).resolves.toEqual({ placed: false });
    expect(places.held.size).toBe(2);
  });

  it('gives up with the refusal after min(limit, 16) + 1 tries when places keep being taken', async () => {
    // a free place read, then taken by a concurrent request before our insert lands
    const racing: QuotaPlaces<string> = {
      takeAt: async () => {
        throw uniqueViolation();
      },
      freeSlot: async () => 0,
    };
    let tries = 0;
    const counted = { ...racing, takeAt: (s: number) => (tries++, racing.takeAt(s)) };
    await expect(takeQuotaPlace(3, counted, draws(0))).rejects.toThrow('Duplicate entry');
    expect(tries).toBe(4);
    tries = 0;
    await expect(takeQuotaPlace(1000, counted, draws(0))).rejects.toThrow('Duplicate entry');
    expect(tries).toBe(17);
  });

  it('lets any other error through at once', async () => {
    const places: QuotaPlaces<string> = {
      takeAt: async () => {
        throw new Error('connection lost');
      },
      freeSlot: async () => {
        throw new Error('not asked');
      },
    };
    await expect(takeQuotaPlace(5, places, draws(0))).rejects.toThrow('connection lost');
  });

  it('treats SQLite’s unique constraint as a taken place too', async () => {
    let first = true;
    const places: QuotaPlaces<string> = {
      takeAt: async (slot) => {
        if (!first) return `took ${slot}`;
        first = false;
        throw Object.assign(new Error('UNIQUE'), {
          driverError: { code: 'SQLITE_CONSTRAINT_UNIQUE' },
        });
      },
      freeSlot: async () => 4,
    };
    await expect(takeQuotaPlace(5, places, draws(0))).resolves.toEqual({
      placed: true,
      value: 'took 4',
    });
  });
});

describe('a free place', () => {
  it('is drawn again until the draw misses the taken ones', () => {
    expect(pickFreeSlot([0, 2], 4, draws(0, 2, 3))).toBe(3);
  });

  it('is none when every place below the limit is taken (places beyond a lowered limit do not count)', () => {
    expect(pickFreeSlot([0, 1, 7], 2, draws())).toBeNull();
    expect(pickFreeSlot([0, 7, 8], 2, draws(1))).toBe(1);
  });
});
