import { Module } from '@nestjs/common';
import { PipelineModule } from '../pipeline/pipeline.module';
import { SocialModule } from '../social/social.module';
import { ResultReadingRunner } from './result-reading-runner';
import { ResultsStoreModule } from './results-store.module';
import { VideoResultsService } from './video-results.service';

const providers = [ResultReadingRunner, VideoResultsService];

/** Reading published videos' results back (the scheduler) and showing them (the API). */
@Module({
  imports: [PipelineModule, SocialModule, ResultsStoreModule],
  providers,
  exports: [...providers, ResultsStoreModule],
})
export class ResultsModule {}
