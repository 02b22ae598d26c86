import { Module } from '@nestjs/common';
import { AccountsModule } from './accounts.module';
import { DevLogin } from './dev-login';
import { KakaoLogin } from './kakao-login';
import { LoginStateService } from './login-state.service';

const useCases = [DevLogin, KakaoLogin, LoginStateService];

/** The login use cases (Kakao web and mobile, dev login, the OAuth state), for the API. */
@Module({ imports: [AccountsModule], providers: useCases, exports: useCases })
export class LoginModule {}
