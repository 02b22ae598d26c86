import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KoreanFontMissingError, koreanFontFile } from './korean-font';

describe('koreanFontFile (fc-match)', () => {
  it('finds the Noto CJK file of each template font', () => {
    expect(koreanFontFile('Noto Sans CJK KR:style=Bold')).toMatch(/NotoSansCJK-Bold\.(ttc|otf)$/);
    expect(koreanFontFile('Noto Serif CJK KR:style=Bold')).toMatch(/NotoSerifCJK-Bold\.(ttc|otf)$/);
  });

  it('says what to install when no font covers Korean', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fonts-'));
    const conf = join(dir, 'fonts.conf');
    // a fontconfig that knows only an empty folder: fc-match answers nothing Korean
    writeFileSync(
      conf,
      `<?xml version="1.0"?><fontconfig><dir>${dir}</dir><cachedir>${dir}</cachedir></fontconfig>`,
    );
    const before = process.env.FONTCONFIG_FILE;
    process.env.FONTCONFIG_FILE = conf;
    try {
      expect(() => koreanFontFile('Noto Sans CJK KR:style=Light')).toThrow(KoreanFontMissingError);
      expect(() => koreanFontFile('Noto Sans CJK KR:style=Light')).toThrow(
        /install fonts-noto-cjk/,
      );
    } finally {
      if (before === undefined) delete process.env.FONTCONFIG_FILE;
      else process.env.FONTCONFIG_FILE = before;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
