import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { PipelineModule } from '../pipeline/pipeline.module';
import { ResultsModule } from '../results/results.module';
import { SocialModule } from '../social/social.module';
import { Housekeeping } from './housekeeping';
import { LeaderLease } from './leader-lease';
import { WorkClaims } from './work-claims';

/** The background app's own rules: who leads, claiming due work, and the periodic clean-up. */
@Module({
  imports: [AccountsModule, PipelineModule, SocialModule, ResultsModule],
  providers: [Housekeeping, LeaderLease, WorkClaims],
  exports: [Housekeeping, LeaderLease, WorkClaims],
})
export class SchedulingModule {}
