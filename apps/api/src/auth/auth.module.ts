import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AccountsModule, LoginModule } from '@app/domain';
import { AdminUsersController } from '../admin/admin-users.controller';
import { AccessGuard } from './access.guard';
import { AuthController } from './auth.controller';
import { BearerModule } from './bearer.module';
import { KakaoCallbackGuard } from './kakao-callback.guard';
import { kakaoStrategyProvider } from './kakao.strategy';
import { MeController } from './me.controller';

/** Sign-in (Kakao web and mobile, dev login), sessions, and the global access guard. */
@Module({
  imports: [PassportModule, AccountsModule, LoginModule, BearerModule],
  controllers: [AuthController, MeController, AdminUsersController],
  providers: [
    kakaoStrategyProvider,
    KakaoCallbackGuard,
    AccessGuard,
    { provide: APP_GUARD, useExisting: AccessGuard },
  ],
  // AccessGuard: the MCP endpoint holds each tool call to the same rule
  exports: [LoginModule, AccessGuard],
})
export class AuthModule {}
