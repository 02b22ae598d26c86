import { createHash } from 'node:crypto';
import { LyricsDraft, LyricsEngine, LyricsRequest, Usage } from './lyrics-engine';
import { dialectOfPlace, LyricHints, moodOf, readHints } from './lyric-hints';
import { placeNamesOf } from './place-names';
import {
  CHORUS_CLOSE,
  CHORUS_HOOK,
  CHORUS_TASTE,
  DIALECT_WORDS,
  FILLER_LINES,
  KEYWORD_LINES,
  KIND_WORDS,
  MENU_LINES,
  MOOD_WORDS,
  NAME_LINES,
  OPENING,
  OUTRO_NAME,
  StoreKind,
} from './template-lines';

/** The limit an owner's edit is held to: generated lines stay within it too. */
const MAX_LINE_CHARS = 40;
/** at most this many of the owner's words, each sung in its own line */
const MAX_KEYWORDS = 4;

type Slots = Record<string, string | undefined>;

/**
 * The offline lyrics engine: Korean jingle lyrics composed from the store's name, the place
 * as people call it, its menu and the owner's keywords, in the mood asked for. Lines come
 * from a bank, chosen by a generator seeded with the step's idempotency key (so one project
 * gets one text, another project of the same store another) and the owner's hints, which
 * also steer the mood, a regional dialect and words to put in. No line is sung more often
 * than the chorus.
 */
export class TemplateLyricsEngine extends LyricsEngine {
  readonly name = 'template';
  readonly source = 'template';

  /** Ours: free. */
  estimatedUsage(): Usage {
    return { unit: 'call', units: 0 };
  }

  async write(
    req: LyricsRequest,
    idempotencyKey: string,
  ): Promise<{ lyrics: LyricsDraft; usage: Usage }> {
    const hints = readHints(req.hints);
    const s = req.store;
    // the store too: two stores never get the same choice of lines
    const rng = seeded(
      `${idempotencyKey}|${s.name}|${s.roadAddress ?? s.address ?? ''}|${req.hints ?? ''}|${req.mood}|${req.keywords}`,
    );
    const mood = hints.mood ?? moodOf(req.mood) ?? 'bright';
    const words = MOOD_WORDS[mood];
    const dialectAsked =
      hints.dialect ?? (hints.anyDialect ? dialectOfPlace(s.address, s.roadAddress) : undefined);
    const dialect = dialectAsked ? DIALECT_WORDS[dialectAsked] : undefined;
    const { kind, dishes, keywords, slots } = storeSlots(req, hints, rng);
    const { line, used } = lineChooser(rng, words.feel, slots);
    const lines = (...xs: (string | undefined)[]) => xs.filter((x): x is string => !!x);
    // every word the owner asked for is sung, each in a line of its own
    const toSing = [...keywords];
    const keywordLine = () => {
      const kw = toSing.shift();
      return kw ? line(KEYWORD_LINES, { kw }) : line(FILLER_LINES);
    };

    const short = req.lengthSec <= 20;
    // a short jingle has room for two verse lines: the owner's asked-for words go before the place
    const verse = short
      ? lines(toSing.length ? keywordLine() : line(OPENING), line(MENU_LINES[kind]))
      : lines(line(OPENING), line(NAME_LINES), line(MENU_LINES[kind]), keywordLine());
    const chorus = lines(
      line(CHORUS_HOOK),
      line(dialect?.call ?? words.call),
      line(CHORUS_TASTE),
      line(CHORUS_CLOSE),
    );
    const sections = [
      { name: 'verse', lines: verse },
      { name: 'chorus', lines: chorus },
    ];
    if (req.lengthSec >= 45) {
      // the second verse: the owner's own words, the hours, more of the menu and keywords
      const pitch = firstPhrase(s.pitch ?? s.description);
      const hours = s.hours && Array.from(s.hours).length <= 20 ? s.hours : undefined;
      sections.push({
        name: 'verse',
        lines: lines(
          pitch && sayable(pitch) && !used.has(pitch)
            ? (used.add(pitch), pitch)
            : line(FILLER_LINES),
          hours ? line([`${hours} 기다려요`]) : line(FILLER_LINES),
          line(MENU_LINES[kind], { dish: dishes[2] ?? dishes[1] ?? slots.dish, dish2: dishes[0] }),
          toSing.length || !dialect ? keywordLine() : line(dialect.call),
        ),
      });
      sections.push({ name: 'chorus', lines: chorus });
    }
    // words still unsung go into the first verse
    while (toSing.length) verse.push(...lines(keywordLine()));
    sections.push({
      name: 'outro',
      lines: lines(line(dialect?.end ?? words.end), line(OUTRO_NAME)),
    });
    const title =
      shuffle(rng, ['{name}의 노래', '{near}의 {name}', '{name} 송', '{dish} 하면 {name}'])
        .map((t) => fill(t, slots))
        .find(Boolean) ?? `${slots.name}의 노래`;
    return { lyrics: { title, sections }, usage: { unit: 'call', units: 0 } };
  }
}

