import { ff, FilterGraph } from './ffmpeg-graph';
import { menuWithPrices } from './video-callouts';
import { VideoRequest } from './video-renderer';
import { fitText, SAFE_AREA } from './video-timeline';

export type TitleCard = { label: string; text: string; note?: string };

/** Without photos: the store's name, then its menu items (with their prices), then where it is. */
export function titleCards(req: VideoRequest): TitleCard[] {
  const e = req.endCard;
  const category = e.category?.split('>').pop()?.trim();
  const cards: TitleCard[] = [{ label: category || '우리 동네', text: e.name }];
  for (const item of menuWithPrices(e.menu).slice(0, 4))
    cards.push({ label: '대표 메뉴', text: item.name, note: item.price ?? undefined });
  const area = e.address?.split(/\s+/).slice(0, 3).join(' ');
  if (area) cards.push({ label: '찾아오시는 길', text: area, note: e.phone ?? undefined });
  return cards;
}

/** a title card's words sliding up and fading in, in the card's own time */
export async function titleCardText(g: FilterGraph, card: TitleCard): Promise<string> {
  const t = g.tpl.title;
  const c = g.tpl.colors;
  const maxW = g.px(SAFE_AREA.right - SAFE_AREA.left - 48);
  const big = fitText(card.text, g.px(t.nameSize), g.px(72), maxW, 3);
  const cx = g.px((SAFE_AREA.left + SAFE_AREA.right) / 2);
  const rowH = Math.round(big.size * 1.25);
  const top = Math.round(g.H * 0.36 - (big.rows.length * rowH) / 2);
  const parts: string[] = [];
  const draw = async (
    text: string,
    font: string,
    size: number,
    color: string,
    y: number,
    delay: number,
  ) =>
    parts.push(
      `drawtext=${font}:textfile='${await g.textFile(text)}':fontsize=${size}:fontcolor=${ff(color)}:` +
        // a soft shadow keeps light words legible on the brighter gradients
        `shadowx=${g.px(3)}:shadowy=${g.px(3)}:shadowcolor=0x000000@0.35:` +
        `x=${cx}-text_w/2:y='${y}+${g.px(60)}*pow(max(0,1-(t-${delay})/0.6),2)':` +
        `alpha='min(1,max(0,(t-${delay})/0.45))'`,
    );
  await draw(card.label, g.font('body'), g.px(t.labelSize), c.accent, top - g.px(110), 0.25);
  for (const [i, row] of big.rows.entries())
    await draw(row, g.font(t.font), big.size, c.text, top + i * rowH, 0.35 + 0.1 * i);
  if (card.note)
    await draw(
      card.note,
      g.font('body'),
      g.px(t.labelSize),
      c.muted,
      top + big.rows.length * rowH + g.px(40),
      0.6,
    );
  return ',' + parts.join(',');
}
