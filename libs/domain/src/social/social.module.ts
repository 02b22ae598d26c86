import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { FilesModule } from '../files/files.module';
import { ResultsStoreModule } from '../results/results-store.module';
import { PipelineModule } from '../pipeline/pipeline.module';
import { StoresModule } from '../stores/stores.module';
import { PublicationRepository } from './publication.repository';
import { PublicationRunner } from './publication-runner';
import { PublicationService } from './publication.service';
import { SocialAccountRepository } from './social-account.repository';
import { SocialService } from './social.service';
import { TokenCipher } from './token-cipher';

const providers = [
  PublicationRepository,
  PublicationRunner,
  PublicationService,
  SocialAccountRepository,
  SocialService,
  TokenCipher,
];

/** Connected social accounts and publishing: the API takes requests, the scheduler runs them. */
@Module({
  imports: [AccountsModule, PipelineModule, StoresModule, FilesModule, ResultsStoreModule],
  providers,
  exports: providers,
})
export class SocialModule {}
