import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, EntityTarget, In, ObjectLiteral } from 'typeorm';
import { DatabaseRouter } from '../database/database-router';
import { LyricSection, LyricsEntity, SongEntity, VideoEntity } from '../entities/content.entity';

/** Lyrics versions, song clips and videos of a project. */
@Injectable()
export class ContentRepository {
  constructor(private readonly db: DatabaseRouter) {}

  latestLyrics(projectId: string): Promise<LyricsEntity | null> {
    return this.db.read((em) =>
      em.findOne(LyricsEntity, { where: { projectId }, order: { version: 'DESC' } }),
    );
  }

  approvedLyrics(projectId: string): Promise<LyricsEntity | null> {
    return this.db.read((em) =>
      em
        .createQueryBuilder(LyricsEntity, 'l')
        .where('l.project_id = :projectId AND l.approved_at IS NOT NULL', { projectId })
        .orderBy('l.version', 'DESC')
        .getOne(),
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

  /** A new version (1, 2, ...); the unique (project, version) index settles races. */
  addLyrics(
    projectId: string,
    draft: { title: string; sections: LyricSection[]; source: LyricsEntity['source'] },
    approved: boolean,
  ): Promise<LyricsEntity> {
    return this.db.transaction(async (em) => {
      const last = await em.findOne(LyricsEntity, {
        where: { projectId },
        order: { version: 'DESC' },
      });
      const row = em.create(LyricsEntity, {
        id: randomUUID(),
        projectId,
        version: (last?.version ?? 0) + 1,
        title: draft.title,
        sections: draft.sections,
        source: draft.source,
        approvedAt: approved ? new Date() : null,
        createdAt: new Date(),
      });
      await insertOnly(em, LyricsEntity, [row]);
      return row;
    });
  }

  async approveLyrics(id: string): Promise<void> {
    await this.db.write((em) => em.update(LyricsEntity, { id }, { approvedAt: new Date() }));
  }

  /** Replaces a project's clips (a poll that ran twice stores them once). */
  saveClips(
    projectId: string,
    clips: Omit<SongEntity, 'id' | 'projectId' | 'createdAt'>[],
  ): Promise<SongEntity[]> {
    return this.db.transaction(async (em) => {
      await em.delete(SongEntity, { projectId });
      // a millisecond apart: clips() keeps the provider's order
      const at = Date.now();
      const rows = clips.map((c, i) =>
        em.create(SongEntity, { ...c, id: randomUUID(), projectId, createdAt: new Date(at + i) }),
      );
      await insertOnly(em, SongEntity, rows);
      return rows;
    });
  }

  clips(projectId: string): Promise<SongEntity[]> {
    return this.db.read((em) =>
      em.find(SongEntity, {
        where: { projectId },
        order: { createdAt: 'ASC', providerClipId: 'ASC' },
      }),
    );
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

  saveVideo(
    projectId: string,
    v: Omit<VideoEntity, 'id' | 'projectId' | 'createdAt'>,
  ): Promise<VideoEntity> {
    return this.db.transaction(async (em) => {
      await em.delete(VideoEntity, { projectId });
      const row = em.create(VideoEntity, {
        ...v,
        id: randomUUID(),
        projectId,
        createdAt: new Date(),
      });
      await insertOnly(em, VideoEntity, [row]);
      return row;
    });
  }

  videosOf(projectIds: string[]): Promise<VideoEntity[]> {
    return projectIds.length === 0
      ? Promise.resolve([])
      : this.db.read((em) => em.find(VideoEntity, { where: { projectId: In(projectIds) } }));
  }

  video(projectId: string): Promise<VideoEntity | null> {
    return this.db.read((em) => em.findOne(VideoEntity, { where: { projectId } }));
  }
}

/**
 * New rows with every column given, in one INSERT: no look-up first and no re-read of the
 * defaults after (what save() does, a statement each).
 */
async function insertOnly<E extends ObjectLiteral>(
  em: EntityManager,
  entity: EntityTarget<E>,
  rows: E[],
): Promise<void> {
  if (rows.length === 0) return;
  await em.createQueryBuilder().insert().into(entity).values(rows).updateEntity(false).execute();
}
