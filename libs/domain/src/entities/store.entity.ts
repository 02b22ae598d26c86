import { LINKED_PHOTO_SOURCE, STORE_SEARCH_ENGINES } from '@app/integrations';
import { Entity, Index } from 'typeorm';
import { CreatedAt, Id, Int, Json, Num, Ref, Str, Text, UpdatedAt } from './columns';

/** Where a store's facts came from (a search engine's name, or typed by hand) */
export const STORE_SOURCES = [...STORE_SEARCH_ENGINES, 'manual'] as const;
export type StoreSource = (typeof STORE_SOURCES)[number];

@Entity('stores')
@Index('ix_stores_owner_created', ['ownerUserId', 'createdAt'])
@Index('ix_stores_partner_created', ['partnerId', 'createdAt'])
export class StoreEntity {
  @Id() id: string;
  @Ref({ nullable: true }) ownerUserId: string | null;
  @Ref({ nullable: true }) partnerId: string | null;
  @Str(200) name: string;
  @Str(200, { nullable: true }) category: string | null;
  @Str(300, { nullable: true }) address: string | null;
  @Str(300, { nullable: true }) roadAddress: string | null;
  @Str(40, { nullable: true }) phone: string | null;
  @Num({ nullable: true }) latitude: number | null;
  @Num({ nullable: true }) longitude: number | null;
  @Text({ nullable: true }) description: string | null;
  @Json({ nullable: true }) menu: { name: string; price?: string }[] | null;
  @Str(300, { nullable: true }) hours: string | null;
  @Text({ nullable: true }) pitch: string | null;
  @Str(16) source: StoreSource;
  @Str(500, { nullable: true }) sourceRef: string | null;
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
}

/** Where a photo came from: the owner's upload, an image link (LINKED_PHOTO_SOURCE), a place's page */
export const STORE_PHOTO_SOURCES = ['upload', LINKED_PHOTO_SOURCE, 'place'] as const;
export type StorePhotoSource = (typeof STORE_PHOTO_SOURCES)[number];

@Entity('store_photos')
@Index('ix_store_photos_store', ['storeId'])
@Index('ux_store_photos_slot', ['storeId', 'slot'], { unique: true })
export class StorePhotoEntity {
  @Id() id: string;
  @Ref() storeId: string;
  @Str(500) blobKey: string;
  @Str(64) contentType: string;
  @Int() width: number;
  @Int() height: number;
  @Int() bytes: number;
  @Str(16) source: StorePhotoSource;
  /**
   * One of the store's numbered places (0 to PHOTOS_PER_STORE - 1), unique per store: the
   * INSERT is the atomic check of the cap, as projects' quota places are. Null only for rows
   * from before the places (given one by the migration) or beyond a cap since lowered.
   */
  @Int({ nullable: true }) slot: number | null;
  @CreatedAt() createdAt: Date;
}
