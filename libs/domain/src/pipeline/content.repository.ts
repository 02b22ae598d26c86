import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityTarget, In, ObjectLiteral } from 'typeorm';
import type { SungWord } from '@app/integrations';
import { DatabaseRouter } from '../database/database-router';
import { EntityRows } from '../database/entity-rows';
import { sqlTime } from '../database/raw-sql';
import { LyricSection, LyricsEntity, SongEntity, VideoEntity } from '../entities/content.entity';

/** Lyrics versions, song clips and videos of a project. */
@Injectable()
export class ContentRepository {
  /** raw SQL (EntityRows) for the step loop's reads and writes, which the query builder made costly */
  private readonly lyricsRows: EntityRows<LyricsEntity>;
  private readonly songRows: EntityRows<SongEntity>;
  private readonly videoRows: EntityRows<VideoEntity>;

  constructor(private readonly db: DatabaseRouter) {
    this.lyricsRows = new EntityRows(db.dataSource, LyricsEntity, 'l');
    this.songRows = new EntityRows(db.dataSource, SongEntity, 's');
    this.videoRows = new EntityRows(db.dataSource, VideoEntity, 'v');
  }

  latestLyrics(projectId: string): Promise<LyricsEntity | null> {
    return this.newestLyrics(projectId, '');
  }

  approvedLyrics(projectId: string): Promise<LyricsEntity | null> {
    return this.newestLyrics(projectId, ' AND l.approved_at IS NOT NULL');
  }

  /** The newest version of a project's lyrics that `where` allows (raw SQL: the steps read it). */
  private newestLyrics(projectId: string, where: string): Promise<LyricsEntity | null> {
    const sql = `SELECT ${this.lyricsRows.columns} FROM lyrics l WHERE l.project_id = :projectId${where} ORDER BY l.version DESC LIMIT 1`;
    return this.db.read(
      async (em) => (await this.lyricsRows.query(em, sql, { projectId }))[0] ?? null,
    );
  }

  /** Per project, the title of its approved lyrics, else of its latest version: one query for a page of projects. */
  async titlesOf(projectIds: string[]): Promise<Map<string, string>> {
    if (projectIds.length === 0) return new Map();
    const rows = await this.db.read((em) =>
      em.find(LyricsEntity, {
        select: { projectId: true, title: true, version: true, approvedAt: true },
        where: { projectId: In(projectIds) },
        order: { version: 'ASC' },
      }),
    );
    const best = new Map<string, LyricsEntity>();
    for (const r of rows) {
      const cur = best.get(r.projectId);
      // ascending versions: a later one wins unless it would replace an approved one by an unapproved one
      if (!cur || r.approvedAt || !cur.approvedAt) best.set(r.projectId, r);
    }
    return new Map([...best].map(([id, l]) => [id, l.title]));
  }

  lyricsVersions(projectId: string): Promise<LyricsEntity[]> {
    return this.db.read((em) =>
      em.find(LyricsEntity, { where: { projectId }, order: { version: 'ASC' } }),
    );
  }

  /** One version, by its id. */
  lyrics(id: string): Promise<LyricsEntity | null> {
    return this.db.read((em) => em.findOne(LyricsEntity, { where: { id } }));
  }

  /**
   * A new version (1, 2, ...), numbered by the INSERT itself: one statement (the write path of
   * every project's lyrics step); the unique (project, version) index settles races. At READ
   * COMMITTED its read of the versions takes no locks: at REPEATABLE READ it locked the gap a
   * new project's first version goes into, and two projects' first lyrics deadlocked. Returns
   * the new version's id.
   */
  addLyrics(
    projectId: string,
    draft: { title: string; sections: LyricSection[]; source: LyricsEntity['source'] },
    approved: boolean,
  ): Promise<string> {
    const id = randomUUID();
    const now = new Date();
    return this.db.transaction(
      async (em) => {
        await em.query(
          `INSERT INTO lyrics (id, project_id, version, title, sections, source, approved_at, created_at)
         SELECT ?, ?, COALESCE(MAX(version), 0) + 1, ?, ?, ?, ?, ? FROM lyrics WHERE project_id = ?`,
          [
            id,
            projectId,
            draft.title,
            JSON.stringify(draft.sections),
            draft.source,
            approved ? sqlTime(em, now) : null,
            sqlTime(em, now),
            projectId,
          ],
        );
        return id;
      },
      { readCommitted: true },
    );
  }

