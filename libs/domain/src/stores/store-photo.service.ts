import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  BlobStore,
  LINKED_PHOTO_SOURCE,
  normalisePhoto,
  PhotoRejectedError,
  ProviderError,
  safeFetch,
} from '@app/integrations';
import { Principal } from '../accounts/principal';
import { AppConfig } from '../config/app-config';
import { StoreEntity, StorePhotoEntity } from '../entities/store.entity';
import { StorePhotoRepository } from './store-photo.repository';
import { MediaLinks } from '../files/media-links';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors/domain-errors';
import { BlobObjectRepository } from '../files/blob-object.repository';
import { StoreService } from './store.service';
import { checkPhotoSize } from './photo-size';

const EXT = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' } as const;

/**
 * A store's photos (they go into the video): uploaded by the owner or imported from a
 * URL (an image search result). Every photo is checked and re-encoded without metadata
 * before it is stored, and a URL is fetched through the SSRF guard.
 */
@Injectable()
export class StorePhotoService {
  constructor(
    private readonly config: AppConfig,
    private readonly photos: StorePhotoRepository,
    private readonly stores: StoreService,
    private readonly blob: BlobStore,
    private readonly files: BlobObjectRepository,
    private readonly links: MediaLinks,
  ) {}

  async add(by: Principal, storeId: string, bytes: Buffer): Promise<StorePhotoEntity> {
    return this.save(await this.stores.get(by, storeId), bytes, 'upload');
  }

  private async save(
    store: StoreEntity,
    bytes: Buffer,
    source: StorePhotoEntity['source'],
  ): Promise<StorePhotoEntity> {
    const storeId = store.id;
    const cap = this.config.photos.perStore;
    // a full store is told so before the photo is decoded; the insert below is the real check
    if ((await this.photos.freeSlot(storeId, cap)) === null) throw this.full();
    let photo;
    try {
      photo = await normalisePhoto(bytes, this.config.photos);
    } catch (err) {
      if (err instanceof PhotoRejectedError)
        throw new InvalidInputError(err.message, { field: 'photo' });
      throw err;
    }
    checkPhotoSize(photo.width, photo.height);
    const id = randomUUID();
    const blobKey = `stores/${storeId}/${id}.${EXT[photo.contentType]}`;
    const { bytes: size } = await this.blob.put('photos', blobKey, photo.body, photo.contentType);
    await this.files.track({
      container: 'photos',
      blobKey,
      contentType: photo.contentType,
      bytes: size,
      ownerUserId: store.ownerUserId,
    });
    const row = Object.assign(new StorePhotoEntity(), {
      id,
      storeId,
      blobKey,
      contentType: photo.contentType,
      width: photo.width,
      height: photo.height,
      bytes: size,
      source,
      slot: null,
    });
    const saved = await this.photos.addWithinCap(row, cap);
    if (saved) return saved;
    // concurrent uploads took the last places while this one was stored: its file goes
    await this.blob.delete('photos', blobKey);
    await this.files.forget('photos', [blobKey]);
    throw this.full();
  }

  private full(): ConflictError {
    return new ConflictError(
      `a store keeps at most ${this.config.photos.perStore} photos: delete one first`,
    );
  }

  async importUrl(by: Principal, storeId: string, url: string): Promise<StorePhotoEntity> {
    // ownership first: nobody makes us fetch a URL for a store that is not theirs
    const store = await this.stores.get(by, storeId);
    let fetched;
    try {
      fetched = await safeFetch(url, {
        timeoutMs: this.config.providerTimeoutMs,
        maxBytes: this.config.photos.maxBytes,
        allowHosts: this.config.photos.fetchAllowHosts,
      });
    } catch (err) {
      if (err instanceof ProviderError)
        throw new InvalidInputError(`the photo at that URL cannot be imported: ${err.message}`, {
          field: 'url',
        });
      throw err;
    }
    if (fetched.status !== 200)
      throw new InvalidInputError(
        `the photo at that URL cannot be imported: it answered ${fetched.status}`,
        { field: 'url' },
      );
    return this.save(store, fetched.body, LINKED_PHOTO_SOURCE);
  }

  async list(by: Principal, storeId: string): Promise<StorePhotoEntity[]> {
    await this.stores.get(by, storeId);
    return this.photos.list(storeId);
  }

  /** One photo of a store of the caller's (a replayed upload shows it as it is now). */
  async get(by: Principal, photoId: string): Promise<StorePhotoEntity> {
    const row = await this.photos.findById(photoId);
    if (!row) throw new NotFoundError('no such photo');
    await this.stores.get(by, row.storeId);
    return row;
  }

  async remove(by: Principal, storeId: string, photoId: string): Promise<void> {
    await this.stores.get(by, storeId);
    const row = await this.photos.find(storeId, photoId);
    if (!row) throw new NotFoundError('no such photo');
    await this.photos.delete(row.id);
    await this.blob.delete('photos', row.blobKey);
    await this.files.forget('photos', [row.blobKey]);
  }

  /** A link to show the photo (see MediaLinks). */
  link(photo: StorePhotoEntity): Promise<string> {
    return this.links.view('photos', photo.blobKey);
  }
}
