import { Injectable } from '@nestjs/common';
import { DatabaseRouter } from '../database/database-router';
import { BlobObjectEntity } from '../entities/blob-object.entity';
import { LyricsEntity, SongEntity, VideoEntity } from '../entities/content.entity';
import { ProjectEntity } from '../entities/project.entity';
import { SnsUploadEntity, SocialAccountEntity } from '../entities/social.entity';
import { StoreEntity, StorePhotoEntity } from '../entities/store.entity';
import { UsageRecordEntity } from '../entities/usage.entity';
import { UserEntity } from '../entities/user.entity';

/** Reads everything we hold about one user (a privacy export). Tokens and secrets are left out. */
@Injectable()
export class UserExportRepository {
  constructor(private readonly db: DatabaseRouter) {}

  collect(user: UserEntity): Promise<Record<string, unknown>> {
    return this.db.read(async (em) => {
      const stores = await em.find(StoreEntity, { where: { ownerUserId: user.id } });
      const projects = await em.find(ProjectEntity, { where: { ownerUserId: user.id } });
      const projectIds = projects.map((p) => p.id);
      const storeIds = stores.map((s) => s.id);
      const inIds = <T>(entity: new () => T, column: string, ids: string[]) =>
        ids.length
          ? em.createQueryBuilder(entity, 'x').where(`x.${column} IN (:...ids)`, { ids }).getMany()
          : Promise.resolve([] as T[]);
      const socials = await em.find(SocialAccountEntity, { where: { userId: user.id } });
      return {
        exportedAt: new Date().toISOString(),
        user: {
          id: user.id,
          kakaoId: user.kakaoId,
          nickname: user.nickname,
          email: user.email,
          profileImageUrl: user.profileImageUrl,
          role: user.role,
          createdAt: user.createdAt,
        },
        stores,
        storePhotos: await inIds(StorePhotoEntity, 'store_id', storeIds),
        projects: projects.map(({ callbackToken: _t, leaseOwner: _o, leaseUntil: _u, ...p }) => p),
        lyrics: await inIds(LyricsEntity, 'project_id', projectIds),
        songs: await inIds(SongEntity, 'project_id', projectIds),
        videos: await inIds(VideoEntity, 'project_id', projectIds),
        socialAccounts: socials.map((s) => ({
          id: s.id,
          platform: s.platform,
          externalId: s.externalId,
          displayName: s.displayName,
          createdAt: s.createdAt,
        })),
        snsUploads: await inIds(SnsUploadEntity, 'project_id', projectIds),
        usage: await em.find(UsageRecordEntity, { where: { userId: user.id } }),
        files: await em.find(BlobObjectEntity, { where: { ownerUserId: user.id } }),
      };
    });
  }
}
