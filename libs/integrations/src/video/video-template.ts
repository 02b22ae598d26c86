import { LOCAL_VIDEO_ENGINE, VIDEO_ENGINE_LABELS, VideoEngineName } from './video-renderer';
import bold from './templates/bold.json';
import clean from './templates/clean.json';
import warm from './templates/warm.json';

export type ShotMove = 'zoomIn' | 'zoomOut' | 'panLeft' | 'panRight' | 'panUp' | 'panDown';
const MOVES: readonly ShotMove[] = ['zoomIn', 'zoomOut', 'panLeft', 'panRight', 'panUp', 'panDown'];
/** FFmpeg xfade transitions a template may name (the ones that look right on photos) */
const TRANSITIONS = [
  'fade',
  'fadewhite',
  'fadeblack',
  'smoothleft',
  'smoothright',
  'smoothup',
  'smoothdown',
  'slideleft',
  'slideright',
  'slideup',
  'slidedown',
  'wipeleft',
  'wiperight',
  'circleopen',
  'dissolve',
];
type FontRole = 'title' | 'caption' | 'body';

/**
 * A look of the FFmpeg renderer, read from a data file under templates/: fonts (fontconfig
 * patterns), colours, motion and caption style. Sizes are pixels at 1080 px wide.
 */
export interface VideoTemplate {
  id: string;
  label: string;
  fonts: Record<FontRole, string>;
  colors: {
    /** gradient pairs (top, bottom) for title cards, cycled */
    backgrounds: [string, string][];
    accent: string;
    text: string;
    muted: string;
  };
  motion: {
    /** beats a photo stays on screen before the next cut */
    shotBeats: number;
    moves: ShotMove[];
    /** how much larger than the frame a photo is laid out, the room for pan and zoom */
    margin: number;
    transitions: string[];
    transitionSec: number;
  };
  caption: {
    font: FontRole;
    fontSize: number;
    color: string;
    borderColor: string;
    borderWidth: number;
    /** a plate behind the caption, colour@opacity */
    plateColor: string;
    platePadding: number;
    /** where the caption block is centred, as a fraction of the height */
    centerY: number;
    /** words light up in highlightColor as the line is sung */
    karaoke: boolean;
    highlightColor: string;
  };
  title: { font: FontRole; nameSize: number; itemSize: number; labelSize: number };
  endCard: {
    align: 'center' | 'left';
    background: [string, string];
    nameFont: FontRole;
    nameSize: number;
    menuLabel: string;
    cta: string;
    ctaTextColor: string;
  };
}

const COLOR = /^#[0-9a-f]{6}(@(0(\.\d+)?|1(\.0+)?))?$/i;

/** Checks a template file's content, so a bad edit fails at start-up naming the field. */
export function checkTemplate(raw: unknown): VideoTemplate {
  const t = raw as VideoTemplate;
  const bad = (field: string) => {
    throw new Error(`video template ${String(t?.id)}: ${field} is missing or invalid`);
  };
  if (!t || typeof t.id !== 'string' || !/^[a-z0-9-]{1,40}$/.test(t.id)) bad('id');
  for (const role of ['title', 'caption', 'body'] as const)
    if (typeof t.fonts?.[role] !== 'string') bad(`fonts.${role}`);
  const colors = [
    ...(t.colors?.backgrounds ?? []).flat(),
    t.colors?.accent,
    t.colors?.text,
    t.colors?.muted,
    t.caption?.color,
    t.caption?.borderColor,
    t.caption?.plateColor,
    t.caption?.highlightColor,
    ...(t.endCard?.background ?? []),
    t.endCard?.ctaTextColor,
  ];
  if (!t.colors?.backgrounds?.length) bad('colors.backgrounds');
  colors.forEach((c, i) => (typeof c === 'string' && COLOR.test(c) ? 0 : bad(`colour #${i}`)));
  if (!(t.motion?.shotBeats >= 2)) bad('motion.shotBeats');
  if (!t.motion?.moves?.length || t.motion.moves.some((m) => !MOVES.includes(m)))
    bad('motion.moves');
  if (!(t.motion?.margin >= 0.04 && t.motion.margin <= 0.3)) bad('motion.margin');
  if (!t.motion?.transitions?.length || t.motion.transitions.some((x) => !TRANSITIONS.includes(x)))
    bad('motion.transitions');
  if (!(t.motion?.transitionSec >= 0.1 && t.motion.transitionSec <= 1)) bad('motion.transitionSec');
  // at least 64 px cap height at 1080 wide: Noto CJK's capitals are 0.73 em
  if (!(t.caption?.fontSize * 0.73 >= 64)) bad('caption.fontSize (cap height under 64 px)');
  if (!(t.caption?.centerY > 0.1 && t.caption.centerY < 0.75)) bad('caption.centerY');
  if (!['center', 'left'].includes(t.endCard?.align)) bad('endCard.align');
  if (typeof t.endCard?.cta !== 'string' || !t.endCard.cta) bad('endCard.cta');
  return t;
}

const TEMPLATES: ReadonlyMap<string, VideoTemplate> = new Map(
  [warm, bold, clean].map((raw) => {
    const t = checkTemplate(raw);
    return [t.id, t];
  }),
);

/** The looks of the FFmpeg renderer, by templateId. */
export const VIDEO_TEMPLATE_IDS: readonly string[] = [...TEMPLATES.keys()];
export const DEFAULT_VIDEO_TEMPLATE = 'warm';

export function isVideoTemplateId(id: string): boolean {
  return TEMPLATES.has(id);
}

/**
 * Why a templateId cannot be asked of an engine, or null when it can: the local renderer's
 * looks are ours, so an unknown one is a mistake to report; a provider's template id is the
 * provider's to check.
 */
export function templateIdProblem(engine: VideoEngineName, templateId: string): string | null {
  if (engine !== LOCAL_VIDEO_ENGINE || isVideoTemplateId(templateId)) return null;
  return `templateId "${templateId}" is not a look of the ${VIDEO_ENGINE_LABELS[engine]} renderer: use ${VIDEO_TEMPLATE_IDS.join(', ')}`;
}

/**
 * The template by id; an id that is not ours (a Creatomate template id when that engine fell
 * back to this one) gets the default look rather than failing a render.
 */
export function videoTemplate(id?: string | null): VideoTemplate {
  return TEMPLATES.get(id ?? '') ?? TEMPLATES.get(DEFAULT_VIDEO_TEMPLATE)!;
}
