import { createHash } from 'node:crypto';
import type mysql from 'mysql2/promise';

/**
 * A year of CastAD data generated inside MariaDB (INSERT ... SELECT over the Sequence engine's
 * seq_1_to_N tables: no row crosses the wire), deterministic, so a bench and a test can name
 * the rows they query and put a slice back as it was. Times are relative to `anchor`, the
 * moment the data calls "now".
 *
 * Project n (1..projects) is created at an even pace over `days`; the newest `live` are in
 * flight (due, leased, expired leases, waiting for the owner), the rest finished: 85% DONE,
 * 8% FAILED (most with a provider error), 7% CANCELLED, and a few left waiting for their owner
 * just past the 30-day limit. Every 25th project is the heavy partner's, every 250th the heavy
 * user's (their lists go deep into the cursor); the others spread over `users`.
 */
export interface VolumeScale {
  users: number;
  projects: number;
  eventsPerProject: number;
  days: number;
  live: number;
}

/** Bumped whenever what the generator writes changes: benches cache filled datadirs by it. */
export const GENERATOR_VERSION = 3;

/** The seed's stage 3 after a year: 50,000 users, 500,000 projects, 5,000,000 events. */
export const STAGE3_YEAR: VolumeScale = {
  users: 50_000,
  projects: 500_000,
  eventsPerProject: 10,
  days: 365,
  live: 2_000,
};

export const HEAVY_PARTNER = uuidOf('partner', 1);
export const HEAVY_USER = uuidOf('u', 0);
const STORES_PER_PROJECT = 0.2;
const LIVE_STATES = [
  'DRAFT',
  'STORE_READY',
  'LYRICS_READY',
  'SONG_SUBMITTED',
  'SONG_READY',
  'VIDEO_SUBMITTED',
  // a render in flight is the longest wait: twice the share
  'VIDEO_SUBMITTED',
];
const FAILING_STEPS = ['write_lyrics', 'submit_song', 'poll_song', 'submit_video', 'poll_video'];
const PROVIDER_OF_STEP: Record<string, string> = {
  write_lyrics: 'openai',
  submit_song: 'suno',
  poll_song: 'suno',
  submit_video: 'creatomate',
  poll_video: 'creatomate',
};
const EVENT_STEPS = [
  null,
  'prepare_store',
  'write_lyrics',
  'approve_lyrics',
  'submit_song',
  'poll_song',
  'select_clip',
  'submit_video',
  'poll_video',
  'finish',
];

