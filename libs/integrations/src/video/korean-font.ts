import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** No font with Korean glyphs: every caption would be drawn as empty boxes (tofu). */
export class KoreanFontMissingError extends Error {
  override name = 'KoreanFontMissingError';
}

const found = new Map<string, string>();

/**
 * The file of a Korean font asked by fontconfig pattern (e.g. "Noto Sans CJK KR:style=Bold"),
 * found with fc-match. fc-match always answers with something (DejaVu when the family is
 * missing), so the answer must be a face that covers Korean; else the regular Noto Sans CJK
 * is tried, and with none of them an error says what to install.
 */
export function koreanFontFile(pattern: string): string {
  const cached = found.get(pattern);
  if (cached) return cached;
  const file = [pattern, 'Noto Sans CJK KR:style=Bold', 'Noto Sans CJK KR']
    .map(matchKorean)
    .find((f): f is string => !!f);
  if (!file)
    throw new KoreanFontMissingError(
      `no Korean font found for "${pattern}" (fc-match): install fonts-noto-cjk ` +
        '(apt-get install fonts-noto-cjk) so captions are not drawn as empty boxes',
    );
  found.set(pattern, file);
  return file;
}

function matchKorean(pattern: string): string | null {
  try {
    const out = execFileSync('fc-match', ['-f', '%{file}\n%{lang}', `${pattern}:lang=ko`], {
      encoding: 'utf8',
      timeout: 10_000,
      env: process.env, // as this process sees it now (FONTCONFIG_FILE may point elsewhere)
    });
    const [file, langs = ''] = out.split('\n');
    return file && existsSync(file) && langs.split('|').includes('ko') ? file : null;
  } catch {
    return null; // fontconfig itself is missing: reported by the caller
  }
}
