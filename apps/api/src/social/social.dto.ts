import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { IsOptionalNotNull } from '../http/optional-not-null';
import { SnsUploadEntity, SocialAccountView } from '@app/domain';

export const PLATFORMS = ['youtube', 'instagram'] as const;

export class PlatformParam {
  @ApiProperty({ enum: PLATFORMS })
  @IsIn(PLATFORMS as unknown as string[], { message: 'platform must be youtube or instagram' })
  platform: 'youtube' | 'instagram';
}

export class ConnectQuery {
  @ApiPropertyOptional({
    description: 'an allow-listed front-end URL to return to after the consent page',
    example: 'https://app.castad.kr/settings/social',
  })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(500)
  redirect?: string;
}

export class ConnectCallbackQuery {
  @ApiPropertyOptional() @IsOptionalNotNull() @IsString() @MaxLength(2000) code?: string;
  @ApiPropertyOptional() @IsOptionalNotNull() @IsString() @MaxLength(4000) state?: string;
  @ApiPropertyOptional({ description: 'set by the platform when the owner declined' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(200)
  error?: string;
  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(1000)
  error_description?: string;
  @ApiPropertyOptional() @IsOptionalNotNull() @IsString() @MaxLength(1000) scope?: string;
}

export class AuthorizeUrlDto {
  @ApiProperty({ example: 'https://accounts.google.com/o/oauth2/v2/auth?client_id=…&state=…' })
  authorizeUrl: string;
}

export class ReconnectNeededDto {
  @ApiProperty({ format: 'date-time' }) since: Date;
  @ApiProperty({ example: 'YouTube access was revoked or expired: connect the account again' })
  reason: string;
}

export class SocialAccountDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: PLATFORMS }) platform: string;
  @ApiProperty({
    example: 'UC_x5XG1OV2P6uZZ5FSM9Ttw',
    description: 'channel id (YouTube) or account id (Instagram)',
  })
  externalId: string;
  @ApiProperty({ nullable: true, type: String, example: '할매국밥 채널' }) displayName:
    string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) tokenExpiresAt: Date | null;
  @ApiProperty({ format: 'date-time' }) connectedAt: Date;
  @ApiProperty({
    nullable: true,
    type: ReconnectNeededDto,
    description:
      'set when the platform refused the grant for good (revoked, expired): connect the account again (GET /v1/social/{platform}/connect); its queued publications wait and go on by themselves after that',
  })
  needsReconnect: ReconnectNeededDto | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description:
      'the partner its owner lets publish here with API keys holding the `publish` scope (PUT …/publishing-partner); null: none',
  })
  publishingPartnerId: string | null;

  static from(v: SocialAccountView): SocialAccountDto {
    return Object.assign(new SocialAccountDto(), v);
  }
}

export class PublishingPartnerDto {
  @ApiProperty({
    example: 'Agency',
    description: 'the partner’s name or id, as the partner gave it to you',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  partner: string;
}

export class SocialAccountListDto {
  @ApiProperty({
    enum: PLATFORMS,
    isArray: true,
    description: 'platforms this server can publish to',
  })
  platforms: string[];
  @ApiProperty({ type: [SocialAccountDto] }) items: SocialAccountDto[];
}

export class CreateUploadDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'connected account ids (GET /v1/social/accounts)',
  })
  @IsArray()
  @ArrayMinSize(1, { message: '$property must have at least one item' })
  @ArrayMaxSize(10)
  @IsUUID('all', { each: true, message: 'each of accounts must be a UUID' })
  accounts: string[];

  @ApiProperty({ example: '해운대 할매국밥 CM송', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/^[^<>]*$/, { message: 'title must not contain < or >' })
  title: string;

  @ApiPropertyOptional({
    example: '부산 해운대 40년 전통 국밥집\n\n이 영상의 노래와 가사는 AI로 만들었습니다.',
    maxLength: 4000,
    description:
      'the caption (YouTube description, Instagram caption), published exactly as sent. Omitted: the default caption of GET …/uploads/draft, which ends with the notice "이 영상의 노래와 가사는 AI로 만들었습니다." (the song and lyrics are AI-generated). An owner who edits the caption and deletes the notice removes it: we do not add it back. YouTube uploads are always marked `containsSyntheticMedia: true`.',
  })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(4000)
  description?: string;

  @ApiPropertyOptional({ example: ['국밥', '해운대'], type: [String] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(30, { each: true })
  tags?: string[];

  @ApiProperty({ enum: ['private', 'unlisted', 'public'], example: 'public' })
  @IsIn(['private', 'unlisted', 'public'])
  privacy: 'private' | 'unlisted' | 'public';
}

export class UploadDraftDto {
  @ApiProperty({ example: '해운대 할매국밥 CM송', maxLength: 100 }) title: string;
  @ApiProperty({
    example:
      '해운대 할매국밥 · 부산 해운대구 중동 1번길\n\n이 영상의 노래와 가사는 AI로 만들었습니다.',
    description:
      'the caption to prefill: the store, then the AI notice. Send it as it is or edited as `description`',
  })
  description: string;
  @ApiProperty({ type: [String], example: [] }) tags: string[];
  @ApiProperty({
    example: true,
    description:
      'YouTube uploads carry status.containsSyntheticMedia = true: the song and lyrics are AI-generated',
  })
  containsSyntheticMedia: boolean;
}

export class UploadDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) accountId: string;
  @ApiProperty({ enum: PLATFORMS }) platform: string;
  @ApiProperty({
    enum: ['queued', 'processing', 'published', 'failed', 'parked'],
    description: '`parked`: waits for its account to be connected again, then goes on by itself',
  })
  state: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: ['private', 'unlisted', 'public'] }) privacy: string;
  @ApiProperty({ nullable: true, type: String, example: 'https://www.youtube.com/shorts/abc123' })
  postUrl: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'why it failed, or the last temporary problem',
  })
  error: string | null;
  @ApiProperty() attempts: number;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;

  static from(u: SnsUploadEntity): UploadDto {
    return Object.assign(new UploadDto(), {
      id: u.id,
      accountId: u.socialAccountId,
      platform: u.platform,
      state: u.state,
      title: u.title,
      privacy: u.privacy,
      postUrl: u.postUrl,
      error: u.lastError,
      attempts: u.attempts,
      createdAt: u.createdAt,
    });
  }
}

export class UploadListDto {
  @ApiProperty({ type: [UploadDto] }) items: UploadDto[];
}