/** The id the generator gives row n of a kind (an MD5-based UUID, spread like random ones). */
export function uuidOf(kind: string, n: number): string {
  const h = createHash('md5').update(`${kind}${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const uuidSql = (kind: string, expr: string) =>
  `INSERT(INSERT(INSERT(INSERT(MD5(CONCAT('${kind}', ${expr})),9,0,'-'),14,0,'-'),19,0,'-'),24,0,'-')`;
const sqlTime = (d: Date) => `'${d.toISOString().replace('T', ' ').replace('Z', '')}'`;
const elt = (expr: string, values: (string | null)[]) =>
  `ELT(1 + (${expr}) % ${values.length}, ${values.map((v) => (v === null ? 'NULL' : `'${v}'`)).join(', ')})`;

/** A pseudo-random number per row n of a kind (0..16M), as SQL and as the same in TypeScript. */
const hashSql = (kind: string, n: string) => `CONV(LEFT(MD5(CONCAT('${kind}', ${n})), 6), 16, 10)`;
const hashOf = (kind: string, n: number) =>
  parseInt(createHash('md5').update(`${kind}${n}`).digest('hex').slice(0, 6), 16);

const SURNAMES = '김이박최정강조윤장임한오서신권황안송류홍'.split('');
const GIVEN =
  '민준서연지우도윤하은수현예진유채시아주원성영재호태경정혜소나다린희빈승혁건훈율온'.split('');
const NICK_SUFFIXES = ['맘', '아빠', '사장', '네'];
const EMAIL_WORDS = [
  'minjun',
  'seoyeon',
  'jiwoo',
  'doyun',
  'haeun',
  'eunseo',
  'suho',
  'hyunwoo',
  'yejin',
  'jihoo',
  'chaewon',
  'siwoo',
  'ahyoung',
  'juwon',
  'sungmin',
  'youngho',
  'taeyang',
  'kyungmin',
  'jungwoo',
  'hyejin',
  'sohee',
  'nari',
  'dahye',
  'seungho',
];
const EMAIL_DOMAINS = [
  'naver.com',
  'naver.com',
  'naver.com',
  'naver.com',
  'naver.com',
  'gmail.com',
  'gmail.com',
  'gmail.com',
  'kakao.com',
  'daum.net',
];

/**
 * Kakao nicknames as people set them: mostly a name (surname and two syllables), a tenth a
 * given name alone, a tenth a name with a word after it ("김민준아빠").
 */
const nicknameSql = (n: string) =>
  `CONCAT(IF(${n} % 10 = 0, '', ${elt(hashSql('s', n), SURNAMES)}), ${elt(hashSql('g', n), GIVEN)}, ${elt(hashSql('h', n), GIVEN)}, IF(${n} % 10 = 1, ${elt(`${n} DIV 10`, NICK_SUFFIXES)}, ''))`;

/** The email a user shares with Kakao (three in ten share none): a word and digits. */
const emailSql = (n: string) =>
  `IF(${n} % 10 < 3, NULL, CONCAT(${elt(hashSql('e', n), EMAIL_WORDS)}, ${hashSql('d', n)} % 10000, '@', ${elt(n, EMAIL_DOMAINS)}))`;

/**
 * User n's email's part before the @ (what an admin is told), as the SQL above makes it; user
 * n has none when n % 10 < 3.
 */
export const emailLocalPartOf = (n: number) =>
  `${EMAIL_WORDS[hashOf('e', n) % EMAIL_WORDS.length]}${hashOf('d', n) % 10000}`;

/** A Korean jingle's sections as the lyrics engine stores them (about 1.5 KB of JSON). */
const LYRICS_JSON = JSON.stringify(
  ['verse', 'chorus', 'verse', 'chorus', 'bridge', 'chorus'].map((kind, i) => ({
    kind,
    lines: [
      '해운대 바닷바람 따라 걸어오면',
      '따끈한 국밥 한 그릇이 기다려요',
      `아침부터 밤까지 언제나 ${i + 1}번 테이블`,
      '우리 동네 맛집 여기 있어요',
    ],
  })),
).replace(/'/g, "''");

export class DataVolume {
  constructor(
    readonly scale: VolumeScale,
    readonly anchor: Date,
  ) {}

  get stores(): number {
    return Math.max(1, Math.floor(this.scale.projects * STORES_PER_PROJECT));
  }

  /** Seconds between two projects' creation. */
  private get pace(): number {
    return (this.scale.days * 86_400) / this.scale.projects;
  }

  /** Project n's creation time, as SQL (n an SQL expression). */
  private created(n: string): string {
    return `${sqlTime(this.anchor)} - INTERVAL ROUND((${this.scale.projects} - (${n})) * ${this.pace.toFixed(3)} + 60, 3) SECOND`;
  }

  /** Project n's creation time (as the SQL above computes it). */
  createdAt(n: number): Date {
    const pace = Number(this.pace.toFixed(3));
    return new Date(
      this.anchor.getTime() - Math.round(((this.scale.projects - n) * pace + 60) * 1000),
    );
  }

  projectId = (n: number) => uuidOf('p', n);
  userId = (n: number) => uuidOf('u', n);
  /** Store n and its owner (as the stores' INSERT below makes them). */
  store = (n: number) => ({
    id: uuidOf('s', n),
    ownerUserId: this.userId(1 + (n % this.scale.users)),
  });

  /** The first live project: the newest `live` are in flight. */
  get firstLive(): number {
    return this.scale.projects - this.scale.live + 1;
  }

  /** Fills an empty, migrated database. */
  async fill(
    c: mysql.Connection,
    progress: (what: string) => void = () => undefined,
    opts: { deferIndexes?: boolean } = {},
  ): Promise<void> {
    const { users, projects, eventsPerProject } = this.scale;
    await c.query('SET SESSION unique_checks = 0, foreign_key_checks = 0');
    // a big fill: rows first, then each table's secondary indexes built at once (sorted)
    const indexes = opts.deferIndexes ? await dropSecondaryIndexes(c) : [];
    progress('users');
    await this.chunked(c, 1, users, (a, b) => this.usersSql(a, b));
    progress('user search grams');
    // by Kakao id (3000000000 + n, the heavy user's just below)
    await this.chunked(
      c,
      2_999_999_999,
      3_000_000_000 + users,
      (a, b) => this.userGramsSql(a, b),
      10_000,
    );
    await c.query(
      `INSERT INTO partners (id, name, created_at) VALUES ('${HEAVY_PARTNER}', 'heavy partner', ${sqlTime(new Date(this.anchor.getTime() - this.scale.days * 86_400_000))})`,
    );
    progress('stores');
    await this.chunked(c, 1, this.stores, (a, b) => this.storesSql(a, b));
    progress('projects');
    await this.chunked(c, 1, projects, (a, b) => this.projectsSql('INSERT', a, b));
    progress('lyrics, songs, videos, files');
    await this.chunked(c, 1, projects, (a, b) => this.contentSql(a, b), 50_000);
    progress('usage');
    await this.chunked(c, 1, projects, (a, b) => this.usageSql(a, b));
    progress('events');
    await this.chunked(
      c,
      1,
      projects,
      (a, b) => this.eventsSql(a, b),
      Math.max(1, Math.floor(200_000 / eventsPerProject)),
    );
    progress('tokens, nonces, idempotency keys');
    await this.housekeepingRows(c, 'INSERT');
    for (const [table, adds] of indexes) {
      progress(`indexes of ${table}`);
      await c.query(`ALTER TABLE \`${table}\` ${adds.join(', ')}`);
    }
  }

  /**
   * Puts the rows that the periodic jobs and the claims change back as the generator made
   * them: the live projects, the abandoned ones, and expired tokens, nonces and keys.
   */
  async restoreMutable(c: mysql.Connection, generatedEvents: number): Promise<void> {
    for (const [a, b] of this.abandonedRanges()) await c.query(this.projectsSql('REPLACE', a, b));
    await this.restoreLive(c);
    // events written since the fill (cancellations): seq is the primary key
    await c.query('DELETE FROM project_events WHERE seq > ?', [generatedEvents]);
    await this.housekeepingRows(c, 'REPLACE');
  }

  /** Project n's lease (live ones: an eighth expired, a quarter held), as SQL. */
  private leaseUntilSql(n: string): string {
    const anchor = sqlTime(this.anchor);
    return `CASE WHEN ${n} < ${this.firstLive} THEN NULL WHEN ${n} % 8 = 1 THEN ${anchor} - INTERVAL 90 SECOND WHEN ${n} % 4 = 3 THEN ${anchor} + INTERVAL 30 SECOND ELSE NULL END`;
  }

  private leaseOwnerSql(n: string): string {
    return `IF((${this.leaseUntilSql(n)}) IS NULL, NULL, CONCAT('scheduler-1:', LEFT(MD5(${n}), 12)))`;
  }

  /**
   * Puts the live projects' leases back as generated (after a claim or the lease clearing):
   * one UPDATE that changes only the rows that differ.
   */
  async restoreLeases(c: mysql.Connection): Promise<void> {
    await c.query(
      `UPDATE seq_${this.firstLive}_to_${this.scale.projects} s JOIN projects p ON p.id = ${uuidSql('p', 's.seq')}
       SET p.lease_owner = ${this.leaseOwnerSql('s.seq')}, p.lease_until = ${this.leaseUntilSql('s.seq')}`,
    );
  }

  /** Puts the live projects (claims, leases) back as generated. */
  async restoreLive(c: mysql.Connection): Promise<void> {
    await this.chunked(c, this.firstLive, this.scale.projects, (a, b) =>
      this.projectsSql('REPLACE', a, b),
    );
  }

  private async chunked(
    c: mysql.Connection,
    from: number,
    to: number,
    sql: (a: number, b: number) => string | string[],
    size = 100_000,
  ): Promise<void> {
    for (let a = from; a <= to; a += size) {
      const b = Math.min(to, a + size - 1);
      const statements = sql(a, b);
      for (const s of Array.isArray(statements) ? statements : [statements]) await c.query(s);
    }
  }

  private usersSql(a: number, b: number): string {
    const created = `${sqlTime(this.anchor)} - INTERVAL ROUND((${this.scale.users} - seq) * ${((this.scale.days * 86_400) / this.scale.users).toFixed(3)} + 120, 3) SECOND`;
    return (
      `INSERT INTO users (id, kakao_id, nickname, email, profile_image_url, role, blocked_at, deleted_at, created_at, updated_at)
      SELECT ${uuidSql('u', 'seq')}, CAST(3000000000 + seq AS CHAR), ${nicknameSql('seq')}, ${emailSql('seq')},
        CONCAT('https://k.kakaocdn.net/dn/profile/', MD5(seq), '/img_640x640.jpg'), IF(seq % 10000 = 0, 'admin', 'user'),
        IF(seq % 500 = 0, ${created}, NULL), IF(seq % 200 = 0, ${created}, NULL), ${created}, ${created}
      FROM seq_${a}_to_${b}` + (a === 1 ? this.heavyUserSql() : '')
    );
  }

  /**
   * The admin user search's grams (accounts/user-search.ts) of users with Kakao ids in
   * [a, b]: the 2- and 3-character pieces of each nickname and email, lower-cased.
   */
  private userGramsSql(a: number, b: number): string {
    const texts = ['nickname', 'email']
      .map(
        (col) =>
          `SELECT id, created_at, LOWER(${col}) AS txt FROM users WHERE deleted_at IS NULL AND ${col} IS NOT NULL AND kakao_id BETWEEN '${a}' AND '${b}'`,
      )
      .join(' UNION ALL ');
    // DISTINCT, not INSERT IGNORE: with unique_checks off, MariaDB bulk-loads an empty table
    // and a duplicate then silently drops the whole statement's rows
    return `INSERT INTO user_search_grams (gram, created_at, user_id)
      SELECT DISTINCT SUBSTRING(t.txt, i.seq, n.seq), t.created_at, t.id
      FROM (${texts}) t JOIN seq_1_to_255 i ON i.seq < CHAR_LENGTH(t.txt) JOIN seq_2_to_3 n ON i.seq + n.seq - 1 <= CHAR_LENGTH(t.txt)`;
  }

  private heavyUserSql(): string {
    const t = sqlTime(new Date(this.anchor.getTime() - this.scale.days * 86_400_000));
    return ` UNION ALL SELECT '${HEAVY_USER}', '2999999999', '큰손사장', 'heavy@example.kr', NULL, 'user', NULL, NULL, ${t}, ${t}`;
  }

  private storesSql(a: number, b: number): string {
    const created = this.created(`seq / ${STORES_PER_PROJECT}`);
    return `INSERT INTO stores (id, owner_user_id, partner_id, name, category, address, road_address, phone, latitude, longitude, description, menu, hours, pitch, source, source_ref, created_at, updated_at)
      SELECT ${uuidSql('s', 'seq')}, ${uuidSql('u', `1 + seq % ${this.scale.users}`)}, NULL, CONCAT('해운대 국밥 ', seq, '호점'), '한식>국밥',
        CONCAT('부산광역시 해운대구 우동 ', seq % 2000, '-', seq % 37), CONCAT('부산광역시 해운대구 해운대로 ', seq % 900, '번길 ', seq % 50),
        CONCAT('051-', LPAD(seq % 10000, 4, '0'), '-', LPAD(seq % 7919, 4, '0')), 35.16 + (seq % 1000) / 100000, 129.16 + (seq % 997) / 100000,
        '30년 전통의 돼지국밥 전문점입니다. 새벽까지 영업하며 수육과 순대도 함께 즐기실 수 있습니다.',
        '[{"name":"돼지국밥","price":"9,000원"},{"name":"순대국밥","price":"9,000원"},{"name":"수육","price":"25,000원"}]',
        '매일 07:00 - 02:00', NULL, 'naver', CONCAT('https://map.naver.com/p/entry/place/', 1000000000 + seq), ${created}, ${created}
      FROM seq_${a}_to_${b}`;
  }

  /** Project rows n in [a, b]; `REPLACE` puts changed ones back. */
  projectsSql(verb: 'INSERT' | 'REPLACE', a: number, b: number): string {
    const { projects, users } = this.scale;
    const created = this.created('seq');
    const anchor = sqlTime(this.anchor);
    const live = `seq >= ${this.firstLive}`;
    // abandoned: waiting for the owner since just over 30 days (the hourly job's work)
    const abandoned = `(NOT ${live} AND seq % 50 = 7 AND ${created} BETWEEN ${anchor} - INTERVAL 31 DAY AND ${anchor} - INTERVAL 30 DAY)`;
    const kind = `seq % 100`;
    const state = `CASE WHEN ${live} THEN ${elt('seq', LIVE_STATES)} WHEN ${abandoned} THEN 'LYRICS_READY'
      WHEN ${kind} < 85 THEN 'DONE' WHEN ${kind} < 93 THEN 'FAILED' ELSE 'CANCELLED' END`;
    const failingStep = elt('seq DIV 100', FAILING_STEPS);
    const provider = `ELT(FIELD(${failingStep}, ${FAILING_STEPS.map((s) => `'${s}'`).join(', ')}), ${FAILING_STEPS.map((s) => `'${PROVIDER_OF_STEP[s]}'`).join(', ')})`;
    // live: a third due now, a quarter leased (an eighth of those expired), owner stops wait
    const due = `${anchor} - INTERVAL (seq % 600) SECOND`;
    const nextRun = `CASE WHEN ${live} AND seq % 7 IN (2, 4) AND seq % 3 = 0 THEN NULL WHEN ${live} THEN IF(seq % 3 = 2, ${anchor} + INTERVAL (seq % 300) SECOND, ${due}) ELSE NULL END`;
    const leaseUntil = this.leaseUntilSql('seq');
    const failed = `(NOT ${live} AND NOT ${abandoned} AND ${kind} BETWEEN 85 AND 92)`;
    return `${verb} INTO projects (id, owner_user_id, partner_id, store_id, state, step, step_attempts, retries, autopilot, options, next_run_at,
        lease_owner, lease_until, last_error, last_provider_error, step_started_at, pending_submission_key, pending_submission_at,
        song_task_id, video_task_id, callback_token, created_at, updated_at)
      SELECT ${uuidSql('p', 'seq')},
        CASE WHEN seq % 25 = 0 THEN NULL WHEN seq % 250 = 1 THEN '${HEAVY_USER}' ELSE ${uuidSql('u', `1 + seq % ${users}`)} END,
        IF(seq % 25 = 0, '${HEAVY_PARTNER}', NULL),
        ${uuidSql('s', `1 + seq % ${this.stores}`)},
        ${state},
        CASE WHEN ${failed} THEN ${failingStep} WHEN ${live} THEN ${elt('seq', ['prepare_store', 'write_lyrics', 'submit_song', 'poll_song', 'submit_video', 'poll_video', 'poll_video'])} ELSE NULL END,
        IF(${live}, seq % 3, 0), 0, seq % 2,
        CONCAT('{"mood":"', ${elt('seq', ['bright', 'calm', 'energetic', 'emotional'])}, '","genre":"', ${elt('seq', ['pop', 'trot', 'ballad', 'hiphop', 'jazz'])}, '","lengthSec":30,"keywords":["국밥","해운대","24시"]}'),
        ${nextRun},
        ${this.leaseOwnerSql('seq')}, ${leaseUntil},
        IF(${failed}, CONCAT('gave up after 5 attempts: ', ${provider}, ' is unavailable (HTTP 503)'), NULL),
        IF(${failed} AND seq % 3 <> 0, CONCAT(${provider}, ': HTTP 503 Service Unavailable (request ', LEFT(MD5(seq), 16), ')'), NULL),
        NULL, NULL, NULL,
        IF(${kind} < 93, CONCAT('suno-', LEFT(MD5(seq), 24)), NULL), IF(${kind} < 85, CONCAT('render-', LEFT(MD5(seq + 1), 24)), NULL),
        LEFT(TO_BASE64(UNHEX(MD5(CONCAT('cb', seq)))), 32),
        ${created}, IF(${live}, ${created}, ${created} + INTERVAL 6 MINUTE)
      FROM seq_${a}_to_${b} WHERE seq BETWEEN 1 AND ${projects}`;
  }

  private abandonedRanges(): [number, number][] {
    const per = 86_400 / this.pace;
    const from = Math.max(1, Math.floor(this.scale.projects - 31 * per) - 2);
    const to = Math.min(this.firstLive - 1, Math.ceil(this.scale.projects - 30 * per) + 2);
    return from <= to ? [[from, to]] : [];
  }

  private contentSql(a: number, b: number): string[] {
    const created = this.created('seq');
    const range = `FROM seq_${a}_to_${b}`;
    const finished = `seq % 100 < 85 AND seq < ${this.firstLive}`;
    return [
      `INSERT INTO lyrics (id, project_id, version, title, sections, source, approved_at, created_at)
        SELECT ${uuidSql('l', 's.seq * 2 + v.seq')}, ${uuidSql('p', 's.seq')}, v.seq, CONCAT('해운대 국밥 ', s.seq, '호점의 노래'),
          '${LYRICS_JSON}', IF(v.seq = 1, 'openai', 'edited'), IF(v.seq = 1, NULL, ${this.created('s.seq')} + INTERVAL 2 MINUTE),
          ${this.created('s.seq')} + INTERVAL v.seq MINUTE
        FROM seq_${a}_to_${b} s JOIN seq_1_to_2 v ON v.seq = 1 OR s.seq % 4 = 0`,
      `INSERT INTO songs (id, project_id, provider_clip_id, blob_key, duration_sec, line_timings, selected, created_at)
        SELECT ${uuidSql('song', 's.seq * 2 + v.seq')}, ${uuidSql('p', 's.seq')}, CONCAT('clip-', MD5(s.seq * 2 + v.seq)),
          CONCAT('songs/', ${uuidSql('p', 's.seq')}, '/', v.seq, '.m4a'), 30 + v.seq,
          '[0,1.85,3.7,5.55,7.4,9.25,11.1,12.95,14.8,16.65,18.5,20.35,22.2,24.05,25.9,27.75]', v.seq = 1,
          ${this.created('s.seq')} + INTERVAL 3 MINUTE
        FROM seq_${a}_to_${b} s JOIN seq_1_to_2 v WHERE s.seq % 100 < 93`,
      `INSERT INTO videos (id, project_id, engine, blob_key, thumbnail_blob_key, duration_sec, width, height, created_at)
        SELECT ${uuidSql('v', 'seq')}, ${uuidSql('p', 'seq')}, IF(seq % 3 = 0, 'creatomate', 'ffmpeg'),
          CONCAT('videos/', ${uuidSql('p', 'seq')}, '.mp4'), CONCAT('thumbnails/', ${uuidSql('p', 'seq')}, '.jpg'), 30, 1080, 1920,
          ${created} + INTERVAL 5 MINUTE
        ${range} WHERE ${finished}`,
      `INSERT INTO blob_objects (id, container, blob_key, content_type, bytes, tier, owner_user_id, last_accessed_at, delete_requested_at, created_at)
        SELECT ${uuidSql('b', 's.seq * 4 + f.seq')}, ELT(f.seq, 'songs', 'songs', 'video', 'thumbnails'),
          CONCAT(ELT(f.seq, 'songs/', 'songs/', 'videos/', 'thumbnails/'), ${uuidSql('p', 's.seq')}, ELT(f.seq, '/1.m4a', '/2.m4a', '.mp4', '.jpg')),
          ELT(f.seq, 'audio/mp4', 'audio/mp4', 'video/mp4', 'image/jpeg'), ELT(f.seq, 480000, 480000, 14000000, 90000),
          IF(s.seq < ${this.scale.projects} - 30 * ${Math.round(86_400 / this.pace)}, 'Cool', 'Hot'), ${uuidSql('u', `1 + s.seq % ${this.scale.users}`)},
          ${this.created('s.seq')} + INTERVAL 1 DAY, NULL, ${this.created('s.seq')} + INTERVAL 5 MINUTE
        FROM seq_${a}_to_${b} s JOIN seq_1_to_4 f WHERE s.seq % 100 < 85 AND s.seq < ${this.firstLive}`,
    ];
  }

  private usageSql(a: number, b: number): string {
    const created = this.created('s.seq');
    // lyrics (tokens), song (a generation), video (rendered seconds, Creatomate only)
    return `INSERT INTO usage_records (id, project_id, user_id, provider, operation, unit, units, cost_usd, idempotency_key, created_at)
      SELECT ${uuidSql('use', 's.seq * 3 + k.seq')}, ${uuidSql('p', 's.seq')}, ${uuidSql('u', `1 + s.seq % ${this.scale.users}`)},
        ELT(k.seq, 'openai', 'suno', 'creatomate'), ELT(k.seq, 'write_lyrics', 'submit_song', 'submit_video'),
        ELT(k.seq, 'tokens', 'generation', 'second'), ELT(k.seq, 1800, 1, 30), ELT(k.seq, 0.0027, 0.05, 0.3),
        CONCAT(${uuidSql('p', 's.seq')}, ':', ELT(k.seq, 'write_lyrics', 'submit_song', 'submit_video'), ':1:0'),
        ${created} + INTERVAL k.seq MINUTE
      FROM seq_${a}_to_${b} s JOIN seq_1_to_3 k ON k.seq = 1 OR s.seq % 100 < 93 AND (k.seq = 2 OR s.seq % 3 = 0)`;
  }

  private eventsSql(a: number, b: number): string {
    const e = this.scale.eventsPerProject;
    const created = this.created('s.seq');
    const step = elt('e.seq - 1', EVENT_STEPS);
    const states = [
      'DRAFT',
      'STORE_READY',
      'LYRICS_READY',
      'LYRICS_READY',
      'SONG_SUBMITTED',
      'SONG_READY',
      'SONG_READY',
      'VIDEO_SUBMITTED',
      'VIDEO_READY',
      'DONE',
    ];
    const to = `IF(e.seq = ${e} AND s.seq % 100 BETWEEN 85 AND 92, 'FAILED', ${elt('e.seq - 1', states)})`;
    return `INSERT INTO project_events (project_id, from_state, to_state, step, duration_ms, message, at)
      SELECT ${uuidSql('p', 's.seq')}, ${elt('e.seq + 8', states)}, ${to}, ${step},
        IF(e.seq > 1, 800 + (s.seq * e.seq) % 40000, NULL), IF(e.seq = 1, 'created', NULL),
        ${created} + INTERVAL e.seq * 30 SECOND
      FROM seq_${a}_to_${b} s JOIN seq_1_to_${e} e`;
  }

  /** Two refresh tokens per user (a quarter expired), login nonces and idempotency keys, half expired. */
  private async housekeepingRows(c: mysql.Connection, verb: 'INSERT' | 'REPLACE'): Promise<void> {
    const anchor = sqlTime(this.anchor);
    const expires = `IF(t.seq % 4 = 0, ${anchor} - INTERVAL (t.seq % 86400) SECOND, ${anchor} + INTERVAL 1 DAY + INTERVAL (t.seq % 2592000) SECOND)`;
    await this.chunked(
      c,
      1,
      this.scale.users * 2,
      (a, b) =>
        `${verb} INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at, rotated_at, revoked_at, created_at)
        SELECT ${uuidSql('rt', 't.seq')}, ${uuidSql('u', `1 + t.seq DIV 2 % ${this.scale.users}`)}, ${uuidSql('fam', 't.seq DIV 2')},
          SHA2(CONCAT('rt', t.seq), 256), ${expires}, NULL, NULL, ${expires} - INTERVAL 30 DAY
        FROM seq_${a}_to_${b} t`,
    );
    await c.query(
      `${verb} INTO auth_nonces (nonce, expires_at) SELECT SHA2(CONCAT('n', seq), 256), IF(seq % 2 = 0, ${anchor} - INTERVAL (seq % 600 + 1) SECOND, ${anchor} + INTERVAL (seq % 600 + 1) SECOND) FROM seq_1_to_2000`,
    );
    await c.query(
      `${verb} INTO idempotency_keys (id, caller, request_hash, status_code, resource_kind, resource_ids, expires_at)
        SELECT SHA2(CONCAT('k', seq), 256), CONCAT('user:', ${uuidSql('u', `1 + seq % ${this.scale.users}`)}), SHA2(CONCAT('body', seq), 256), 202, 'project', CONCAT('["', ${uuidSql('p', 'seq')}, '"]'),
          IF(seq % 2 = 0, ${anchor} - INTERVAL (seq % 86400 + 1) SECOND, ${anchor} + INTERVAL (seq % 86400 + 1) SECOND)
        FROM seq_1_to_20000`,
    );
  }
}

