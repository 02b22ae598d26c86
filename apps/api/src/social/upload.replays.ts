import { Injectable, OnModuleInit } from '@nestjs/common';
import { PublicationService } from '@app/domain';
import { IdempotentReplays } from '../http/idempotent-replays';
import { UploadDto } from './social.dto';

/** A replayed publish request answers with its publications as they are now. */
@Injectable()
export class UploadReplays implements OnModuleInit {
  constructor(
    private readonly replays: IdempotentReplays,
    private readonly publications: PublicationService,
  ) {}

  onModuleInit(): void {
    this.replays.register('publication', async (by, ids) => ({
      items: (await this.publications.byIds(by, ids)).map(UploadDto.from),
    }));
  }
}