/**
 * Picks lines from a bank: filled, singable, not sung before; `used` holds those taken.
 */
function lineChooser(rng: () => number, feel: string[], slots: Slots) {
  const used = new Set<string>();
  const line = (bank: string[], extra: Slots = {}): string | undefined => {
    const all = { feel: pickOf(rng, feel), ...slots, ...extra };
    const chosen = shuffle(rng, bank)
      .map((t) => fill(t, all))
      .find(
        (l): l is string =>
          !!l && !used.has(l) && Array.from(l).length <= MAX_LINE_CHARS && sayable(l),
      );
    if (chosen) used.add(chosen);
    return chosen;
  };
  return { line, used };
}

/**
 * What the lines are filled with: the store's name, the place as people call it, its kind, its
 * dishes and the owner's keywords (both shuffled by `rng`, dishes first).
 */
function storeSlots(req: LyricsRequest, hints: LyricHints, rng: () => number) {
  const s = req.store;
  const kind = kindOf(s.category);
  const kindName = s.category?.split('>').pop()?.split(',').pop()?.trim();
  const place = placeNamesOf(s.address, s.roadAddress);
  const dishes = shuffle(
    rng,
    unique((s.menu ?? []).map((m) => m.name.trim()).filter((n) => n && n.length <= 12)),
  );
  const keywords = unique([...hints.keywords, ...shuffle(rng, req.keywords)])
    .filter((k) => k.length <= 16 && sayable(k))
    .slice(0, MAX_KEYWORDS);
  const slots: Slots = {
    name: s.name.trim(),
    near: place.near,
    wide: place.wide,
    by: place.by,
    dish: dishes[0] ?? kindName,
    dish2: dishes[1],
    kind: kindName,
    taste: KIND_WORDS[kind].taste,
    go: KIND_WORDS[kind].go,
  };
  return { kind, dishes, keywords, slots };
}

/**
 * A template with every {slot} filled, or undefined when one has no value — or when it would
 * say the place twice ("해운대의 해운대 할매국밥": the name already holds it).
 */
function fill(template: string, slots: Slots): string | undefined {
  if (
    template.includes('{near}') &&
    template.includes('{name}') &&
    slots.near &&
    slots.name?.includes(slots.near)
  )
    return undefined;
  let missing = false;
  const out = template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = slots[k];
    if (!v) missing = true;
    return v ?? '';
  });
  return missing ? undefined : out;
}

function kindOf(category?: string | null): StoreKind {
  const c = category ?? '';
  if (/카페|커피|디저트|베이커리|빵|주스/.test(c)) return 'cafe';
  if (/미용|헤어|네일|뷰티|피부|메이크업|왁싱|속눈썹/.test(c)) return 'beauty';
  if (
    /음식|한식|양식|중식|일식|분식|고기|치킨|피자|국밥|요리|주점|술집|식당|뷔페|햄버거|면|찌개|족발|보쌈|회|해산물/.test(
      c,
    )
  )
    return 'food';
  return 'other';
}

/**
 * False for words nobody sings: an address as written ("해운대구 우동 1394", "동교로 30"),
 * a 구 or a 특별시/광역시 name.
 */
function sayable(text: string): boolean {
  return !/[가-힣](구|동|로|길|가|읍|면|리)\s*\d|[가-힣]{1,4}구(\s|$)|특별시|광역시|특별자치/.test(
    text,
  );
}

/** The owner's pitch up to its first pause, short enough to sing. */
function firstPhrase(text?: string | null): string | undefined {
  const first = text?.split(/[.!?\n,]/)[0]?.trim();
  if (!first) return undefined;
  const chars = Array.from(first);
  if (chars.length <= 20) return first;
  const cut = chars.slice(0, 20).join('');
  return cut.slice(0, Math.max(cut.lastIndexOf(' '), 10)).trim();
}

function unique(xs: string[]): string[] {
  return [...new Set(xs.map((x) => x.trim()).filter(Boolean))];
}

/** A small seeded generator (mulberry32): the same key gives the same lyrics. */
function seeded(key: string): () => number {
  let a = createHash('sha256').update(key).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickOf<T>(rng: () => number, xs: T[]): T {
  return xs[Math.floor(rng() * xs.length)];
}

function shuffle<T>(rng: () => number, xs: T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
