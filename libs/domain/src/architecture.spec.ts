import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';
import type { ProjectPatch } from './pipeline/project.repository';
import type { PublicationPatch } from './social/publication.repository';

/** House rules that types cannot state, checked on the source itself. */
const ROOT = join(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return (
    readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
      // specs and the doubles they share (`.test.ts`) are not the code the rules are about
      .filter((e) => e.isFile() && e.name.endsWith('.ts') && !/\.(spec|test)\.ts$/.test(e.name))
      .map((e) => relative(ROOT, join(e.parentPath, e.name)))
  );
}

const code = [...sources('apps'), ...sources('libs')];
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

describe('the layering of the middle', () => {
  it('reaches the database only through repositories', () => {
    const allowed = (f: string) =>
      f.endsWith('.repository.ts') ||
      f.startsWith('libs/domain/src/database/') ||
      // the lease core every repository of leased work uses
      f === 'libs/domain/src/work/leased-table.ts';
    const offenders = code.filter(
      (f) => !allowed(f) && /from '[^']*database-router'|\bDatabaseRouter\b/.test(read(f)),
    );
    expect(offenders).toEqual([]);
  });

  it("changes a project's state only through ProjectRepository.transition()", () => {
    // the patch types leave `state` out; nothing else may update the projects table directly
    const progress = 'libs/domain/src/pipeline/project-event.repository.ts';
    const offenders = code.filter(
      (f) =>
        f !== 'libs/domain/src/pipeline/project.repository.ts' &&
        f !== progress &&
        !f.startsWith('libs/domain/src/migrations/') &&
        /update\(ProjectEntity|UPDATE projects SET[^']*state/i.test(read(f)),
    );
    expect(offenders).toEqual([]);
    // the event log's one write to a project: a progress report's lease fence, `updated_at` and
    // the report's percent only (the row keeps it for reads)
    const writes = read(progress).match(/update\(\s*ProjectEntity[^;]*;/g) ?? [];
    expect(writes.map((w) => w.replace(/\s+/g, ' '))).toEqual([
      'update( ProjectEntity, { id, leaseOwner }, { updatedAt: now, reportPercent: report.percent }, );',
    ]);
    expect(read(progress)).not.toMatch(/UPDATE projects/i);
    // and the repository's own writes take patches without `state` (checked by the compiler)
    // @ts-expect-error a patch cannot carry a state: only transition() moves a project
    const patch: ProjectPatch = { state: 'DONE' };
    expect(patch).toBeDefined();
  });

  it('runs one engine of leased work: no second claim, lease or tick loop', () => {
    const claims = code.filter((f) => /SKIP LOCKED|setOnLocked\(/.test(read(f)));
    expect(claims).toEqual(['libs/domain/src/work/leased-table.ts']);
    // intervals: the work tick, and the leader lease's renewal
    const ticks = code.filter((f) => /addInterval\(/.test(read(f)));
    expect(ticks.sort()).toEqual([
      'apps/scheduler/src/leadership.service.ts',
      'apps/scheduler/src/work/work-ticker.ts',
    ]);
    const heartbeats = code.filter((f) => /setInterval\(/.test(read(f)) && /lease/i.test(read(f)));
    expect(heartbeats.sort()).toEqual([
      'apps/scheduler/src/leadership.service.ts',
      'apps/scheduler/src/work/work-ticker.ts',
      'libs/domain/src/leases/lease-heartbeat.ts',
    ]);
  });

  it('runs the pipeline by step classes whose vendors stay behind the ports', () => {
    const steps = code.filter((f) => f.startsWith('libs/domain/src/pipeline/steps/'));
    expect(steps.length).toBeGreaterThan(6);
    // a step names lanes and engines it is given, never a vendor of its own
    const vendors = steps.filter((f) => /'(suno|creatomate|ffmpeg|openai)'/i.test(read(f)));
    expect(vendors).toEqual([]);
    // no concrete adapter reaches the domain: it gets ports (VideoRenderers picks by engine)
    const domain = code.filter((f) => f.startsWith('libs/domain/'));
    const adapters = domain.filter((f) =>
      /\b(Ffmpeg|Creatomate|Fallback)VideoRenderer\b|\b(Suno|Synth)SongEngine\b/.test(read(f)),
    );
    expect(adapters).toEqual([]);
    // one handler class per step, no catch-all handler file
    expect(code.filter((f) => /step-handlers\.ts$/.test(f))).toEqual([]);
  });

  it("changes a publication's state only through PublicationRepository's transition gate", () => {
    // nothing outside the repository updates the publications table directly
    const offenders = code.filter(
      (f) =>
        f !== 'libs/domain/src/social/publication.repository.ts' &&
        !f.startsWith('libs/domain/src/migrations/') &&
        /update\(SnsUploadEntity|UPDATE sns_uploads SET[^']*state/i.test(read(f)),
    );
    expect(offenders).toEqual([]);
    // inside it, a state is set only where the table is asserted first
    const repo = read('libs/domain/src/social/publication.repository.ts');
    const writers = repo
      .split(/\n {2}(?:async |private async )?(?=\w+\()/)
      .filter((m) => /state: t\.to/.test(m));
    expect(writers.length).toBe(2);
    for (const m of writers) expect(m).toMatch(/assertPublicationTransition\(/);
    // @ts-expect-error a patch cannot carry a state: only transition() moves a publication
    const patch: PublicationPatch = { state: 'published' };
    expect(patch).toBeDefined();
  });

  it('runs steps and publications on the one leased-work skeleton', () => {
    for (const f of [
      'libs/domain/src/pipeline/step-runner.ts',
      'libs/domain/src/social/publication-runner.ts',
    ]) {
      expect(read(f)).toMatch(/extends LeasedWorkRunner</);
      // the heartbeat and the claim checks live in the skeleton, not in each runner
      expect(read(f)).not.toMatch(/holdLease\(/);
    }
    // the heartbeat is shared (libs/domain/src/leases: an Idempotency-Key's hold beats the same
    // way); of the leased work's kinds, only the skeleton holds a lease itself
    const leasedWork = /^libs\/domain\/src\/(work|pipeline|social|results)\//;
    const heartbeatUsers = code.filter((f) => leasedWork.test(f) && /holdLease\(/.test(read(f)));
    expect(heartbeatUsers).toEqual(['libs/domain/src/work/leased-work-runner.ts']);
  });
});

describe('reading results back', () => {
  it('is leased work on the one engine, claimed by the WorkTicker: no timer or cron of its own', () => {
    expect(read('libs/domain/src/results/result-reading-runner.ts')).toMatch(
      /extends LeasedWorkRunner</,
    );
    expect(read('libs/domain/src/results/result-reader.repository.ts')).toMatch(
      /extends LeasedTable</,
    );
    const results = sources('libs/domain/src/results');
    expect(
      results.filter((f) => /setInterval\(|setTimeout\(|@Cron\(|@Interval\(/.test(read(f))),
    ).toEqual([]);
    expect(read('apps/scheduler/src/work/work-ticker.ts')).toMatch(/claims\.claimReadings\(/);
  });
});

describe('configuration passed in', () => {
  /** The one place that reads the process environment: main.ts files call it. */
  const LOADER = 'libs/domain/src/config/load-config.ts';
  const withoutComments = (src: string) =>
    src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const readsEnv = (src: string) =>
    /\bprocess\s*(\.\s*env\b|\[\s*['"`]env['"`]\s*\])|\benv\b[^}]*\}\s*=\s*process\b/.test(
      withoutComments(src),
    );
  const writesEnv = (src: string) =>
    /\bprocess\.env(\.\w+|\[[^\]]+\])?\s*(=(?!=)|\?\?=|\|\|=)|Object\.assign\(\s*process\.env\b|delete\s+process\.env\b|\bloadEnvFile\(/.test(
      withoutComments(src),
    );

  it('reads process.env only in the configuration loader', () => {
    // hands this process's environment on to the fc-match tool it spawns (fontconfig's own
    // variables); reads none of ours
    const toolEnvironment = ['libs/integrations/src/video/korean-font.ts'];
    const offenders = code.filter(
      (f) => f !== LOADER && !toolEnvironment.includes(f) && readsEnv(read(f)),
    );
    expect(offenders).toEqual([]);
    expect(readsEnv(read(LOADER))).toBe(true);
    // the check sees each way of reading it, and not a comment that names it
    for (const line of ['x = process.env.PORT', "process['env'].A", 'const { env } = process'])
      expect([line, readsEnv(line)]).toEqual([line, true]);
    expect(readsEnv('// never process.env directly')).toBe(false);
  });

  it('has no test that writes process.env: tests build a configuration instead', () => {
    // not app configuration: fontconfig's own variable, read by the fc-match tool it spawns
    const exceptions = ['libs/integrations/src/video/korean-font.spec.ts'];
    const self = 'libs/domain/src/architecture.spec.ts'; // its samples below, as strings
    const typescript = (dir: string) =>
      readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith('.ts'))
        .map((e) => relative(ROOT, join(e.parentPath, e.name)));
    const tests = [
      ...typescript('test'),
      ...typescript('bench'),
      ...[...typescript('apps'), ...typescript('libs')].filter((f) => f.endsWith('.spec.ts')),
    ];
    expect(tests.length).toBeGreaterThan(50);
    const offenders = tests.filter(
      (f) => f !== self && !exceptions.includes(f) && writesEnv(read(f)),
    );
    expect(offenders).toEqual([]);
    for (const line of [
      "process.env.PORT = '1'",
      'process.env = saved',
      "process.env['A'] ??= 'b'",
      'Object.assign(process.env, env)',
      'delete process.env.DB_HOST',
    ])
      expect([line, writesEnv(line)]).toEqual([line, true]);
    expect(writesEnv("if (process.env.CI === 'true')")).toBe(false);
  });
});

/** A file's length in lines (a trailing newline ends the last line, it does not add one). */
const lineCount = (file: string) => read(file).replace(/\n$/, '').split('\n').length;

/** What the length rule measures: every kind of function, method, constructor and accessor. */
const FUNCTION_KINDS = new Set([
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.ArrowFunction,
  ts.SyntaxKind.FunctionExpression,
  ts.SyntaxKind.Constructor,
  ts.SyntaxKind.GetAccessor,
  ts.SyntaxKind.SetAccessor,
]);

/** Every function, method, constructor and accessor of `file` longer than `max` lines. */
function longFunctions(file: string, max: number, text = read(file)): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line + 1;
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (FUNCTION_KINDS.has(node.kind)) {
      // from the declaration itself (its doc comment is not part of it) to its closing brace
      const first = lineOf(node.getStart(source));
      const lines = lineOf(node.getEnd()) - first + 1;
      if (lines > max) found.push(`${file}:${first} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the size of the code', () => {
  it('keeps every file under libs/domain/src/pipeline at most 350 lines', () => {
    const dir = 'libs/domain/src/pipeline';
    const files = readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => relative(ROOT, join(e.parentPath, e.name)));
    expect(files.filter((f) => lineCount(f) > 350).sort()).toEqual([]);
  });

  it('has no function in libs/ over 80 lines (migrations exempt)', () => {
    const long = sources('libs')
      .filter((f) => !f.startsWith('libs/domain/src/migrations/'))
      .flatMap((f) => longFunctions(f, 80));
    expect(long).toEqual([]);
  });

  it('measures a function from its first line to its closing brace, nested ones on their own', () => {
    const body = (n: number, indent: string) =>
      Array.from({ length: n }, (_, i) => `${indent}const v${i} = ${i};`);
    const sample = [
      'export class Sample {',
      '  /**',
      '   * a doc comment is not part of the method',
      '   */',
      '  method(): void {', // line 5: 80 lines with its closing brace
      ...body(78, '    '),
      '  }',
      '  get value(): number {', // line 85: 84 lines
      '    const inner = () => {', // line 86: 81 lines
      ...body(79, '      '),
      '    };',
      '    return inner.length;',
      '  }',
      '}',
    ].join('\n');
    expect(longFunctions('sample.ts', 80, sample)).toEqual([
      'sample.ts:85 (84 lines)',
      'sample.ts:86 (81 lines)',
    ]);
  });
});

describe('Bull through @nestjs/bull', () => {
  it('makes no Bull queue by hand: queues are registered with BullModule (StepQueuesModule)', () => {
    // a hand-made queue is a second set of connections and options beside the registered ones
    const offenders = code.filter(
      (f) => /\bnew Bull\s*[<(]/.test(read(f)) || /import Bull\b[^;]*from 'bull'/.test(read(f)),
    );
    expect(offenders).toEqual([]);
  });
});

describe('barrels by audience', () => {
  /** Every class a repository file declares (not all of them are named `...Repository`). */
  const REPOSITORIES = new Set(
    sources('libs/domain/src')
      .filter((f) => f.endsWith('.repository.ts'))
      .flatMap((f) =>
        [...read(f).matchAll(/^export (?:abstract )?class (\w+)/gm)].map((m) => m[1]),
      ),
  );
  /** The repositories a source imports, by name or by module. */
  const repositoriesImported = (src: string): string[] =>
    [...src.matchAll(/^\s*import\s+(?:type\s+)?([^;]*?)\s+from\s+'([^']+)'/gms)].flatMap(
      ([, bindings, from]) => [
        ...(/\.repository$|\/repositories$/.test(from) ? [from] : []),
        ...[...bindings.matchAll(/\w+/g)].map((m) => m[0]).filter((n) => REPOSITORIES.has(n)),
      ],
    );

  it('keeps repositories out of apps/: they call use cases, services and ports', () => {
    const everyFile = readdirSync(join(ROOT, 'apps'), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => relative(ROOT, join(e.parentPath, e.name)));
    const offenders = everyFile
      .map((f) => [f, ...repositoriesImported(read(f))])
      .filter((found) => found.length > 1);
    expect(offenders).toEqual([]);
    // the check knows the repositories, including one not named so, and each way to import one
    expect([...REPOSITORIES]).toEqual(
      expect.arrayContaining(['UserRepository', 'ProjectRepository', 'RefreshTokenHousekeeping']),
    );
    expect(
      repositoriesImported(
        [
          "import {\n  AccountService,\n  UserRepository,\n} from '@app/domain';",
          "import type { ProjectRepository as P } from '@app/domain';",
          "import { X } from '@app/domain/repositories';",
          "import { Y } from '@app/domain/stores/store.repository';",
          "import { UserEntity } from '@app/domain';",
        ].join('\n'),
      ),
    ).toEqual([
      'UserRepository',
      'ProjectRepository',
      '@app/domain/repositories',
      '@app/domain/stores/store.repository',
    ]);
  });

  it('keeps the database out of apps/: no TypeORM, no DataSource', () => {
    // migrations, the server's limits and health are libs/domain/src/database's to ask
    const offenders = sources('apps').filter((f) =>
      /from '(typeorm|@nestjs\/typeorm)'|\bInjectDataSource\b/.test(read(f)),
    );
    expect(offenders).toEqual([]);
  });

  it('hands the apps no repository through @app/domain', () => {
    // the public barrel's exports, followed through every `export *` it makes
    const exported = new Set<string>();
    const follow = (file: string): void => {
      const src = read(file);
      for (const m of src.matchAll(/^export \* from '(\.[^']+)';/gm)) {
        const target = join(file, '..', m[1]);
        const asFile = `${target}.ts`;
        follow(sources('libs/domain/src').includes(asFile) ? asFile : join(target, 'index.ts'));
      }
      for (const m of src.matchAll(/^export (?:abstract )?class (\w+)/gm)) exported.add(m[1]);
      for (const m of src.matchAll(/^export (?:type )?\{([^}]*)\} from/gm))
        for (const name of m[1].split(','))
          exported.add(
            name
              .trim()
              .split(/\s+as\s+/)
              .pop()!,
          );
    };
    follow('libs/domain/src/index.ts');
    expect(exported.has('AccountService')).toBe(true);
    expect([...REPOSITORIES].filter((r) => exported.has(r))).toEqual([]);
  });
});

describe('input the API takes', () => {
  it("marks optional fields with IsOptionalNotNull, never class-validator's IsOptional (which lets null through)", () => {
    const offenders = code.filter(
      (f) =>
        f.startsWith('apps/api/') &&
        /\bIsOptional\b(?!NotNull)/.test(read(f).replace(/\/\*[\s\S]*?\*\//g, '')),
    );
    expect(offenders).toEqual([]);
  });
});

describe('vendors behind the ports', () => {
  const VENDORS = /suno|creatomate|ffmpeg|openai|naver|kakao|youtube|instagram|azure/gi;

  /**
   * Vendor names in a source's string and template literals. Not a name inside an identifier
   * of ours (the column kakao_id, the variable KAKAO_CLIENT_ID named in a message, sunoapi),
   * but a camelCase start counts (FfmpegError). Comments and module paths are not values.
   */
  function vendorLiterals(file: string, text = read(file)): string[] {
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const found: string[] = [];
    const check = (node: ts.Node, value: string) => {
      for (const m of value.matchAll(VENDORS)) {
        const before = value[m.index - 1] ?? '';
        const after = value[m.index + m[0].length] ?? '';
        const wordStart =
          !/[A-Za-z0-9_]/.test(before) || (/[a-z0-9]/.test(before) && /^[A-Z]/.test(m[0]));
        if (wordStart && !/[a-z0-9_]/.test(after)) {
          const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
          found.push(`${file}:${line} ${m[0]}`);
        }
      }
    };
    const visit = (node: ts.Node): void => {
      const isModulePath =
        (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier;
      if (isModulePath) return;
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
        check(node, node.text);
      else if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node))
        check(node, node.text);
      ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
  }

  it('names no vendor in a libs/domain literal: the ports and the configuration say them', () => {
    // configuration (libs/domain/src/config) names the engines it switches between, and holds
    // the price table (PRICE_TABLE's defaults, pipeline-config.ts); stored names the domain keeps
    // (a social platform, a store's or photo's source, the lyrics' source) are the ports' types
    // and constants in libs/integrations
    const offenders = sources('libs/domain/src')
      .filter((f) => !f.startsWith('libs/domain/src/config/') && !f.endsWith('.test.ts'))
      .flatMap((f) => vendorLiterals(f));
    expect(offenders).toEqual([]);
  });

  it('finds a vendor in quotes and templates, not in comments, module paths or our identifiers', () => {
    const sample = [
      "import { KakaoLogin } from './kakao-login';",
      '// a comment may say suno',
      "if (engine === 'suno') retry();",
      'const m = `${platform} on YouTube`;',
      "if (err.name === 'FfmpegError') retry();",
      "const isLocal = 'isFfmpeg';",
      'const q = "u.kakao_id = :ref AND KAKAO_CLIENT_ID";',
      "const url = 'https://api.openai.com/v1';",
    ].join('\n');
    expect(vendorLiterals('sample.ts', sample)).toEqual([
      'sample.ts:3 suno',
      'sample.ts:4 YouTube',
      'sample.ts:5 Ffmpeg',
      'sample.ts:6 Ffmpeg',
      'sample.ts:8 openai',
    ]);
  });
});