  async approveLyrics(id: string): Promise<void> {
    await this.db.write((em) => em.update(LyricsEntity, { id }, { approvedAt: new Date() }));
  }

  /** A project's clips of one generation (see saveGeneration). */
  saveClips(
    projectId: string,
    generation: number,
    clips: Omit<SongEntity, 'id' | 'projectId' | 'createdAt'>[],
  ): Promise<SongEntity[]> {
    // a millisecond apart: clips() keeps the provider's order
    const at = Date.now();
    const rows: SongEntity[] = clips.map((c, i) => ({
      ...c,
      id: generationId(projectId, generation, `clip:${i + 1}`),
      projectId,
      createdAt: new Date(at + i),
    }));
    return this.saveGeneration(SongEntity, this.songRows, projectId, generation, rows, [
      'provider_clip_id',
      'blob_key',
      'duration_sec',
      'line_timings',
      'beats',
      'vocals',
      'words',
      'selected',
    ]);
  }

  /** When each word of a clip is sung, as its engine said (asked once, for the clip used). */
  async saveWords(songId: string, words: SungWord[]): Promise<void> {
    await this.db.write((em) => em.update(SongEntity, { id: songId }, { words }));
  }

  clips(projectId: string): Promise<SongEntity[]> {
    const sql = `SELECT ${this.songRows.columns} FROM songs s WHERE s.project_id = :projectId ORDER BY s.created_at ASC, s.provider_clip_id ASC`;
    return this.db.read((em) => this.songRows.query(em, sql, { projectId }));
  }

  async selectClip(projectId: string, songId: string): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const target = await em.findOne(SongEntity, { where: { id: songId, projectId } });
      if (!target) return false;
      await em.update(SongEntity, { projectId }, { selected: false });
      await em.update(SongEntity, { id: songId }, { selected: true });
      return true;
    });
  }

  /** A project's video of one generation (see saveGeneration). */
  async saveVideo(
    projectId: string,
    generation: number,
    v: Omit<VideoEntity, 'id' | 'projectId' | 'createdAt'>,
  ): Promise<VideoEntity> {
    const row: VideoEntity = {
      ...v,
      id: generationId(projectId, generation, 'video'),
      projectId,
      createdAt: new Date(),
    };
    await this.saveGeneration(
      VideoEntity,
      this.videoRows,
      projectId,
      generation,
      [row],
      ['engine', 'blob_key', 'thumbnail_blob_key', 'duration_sec', 'width', 'height'],
    );
    return row;
  }

  /**
   * A generation of a project's songs or video (its `retries`: a remake, a retry or new lyrics
   * start the next). The first generation's ids derive from the project (generationId), so a
   * poll run again (after a crash, or beside a run that lost its lease) writes the same rows
   * again, `columns` updated: one INSERT, no transaction. A later generation replaces the rows
   * before it, in a transaction.
   */
  private async saveGeneration<E extends ObjectLiteral>(
    entity: EntityTarget<E>,
    table: EntityRows<E>,
    projectId: string,
    generation: number,
    rows: E[],
    columns: string[],
  ): Promise<E[]> {
    if (generation === 0)
      await this.db.write((em) => table.insert(em, rows, { conflict: ['id'], update: columns }));
    else
      await this.db.transaction(async (em) => {
        await em.delete(entity, { projectId });
        await table.insert(em, rows);
      });
    return rows;
  }

  videosOf(projectIds: string[]): Promise<VideoEntity[]> {
    return projectIds.length === 0
      ? Promise.resolve([])
      : this.db.read((em) => em.find(VideoEntity, { where: { projectId: In(projectIds) } }));
  }

  video(projectId: string): Promise<VideoEntity | null> {
    const sql = `SELECT ${this.videoRows.columns} FROM videos v WHERE v.project_id = :projectId LIMIT 1`;
    return this.db.read(
      async (em) => (await this.videoRows.query(em, sql, { projectId }))[0] ?? null,
    );
  }
}

/**
 * The id of a row of a first generation: UUID-shaped (RFC 9562 version 5 layout, SHA-1 of the
 * project and the row's name), the same each time; a later generation's are random.
 */
function generationId(projectId: string, generation: number, name: string): string {
  if (generation > 0) return randomUUID();
  const h = createHash('sha1').update(`castad:${projectId}:${name}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
