import { Module } from '@nestjs/common';
import { KakaoHttpIdentity } from './kakao/kakao-http-identity';
import { KakaoIdentity } from './kakao/kakao-identity';

/**
 * Ports and adapters for every outside system (design.md section 4). Each port is an
 * abstract class bound here to its adapter.
 */
@Module({
  providers: [{ provide: KakaoIdentity, useClass: KakaoHttpIdentity }],
  exports: [KakaoIdentity],
})
export class IntegrationsModule {}
