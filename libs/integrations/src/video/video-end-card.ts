import { ff, FilterGraph, num } from './ffmpeg-graph';
import { menuWithPrices } from './video-callouts';
import { VideoRequest } from './video-renderer';
import { fitText, SAFE_AREA, textWidth, Timeline } from './video-timeline';

/** A block of the end card: its height, its drawing at a top, and whether it is spacing. */
type Item = { h: number; space?: boolean; draw: (y: number, i: number) => Promise<string> };

/**
 * The end card as one composition: name, a rule, the menu (up to three dishes, each on its own
 * row with its price), address, phone and a call to action, aligned alike (centred or flush
 * left) and spread over the safe area (the gaps grow, so no large part of it is left empty);
 * its parts come in one after another.
 */
export async function endCardText(
  g: FilterGraph,
  req: VideoRequest,
  timeline: Timeline,
): Promise<string> {
  const items = endCardItems(g, req, timeline);
  const total = items.reduce((s, it) => s + it.h, 0);
  const safeTop = g.px(SAFE_AREA.top);
  const safeH = g.px(SAFE_AREA.bottom - SAFE_AREA.top);
  // fill about four fifths of the safe area: the gaps take what the words leave
  const spaces = items.filter((it) => it.space).reduce((s, it) => s + it.h, 0);
  const grow = spaces ? Math.min(3, Math.max(1, 1 + (safeH * 0.8 - total) / spaces)) : 1;
  for (const it of items) if (it.space) it.h = Math.round(it.h * grow);
  const height = items.reduce((s, it) => s + it.h, 0);
  let y = safeTop + Math.max(0, Math.round((safeH - height) / 2));
  const parts: string[] = [];
  for (const [i, it] of items.entries()) {
    const f = await it.draw(y, i);
    if (f) parts.push(f);
    y += it.h;
  }
  return parts.length ? ',' + parts.join(',') : '';
}

function endCardItems(g: FilterGraph, req: VideoRequest, timeline: Timeline): Item[] {
  const e = g.tpl.endCard;
  const c = g.tpl.colors;
  const left = g.px(SAFE_AREA.left + 24);
  const maxW = g.px(SAFE_AREA.right - SAFE_AREA.left - 48);
  const cx = g.px((SAFE_AREA.left + SAFE_AREA.right) / 2);
  const from = (i: number) => num(timeline.transitionSec * 0.6 + 0.12 * i);
  const fadeIn = (i: number) => `alpha='min(1,max(0,(t-${from(i)})/0.35))'`;
  const x = e.align === 'center' ? `${cx}-text_w/2` : `${left}`;
  const text = async (row: string, size: number, font: string, color: string, at: string) =>
    `drawtext=${font}:textfile='${await g.textFile(row)}':fontsize=${size}:fontcolor=${ff(color)}:${at}`;
  const rows = (lines: string[], size: number, font: string, color: string, gap = 1.25): Item => ({
    h: Math.round(lines.length * size * gap),
    draw: async (y, i) => {
      const out: string[] = [];
      for (const [r, row] of lines.entries())
        out.push(
          await text(
            row,
            size,
            font,
            color,
            `x=${x}:y=${y + Math.round(r * size * gap)}:${fadeIn(i)}`,
          ),
        );
      return out.join(',');
    },
  });
  const space = (ref: number): Item => ({ h: g.px(ref), space: true, draw: async () => '' });
  const items: Item[] = [];
  const name = fitText(req.endCard.name, g.px(e.nameSize), g.px(64), maxW, 2);
  items.push(rows(name.rows, name.size, g.font(e.nameFont), c.text, 1.2));
  const ruleW = g.px(150);
  items.push(space(24), {
    h: g.px(10),
    draw: async (y, i) =>
      `drawbox=x=${e.align === 'center' ? cx - ruleW / 2 : left}:y=${y}:w=${ruleW}:h=${g.px(10)}:` +
      `color=${ff(c.accent)}:t=fill:enable='gte(t,${from(i)})'`,
  });
  const menu = menuWithPrices(req.endCard.menu).slice(0, 3);
  if (menu.length) {
    items.push(space(44), rows([e.menuLabel], g.px(44), g.font('body'), c.accent));
    const size = g.px(60);
    for (const item of menu)
      items.push({
        h: Math.round(size * 1.35),
        draw: async (y, i) => {
          const dish = fitText(item.name, size, g.px(40), maxW * (item.price ? 0.6 : 1), 1);
          const price = item.price ?? '';
          const gap = price ? g.px(28) : 0;
          const width = textWidth(dish.rows[0], dish.size) + gap + textWidth(price, size);
          const x0 = e.align === 'center' ? Math.round(cx - width / 2) : left;
          const at = (dx: number) => `x=${x0 + dx}:y=${y}:${fadeIn(i)}`;
          const out = [await text(dish.rows[0], dish.size, g.font('body'), c.text, at(0))];
          if (price)
            out.push(
              await text(
                price,
                size,
                g.font('caption'),
                c.accent,
                at(Math.round(width - textWidth(price, size))),
              ),
            );
          return out.join(',');
        },
      });
  }
  items.push(space(40));
  if (req.endCard.address) {
    const a = fitText(req.endCard.address, g.px(46), g.px(36), maxW, 2);
    items.push(rows(a.rows, a.size, g.font('body'), c.muted));
  }
  if (req.endCard.phone)
    items.push(space(8), rows([req.endCard.phone], g.px(60), g.font('caption'), c.text));
  items.push(space(60), callToAction(g, x, left, from));
  return items;
}

/** the call to action on an accent button */
function callToAction(g: FilterGraph, x: string, left: number, from: (i: number) => string): Item {
  const e = g.tpl.endCard;
  const size = g.px(62);
  const pad = g.px(26);
  return {
    h: size + 2 * pad,
    draw: async (y, i) =>
      `drawtext=${g.font('caption')}:textfile='${await g.textFile(e.cta)}':fontsize=${size}:` +
      `fontcolor=${ff(e.ctaTextColor)}:box=1:boxcolor=${ff(g.tpl.colors.accent)}:boxborderw=${pad}:` +
      `x=${e.align === 'center' ? x : left + pad}:y=${y + pad}:` +
      `enable='gte(t,${from(i)})'`,
  };
}
