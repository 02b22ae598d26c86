import { Module } from '@nestjs/common';
import { AccountsModule } from '@app/domain';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { BearerAuthenticator } from './bearer-authenticator';

/**
 * Bearer token and API key verification, each once per request, shared by the rate limiter
 * (who is calling) and the access guard.
 */
@Module({
  imports: [AccountsModule],
  providers: [BearerAuthenticator, ApiKeyAuthenticator],
  exports: [BearerAuthenticator, ApiKeyAuthenticator],
})
export class BearerModule {}
