import { Module } from '@nestjs/common';
import { SocialModule } from '@app/domain';
import { AuthModule } from '../auth/auth.module';
import { SocialController } from './social.controller';
import { UploadsController } from './uploads.controller';

@Module({ imports: [SocialModule, AuthModule], controllers: [SocialController, UploadsController] })
export class SocialApiModule {}
