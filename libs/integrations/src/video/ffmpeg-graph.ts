import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MediaSource } from '../song/song-engine';
import { koreanFontFile } from './korean-font';
import { VideoTemplate } from './video-template';

export const FPS = 30;
/** the frame every size in a template refers to */
export const REF_WIDTH = 1080;

/**
 * A filter graph under construction: inputs, filters, text files, sizes scaled to the frame.
 * The pictures are composed in the encoder's yuv420p (no frame converted on the way out);
 * only the few frames of a transition are blended in yuv444p (FFmpeg's xfade takes no other).
 */
export class FilterGraph {
  readonly inputs: string[] = [];
  readonly filters: string[] = [];
  private texts = 0;
  private labels = 0;
  private readonly k: number;

  constructor(
    readonly dir: string,
    readonly W: number,
    readonly H: number,
    readonly tpl: VideoTemplate,
  ) {
    this.k = W / REF_WIDTH;
  }

  /** an input file (a still is read at the video's frame rate); returns its index */
  input(path: string, still = true): number {
    if (still) this.inputs.push('-framerate', String(FPS));
    this.inputs.push('-i', path);
    return this.inputs.filter((a) => a === '-i').length - 1;
  }

  /** a link label no other part of the graph uses */
  label(prefix: string): string {
    return `${prefix}${this.labels++}`;
  }

  /** px at 1080 wide, scaled to this frame */
  px(ref: number): number {
    return Math.round(ref * this.k);
  }

  /** a text in a file (drawtext reads it as is: no escaping of the owner's words) */
  async textFile(value: string): Promise<string> {
    const file = join(this.dir, `text-${this.texts++}.txt`);
    await writeFile(file, value);
    return escapePath(file);
  }

  font(role: keyof VideoTemplate['fonts']): string {
    return `fontfile='${escapePath(koreanFontFile(this.tpl.fonts[role]))}'`;
  }
}

export function mediaPath(m: MediaSource): string {
  return m.kind === 'file' ? m.path : m.url;
}

export const even = (x: number) => Math.round(x / 2) * 2;
export const num = (x: number) => x.toFixed(3);
/** "#rrggbb@a" as FFmpeg writes colours */
export const ff = (c: string) => c.replace('#', '0x');
/** a path inside a filtergraph option: ':' and quotes escaped */
export const escapePath = (p: string) =>
  p.replace(/\\/g, '/').replace(/:/g, '\\:').replace(/'/g, "\\'");
/** on screen from `start` until just before `end`: two things timed end to start never meet */
export const during = (start: number, end: number) =>
  `enable='gte(t,${num(start)})*lt(t,${num(end)})'`;
