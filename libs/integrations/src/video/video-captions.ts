import { Caption, CaptionWord } from './video-renderer';
import { during, ff, FilterGraph } from './ffmpeg-graph';
import { SAFE_AREA, textWidth, wrapText } from './video-timeline';

/** Where a caption was drawn, for checking a render against the safe area. */
export interface CaptionPlacement {
  text: string;
  startSec: number;
  endSec: number;
  rect: { x: number; y: number; w: number; h: number };
  /** each row's plate (where the caption covers the picture) */
  rows: { x: number; y: number; w: number; h: number }[];
}

/** The lyric captions over the picture `[from]` into `[vout]`; where each was drawn. */
export async function drawCaptions(
  g: FilterGraph,
  shown: Caption[],
  from: string,
): Promise<CaptionPlacement[]> {
  const placed: CaptionPlacement[] = [];
  const drawn: string[] = [];
  for (const c of shown) {
    const { filters, rect, rows } = await captionFilters(g, c.text, c.startSec, c.endSec, c.words);
    drawn.push(...filters);
    placed.push({ text: c.text, startSec: c.startSec, endSec: c.endSec, rect, rows });
  }
  // drawn on the encoder's yuv420p as the pictures were composed in (format: no conversion)
  g.filters.push(`[${from}]${drawn.length ? drawn.join(',') + ',' : ''}format=yuv420p[vout]`);
  return placed;
}

/**
 * One lyric line, large, on a plate, inside the safe area, from its start until just before
 * its end (the next line's start: never two lines in one frame); with karaoke on and a voice
 * singing it (`sung`), each word lights up when it is sung (each lit prefix drawn at the row's
 * own start, so it lies exactly over the row). Without a voice, no highlight: an
 * instrumental's captions would light up words nobody sings.
 */
async function captionFilters(
  g: FilterGraph,
  text: string,
  start: number,
  end: number,
  sung?: CaptionWord[],
): Promise<Pick<CaptionPlacement, 'rect' | 'rows'> & { filters: string[] }> {
  const s = g.tpl.caption;
  const pad = g.px(s.platePadding);
  const size = g.px(s.fontSize);
  const maxW = g.px(SAFE_AREA.right - SAFE_AREA.left) - 2 * pad;
  const rows = wrapText(text, size, maxW);
  const pitch = Math.round(size * 1.3 + pad);
  const blockH = rows.length * pitch - pad;
  // centred on the look's line, but never past the safe area's bottom (a long line grows up)
  const bottom = g.px(SAFE_AREA.bottom) - pad;
  const top = Math.min(Math.round(g.H * s.centerY - blockH / 2), bottom - blockH);
  const cx = g.px((SAFE_AREA.left + SAFE_AREA.right) / 2);
  const font = g.font(s.font);
  const border = s.borderWidth
    ? `:borderw=${g.px(s.borderWidth)}:bordercolor=${ff(s.borderColor)}`
    : '';
  const filters: string[] = [];
  const words = rows.map((r) => r.split(' '));
  const totalWords = words.reduce((n, w) => n + w.length, 0);
  const karaoke = s.karaoke && sung?.length === totalWords;
  let wordNo = 0;
  let widest = 0;
  const plates: CaptionPlacement['rows'] = [];
  for (const [r, row] of rows.entries()) {
    const width = textWidth(row, size);
    widest = Math.max(widest, width);
    const x0 = Math.max(g.px(SAFE_AREA.left) + pad, Math.round(cx - width / 2));
    const y = top + r * pitch;
    plates.push({ x: x0 - pad, y: y - pad, w: Math.round(width) + 2 * pad, h: size + 2 * pad });
    filters.push(
      `drawtext=${font}:textfile='${await g.textFile(row)}':fontsize=${size}:fontcolor=${ff(s.color)}${border}:` +
        `box=1:boxcolor=${ff(s.plateColor)}:boxborderw=${pad}:x=${x0}:y=${y}:${during(start, end)}`,
    );
    if (!karaoke) continue;
    for (let w = 1; w <= words[r].length; w++) {
      const lit = Math.max(start, sung[wordNo++].startSec);
      filters.push(
        `drawtext=${font}:textfile='${await g.textFile(words[r].slice(0, w).join(' '))}':fontsize=${size}:` +
          `fontcolor=${ff(s.highlightColor)}${border}:x=${x0}:y=${y}:${during(lit, end)}`,
      );
    }
  }
  const w = Math.min(maxW, Math.round(widest)) + 2 * pad;
  return {
    filters,
    rect: { x: Math.round(cx - w / 2), y: top - pad, w, h: blockH + 2 * pad },
    rows: plates,
  };
}
