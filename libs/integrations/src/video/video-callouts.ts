import { ff, FilterGraph, num } from './ffmpeg-graph';
import { Caption, VideoRequest } from './video-renderer';
import { fitText, SAFE_AREA } from './video-timeline';

export type MenuItem = { name: string; price?: string | null };

/**
 * A price as people read it on a menu: digits grouped by thousands and 원 ("9000" and
 * "9000원" become "9,000원"); anything else (a range, "시가") as the store wrote it.
 */
export function priceLabel(price: string | null | undefined): string | null {
  const p = price?.trim();
  if (!p) return null;
  const m = /^₩?\s*([\d,]+)\s*(원)?$/.exec(p);
  if (!m) return p;
  const n = Number(m[1].replace(/,/g, ''));
  return Number.isFinite(n) && n > 0 ? `${n.toLocaleString('en-US')}원` : p;
}

/** The menu with names trimmed and prices as people read them; nameless items dropped. */
export function menuWithPrices(menu: MenuItem[] | undefined): MenuItem[] {
  return (menu ?? [])
    .map((m) => ({ name: m.name.trim(), price: priceLabel(m.price) }))
    .filter((m) => m.name);
}

/** How long the hook holds: until the first lyric (at least 1.6 s, at most 3 s). */
export function hookEndSec(captions: Caption[]): number {
  return Math.min(3, Math.max(1.6, captions[0]?.startSec ?? 3));
}

/** A line that sells: the signature dish with its price, else the dish, else the kind of place. */
function sellingLine(req: VideoRequest): string | null {
  const menu = menuWithPrices(req.endCard.menu);
  const priced = menu.find((m) => m.price);
  if (priced) return `${priced.name} ${priced.price}`;
  if (menu[0]) return menu[0].name;
  return req.endCard.category?.split('>').pop()?.trim() || null;
}

/**
 * The hook, from the first frame: the store's name large on a plate in the upper band (clear of
 * the captions' band) and under it the selling line on an accent tag, settling in with a short
 * glide, fully legible from frame 0, fading out as the first lyric comes.
 */
export async function hookText(g: FilterGraph, req: VideoRequest, endSec: number): Promise<string> {
  const tpl = g.tpl;
  const pad = g.px(28);
  const maxW = g.px(SAFE_AREA.right - SAFE_AREA.left) - 2 * pad;
  const name = fitText(req.endCard.name, g.px(tpl.title.nameSize), g.px(80), maxW, 2);
  const cx = g.px((SAFE_AREA.left + SAFE_AREA.right) / 2);
  const pitch = Math.round(name.size * 1.2 + 2 * pad);
  const top = g.px(SAFE_AREA.top + 90);
  const glide = `${g.px(36)}*pow(max(0,1-t/0.5),2)`;
  const alpha = `alpha='min(1,max(0,(${num(endSec)}-t)/0.3))'`;
  const enable = `enable='lt(t,${num(endSec)})'`;
  const parts: string[] = [];
  for (const [i, row] of name.rows.entries())
    parts.push(
      `drawtext=${g.font(tpl.title.font)}:textfile='${await g.textFile(row)}':fontsize=${name.size}:` +
        `fontcolor=${ff(tpl.caption.color)}:box=1:boxcolor=${ff(tpl.caption.plateColor)}:boxborderw=${pad}:` +
        `x=${cx}-text_w/2:y='${top + i * pitch}+${glide}':${alpha}:${enable}`,
    );
  const line = sellingLine(req);
  if (line)
    parts.push(
      await tagText(g, line, {
        y: `${top + name.rows.length * pitch + g.px(24)}+${glide}*1.6`,
        alpha,
        enable,
      }),
    );
  return parts.join(',');
}

/** Text on an accent tag (a pill of the look's accent colour), centred. */
async function tagText(
  g: FilterGraph,
  text: string,
  at: { y: string; alpha: string; enable: string; x?: string },
): Promise<string> {
  const size = g.px(66);
  const cx = g.px((SAFE_AREA.left + SAFE_AREA.right) / 2);
  return (
    `drawtext=${g.font('caption')}:textfile='${await g.textFile(text)}':fontsize=${size}:` +
    `fontcolor=${ff(g.tpl.endCard.ctaTextColor)}:box=1:boxcolor=${ff(g.tpl.colors.accent)}:boxborderw=${g.px(22)}:` +
    `x='${at.x ?? `${cx}-text_w/2`}':y='${at.y}':${at.alpha}:${at.enable}`
  );
}

/** When price tags show: 2.5 s at 40% of the shots' time, and again at 75% in a long video. */
export function priceTagTimes(bodySec: number, hookEnd: number): number[] {
  const at = [Math.max(hookEnd + 1, bodySec * 0.4)];
  if (bodySec > 20) at.push(bodySec * 0.75);
  return at.filter((s) => s + 2.5 <= bodySec);
}

/**
 * The menu's prices as tags over the photos, in the upper band: the dish and its price
 * sliding in from the left, one priced dish after another; nothing when no dish has a price.
 */
export async function priceTags(
  g: FilterGraph,
  req: VideoRequest,
  times: number[],
): Promise<string> {
  const priced = menuWithPrices(req.endCard.menu).filter((m) => m.price);
  if (!priced.length) return '';
  const cx = g.px((SAFE_AREA.left + SAFE_AREA.right) / 2);
  const parts: string[] = [];
  for (const [k, s] of times.entries()) {
    const item = priced[k % priced.length];
    const e = s + 2.5;
    parts.push(
      await tagText(g, `${item.name} ${item.price}`, {
        x: `${cx}-text_w/2-${g.px(120)}*pow(max(0,1-(t-${num(s)})/0.35),2)`,
        y: `${g.px(SAFE_AREA.top + 120)}`,
        alpha: `alpha='min(1,min((t-${num(s)})/0.2,(${num(e)}-t)/0.25))'`,
        enable: `enable='gte(t,${num(s)})*lt(t,${num(e)})'`,
      }),
    );
  }
  return parts.join(',');
}
