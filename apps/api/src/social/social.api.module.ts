import { Module } from '@nestjs/common';
import { SocialModule } from '@app/domain';
import { AuthModule } from '../auth/auth.module';
import { SocialController } from './social.controller';
import { UploadsController } from './uploads.controller';
import { UploadReplays } from './upload.replays';

@Module({
  imports: [SocialModule, AuthModule],
  controllers: [SocialController, UploadsController],
  providers: [UploadReplays],
})
export class SocialApiModule {}
