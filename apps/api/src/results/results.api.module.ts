import { Module } from '@nestjs/common';
import { ResultsModule } from '@app/domain';
import { AuthModule } from '../auth/auth.module';
import { AdminResultsController } from '../admin/admin-results.controller';
import { VideoResultsController } from './video-results.controller';

@Module({
  imports: [ResultsModule, AuthModule],
  controllers: [VideoResultsController, AdminResultsController],
})
export class ResultsApiModule {}
