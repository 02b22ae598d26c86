import { Module } from '@nestjs/common';
import { PipelineModule } from '../pipeline/pipeline.module';
import { SocialModule } from '../social/social.module';
import { ProviderHealthService } from './provider-health.service';

/** How each provider is doing, across project steps and publications (admins, metrics). */
@Module({
  imports: [PipelineModule, SocialModule],
  providers: [ProviderHealthService],
  exports: [ProviderHealthService],
})
export class ProviderHealthModule {}
