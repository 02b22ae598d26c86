import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Optional,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiFoundResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  AppConfig,
  DevLogin,
  KakaoLogin,
  LoginStateService,
  Session,
  SessionService,
} from '@app/domain';
import { KakaoProfile, ProviderUnavailableError } from '@app/integrations';
import { ErrorBodyDto } from '../http/error-body.dto';
import {
  DevLoginDto,
  KakaoCallbackQuery,
  KakaoStartQuery,
  KakaoTokenLoginDto,
  RefreshDto,
  SessionDto,
  UserDto,
} from './auth.dto';
import { Public } from './decorators';
import { KakaoCallbackGuard } from './kakao-callback.guard';
import { KakaoStrategy } from './kakao.strategy';
import { loginCookie } from './login-cookie';

/** The Kakao routes' 503 (ProviderUnavailableError). */
const KAKAO_UNAVAILABLE =
  'Kakao login is not configured here (KAKAO_CLIENT_ID), or Kakao did not answer: try again later';

const toDto = (s: Session): SessionDto => ({ ...s, user: UserDto.from(s.user) });

@ApiTags('auth')
@Controller('v1/auth')
@Public()
export class AuthController {
  constructor(
    private readonly config: AppConfig,
    private readonly state: LoginStateService,
    private readonly kakaoLogin: KakaoLogin,
    private readonly devLogins: DevLogin,
    private readonly sessions: SessionService,
    @Optional() @Inject(KakaoStrategy) private readonly kakao?: KakaoStrategy | null,
  ) {}

  @Get('kakao')
  @ApiOperation({
    summary:
      'Web login: redirect to Kakao with a signed, short-lived state bound to this browser (an HttpOnly cookie)',
  })
  @ApiFoundResponse({ description: 'Location: Kakao authorize URL' })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: KAKAO_UNAVAILABLE })
  start(@Query() query: KakaoStartQuery, @Res() reply: FastifyReply): void {
    if (!this.kakao)
      throw new ProviderUnavailableError(
        'kakao',
        'Kakao login is not configured (KAKAO_CLIENT_ID)',
      );
    const { state, browserKey } = this.state.issueLogin(query.redirect);
    reply.header(
      'set-cookie',
      loginCookie(
        browserKey,
        this.config.auth.stateTtlSec,
        this.config.publicBaseUrl.startsWith('https:'),
      ),
    );
    reply.redirect(this.kakao.authorizeUrl(state), 302);
  }

  @Get('kakao/callback')
  @UseGuards(KakaoCallbackGuard)
  @ApiOperation({
    summary:
      'Web login: Kakao redirects here; answers our tokens (JSON) or returns to the allow-listed front-end',
  })
  @ApiOkResponse({ type: SessionDto })
  @ApiFoundResponse({ description: 'to the front-end, tokens in the URL fragment' })
  @ApiUnauthorizedResponse({
    type: ErrorBodyDto,
    description: 'state missing, forged, expired or replayed; code refused by Kakao',
  })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: KAKAO_UNAVAILABLE })
  async callback(
    @Query() _query: KakaoCallbackQuery,
    @Req() req: { user: KakaoProfile; returnTo?: string },
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const session = toDto(await this.kakaoLogin.fromProfile(req.user));
    if (!req.returnTo) {
      reply.status(200).send(session);
      return;
    }
    // the fragment never reaches a server log (ours cuts it from the Location it logs, see
    // responseForLog) or a Referer header
    const fragment = new URLSearchParams({
      accessToken: session.accessToken,
      refreshToken: session.refreshToken,
      expiresIn: String(session.expiresIn),
    });
    reply.redirect(`${req.returnTo}#${fragment}`, 302);
  }

  @Post('kakao/token')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mobile login: exchange a Kakao SDK access token (of our Kakao app) for our tokens',
  })
  @ApiOkResponse({ type: SessionDto })
  @ApiUnauthorizedResponse({
    type: ErrorBodyDto,
    description: 'token invalid, expired, or minted for another app',
  })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: KAKAO_UNAVAILABLE })
  async mobile(@Body() body: KakaoTokenLoginDto): Promise<SessionDto> {
    return toDto(await this.kakaoLogin.fromMobileToken(body.accessToken));
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Rotate: a new access and refresh token for a refresh token (each usable once; reuse revokes the session)',
  })
  @ApiOkResponse({ type: SessionDto })
  @ApiUnauthorizedResponse({ type: ErrorBodyDto })
  async refresh(@Body() body: RefreshDto): Promise<SessionDto> {
    return toDto(await this.sessions.refresh(body.refreshToken));
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End this login: every refresh token of its family stops working' })
  @ApiNoContentResponse()
  async logout(@Body() body: RefreshDto): Promise<void> {
    await this.sessions.logout(body.refreshToken);
  }

  @Post('dev-login')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Embedded default only: sign in without Kakao as the local user with this nickname, made on first use; the same nickname reaches the same account again (404 in any staged deployment)',
  })
  @ApiOkResponse({ type: SessionDto })
  async devLogin(@Body() body: DevLoginDto): Promise<SessionDto> {
    // staged deployments have no such route: the same 404 as any unknown path
    return toDto(await this.devLogins.signIn(body.nickname));
  }
}
