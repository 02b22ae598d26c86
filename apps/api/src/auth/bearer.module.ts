import { Module } from '@nestjs/common';
import { AccountsModule } from '@app/domain';
import { AccessRecheck } from './access-recheck';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { BearerAuthenticator } from './bearer-authenticator';

/**
 * Bearer token and API key verification, each once per request, shared by the rate limiter
 * (who is calling) and the access guard; asked again by a stream as it goes (AccessRecheck).
 */
@Module({
  imports: [AccountsModule],
  providers: [BearerAuthenticator, ApiKeyAuthenticator, AccessRecheck],
  exports: [BearerAuthenticator, ApiKeyAuthenticator, AccessRecheck],
})
export class BearerModule {}
