import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AccountsModule } from '@app/domain';
import { AdminUsersController } from '../admin/admin-users.controller';
import { AccessGuard } from './access.guard';
import { AuthController } from './auth.controller';
import { BearerModule } from './bearer.module';
import { KakaoCallbackGuard } from './kakao-callback.guard';
import { KakaoLoginService } from './kakao-login.service';
import { kakaoStrategyProvider } from './kakao.strategy';
import { LoginStateService } from './login-state.service';
import { MeController } from './me.controller';

/** Sign-in (Kakao web and mobile, dev login), sessions, and the global access guard. */
@Module({
  imports: [PassportModule, AccountsModule, BearerModule],
  controllers: [AuthController, MeController, AdminUsersController],
  providers: [
    kakaoStrategyProvider,
    KakaoCallbackGuard,
    KakaoLoginService,
    LoginStateService,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [LoginStateService],
})
export class AuthModule {}
