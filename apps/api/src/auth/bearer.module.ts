import { Module } from '@nestjs/common';
import { AccountsModule } from '@app/domain';
import { BearerAuthenticator } from './bearer-authenticator';

/** Bearer verification, shared by the rate limiter (who is calling) and the access guard. */
@Module({
  imports: [AccountsModule],
  providers: [BearerAuthenticator],
  exports: [BearerAuthenticator],
})
export class BearerModule {}