/** Drops every secondary index of the data tables; returns the clauses that add them back. */
async function dropSecondaryIndexes(c: mysql.Connection): Promise<[string, string[]][]> {
  const [rows] = (await c.query(
    `SELECT table_name AS t, index_name AS i, MAX(non_unique) AS nu,
       GROUP_CONCAT(CONCAT('\`', column_name, '\`', IF(sub_part IS NULL, '', CONCAT('(', sub_part, ')'))) ORDER BY seq_in_index) AS cols
     FROM information_schema.statistics
     WHERE table_schema = DATABASE() AND index_name <> 'PRIMARY'
     GROUP BY table_name, index_name`,
  )) as unknown as [{ t: string; i: string; nu: number; cols: string }[]];
  const byTable = new Map<string, { drops: string[]; adds: string[] }>();
  for (const r of rows) {
    const e = byTable.get(r.t) ?? { drops: [], adds: [] };
    e.drops.push(`DROP INDEX \`${r.i}\``);
    e.adds.push(`ADD ${Number(r.nu) ? '' : 'UNIQUE '}INDEX \`${r.i}\` (${r.cols})`);
    byTable.set(r.t, e);
  }
  for (const [t, e] of byTable) await c.query(`ALTER TABLE \`${t}\` ${e.drops.join(', ')}`);
  return [...byTable].map(([t, e]) => [t, e.adds]);
}
