import { placeAll, sungLineWords } from './sung-words';

const w = (text: string, startSec: number, endSec: number, placed = true) => ({
  text,
  startSec,
  endSec,
  placed,
});

describe('placeAll', () => {
  it('gives a word the provider could not place a time between its placed neighbours', () => {
    const timed = placeAll([
      w('a', 1, 1.5),
      w('b', 0, 0, false),
      w('c', 0, 0, false),
      w('d', 2.5, 3),
    ]);
    expect(timed!.map((x) => [x.startSec, x.endSec])).toEqual([
      [1, 1.5],
      [1.5, 2],
      [2, 2.5],
      [2.5, 3],
    ]);
  });

  it('places unplaced words at either end next to the nearest placed word; none placed: null', () => {
    const timed = placeAll([w('a', 0, 0, false), w('b', 2, 2.5), w('c', 0, 0, false)]);
    expect(timed!.map((x) => x.startSec)).toEqual([1.6, 2, 2.5]);
    expect(placeAll([w('a', 0, 0, false)])).toBeNull();
    expect(placeAll([])).toBeNull();
  });
});

describe('sungLineWords', () => {
  it('times each lyric word by its first sung letter, whatever the provider’s word breaks', () => {
    const lines = ['해운대 할매국밥,', '오늘도 따끈하게'];
    // the provider splits "할매국밥" in two and drops the comma
    const words = [
      w('해운대', 1, 1.6),
      w('할매', 1.6, 2),
      w('국밥', 2, 2.4),
      w('오늘도', 3, 3.5),
      w('따끈하게', 3.6, 4.4),
    ];
    expect(sungLineWords(lines, words)).toEqual([
      [
        { text: '해운대', startSec: 1 },
        { text: '할매국밥,', startSec: 1.6 },
      ],
      [
        { text: '오늘도', startSec: 3 },
        { text: '따끈하게', startSec: 3.6 },
      ],
    ]);
  });

  it('follows proportionally when the provider sang other letters; nothing placed: null', () => {
    const timed = sungLineWords(['가나 다라'], [w('가나다라마바', 0, 6)]);
    expect(timed![0].map((x) => x.startSec)).toEqual([0, 3]);
    expect(sungLineWords(['가나'], [w('가나', 0, 0, false)])).toBeNull();
  });
});
