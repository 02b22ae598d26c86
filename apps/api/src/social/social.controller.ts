import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiFoundResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  AppConfig,
  InvalidInputError,
  LoginStateService,
  Principal,
  SocialService,
} from '@app/domain';
import { CurrentPrincipal, CurrentUserId, Public, Scopes } from '../auth/decorators';
import { ErrorBodyDto } from '../http/error-body.dto';
import {
  AuthorizeUrlDto,
  ConnectCallbackQuery,
  ConnectQuery,
  PlatformParam,
  PublishingPartnerDto,
  SocialAccountDto,
  SocialAccountListDto,
} from './social.dto';
import { UuidParam } from '../http/uuid-param';

/** Connecting YouTube and Instagram accounts (OAuth, with a state bound to the user). */
@ApiTags('social')
@ApiBearerAuth('bearer')
@Controller('v1/social')
export class SocialController {
  constructor(
    private readonly social: SocialService,
    private readonly state: LoginStateService,
    private readonly config: AppConfig,
  ) {}

  private redirectUri(platform: string): string {
    return `${this.config.publicBaseUrl}/v1/social/${platform}/callback`;
  }

  @Get('accounts')
  @Scopes('publish')
  @ApiSecurity('api-key')
  @ApiOperation({
    summary:
      'My connected accounts (tokens are never returned) and the platforms this server publishes to; for a partner key (scope publish), the accounts whose owners let its partner publish there',
  })
  @ApiOkResponse({ type: SocialAccountListDto })
  async list(@CurrentPrincipal() by: Principal): Promise<SocialAccountListDto> {
    return {
      platforms: this.social.platforms,
      items: (await this.social.list(by)).map(SocialAccountDto.from),
    };
  }

  @Put('accounts/:id/publishing-partner')
  @ApiOperation({
    summary:
      'Let a partner publish its videos to this account with its API keys (scope publish): your consent, one partner per account, replaced by the next',
  })
  @ApiOkResponse({ type: SocialAccountDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'no such account of yours, or partner' })
  async allowPartner(
    @CurrentUserId() userId: string,
    @UuidParam('id') id: string,
    @Body() b: PublishingPartnerDto,
  ): Promise<SocialAccountDto> {
    return SocialAccountDto.from(await this.social.allowPartner(userId, id, b.partner));
  }

  @Delete('accounts/:id/publishing-partner')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Take back a partner’s permission to publish to this account (its publications not yet uploaded fail)',
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async disallowPartner(
    @CurrentUserId() userId: string,
    @UuidParam('id') id: string,
  ): Promise<void> {
    await this.social.disallowPartner(userId, id);
  }

  @Get(':platform/connect')
  @ApiOperation({
    summary:
      'Start connecting an account: open the returned consent page (its state is bound to you and works once)',
  })
  @ApiOkResponse({ type: AuthorizeUrlDto })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'publishing to this platform is not configured',
  })
  connect(
    @CurrentUserId() userId: string,
    @Param() p: PlatformParam,
    @Query() q: ConnectQuery,
  ): AuthorizeUrlDto {
    this.social.publisher(p.platform);
    const state = this.state.issueFor(`social:${p.platform}`, userId, q.redirect);
    return {
      authorizeUrl: this.social.authorizeUrl(p.platform, state, this.redirectUri(p.platform)),
    };
  }

  @Get(':platform/callback')
  @Public()
  @ApiOperation({
    summary:
      'The platform returns here after consent: the account is connected to whoever started it; answers the account (JSON) or returns to the front-end',
  })
  @ApiOkResponse({ type: SocialAccountDto })
  @ApiFoundResponse({
    description: 'back to the allow-listed front-end with ?connected=<platform>',
  })
  @ApiUnauthorizedResponse({
    type: ErrorBodyDto,
    description: 'state missing, forged, expired or used',
  })
  async callback(
    @Param() p: PlatformParam,
    @Query() q: ConnectCallbackQuery,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { subject, returnTo } = await this.state.consumeFor(q.state, `social:${p.platform}`);
    if (q.error)
      throw new InvalidInputError(
        `${p.platform} connection was not granted: ${q.error_description ?? q.error}`,
      );
    if (!q.code)
      throw new InvalidInputError('code is missing from the callback', { field: 'code' });
    const account = await this.social.connect(
      subject,
      p.platform,
      q.code,
      this.redirectUri(p.platform),
    );
    if (returnTo) {
      const back = new URL(returnTo);
      back.searchParams.set('connected', p.platform);
      return void reply.redirect(back.toString(), 302);
    }
    reply.status(200).send(SocialAccountDto.from(account));
  }

  @Delete('accounts/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Disconnect an account (its sealed tokens are deleted)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async disconnect(@CurrentUserId() userId: string, @UuidParam('id') id: string): Promise<void> {
    await this.social.disconnect(userId, id);
  }
}
