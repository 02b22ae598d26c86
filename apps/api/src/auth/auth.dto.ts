import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Length, Matches, MaxLength } from 'class-validator';
import { IsOptionalNotNull } from '../http/optional-not-null';
import { UserEntity } from '@app/domain';

export class DevLoginDto {
  @ApiProperty({
    example: '김사장',
    description:
      'display name for a local trial account (1-30 characters of printable text: no control, format or direction-override characters)',
  })
  @IsString()
  @Length(1, 30)
  // shown in admin lists and logs: a NUL or a right-to-left override would garble them
  @Matches(/^[^\p{C}]+$/u, {
    message: 'nickname must be printable text (no control or direction-override characters)',
  })
  @Matches(/\S/, { message: 'nickname must not be only spaces' })
  nickname: string;
}

export class KakaoTokenLoginDto {
  @ApiProperty({
    description: 'the Kakao access token the app got from the Kakao SDK',
    example: 'yWqLh3Q...',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  accessToken: string;
}

export class RefreshDto {
  @ApiProperty({
    description: 'the refresh token from the last login or refresh (each can be used once)',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  refreshToken: string;
}

export class KakaoStartQuery {
  @ApiPropertyOptional({
    description: 'an allow-listed front-end URL to return to with the tokens in the fragment',
    example: 'https://app.castad.kr/login/done',
  })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(1000)
  redirect?: string;
}

export class KakaoCallbackQuery {
  @ApiPropertyOptional() @IsOptionalNotNull() @IsString() @MaxLength(2048) code?: string;
  @ApiPropertyOptional() @IsOptionalNotNull() @IsString() @MaxLength(4096) state?: string;
  @ApiPropertyOptional() @IsOptionalNotNull() @IsString() @MaxLength(200) error?: string;
  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(1000)
  error_description?: string;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '김사장' }) nickname: string;
  @ApiProperty({ nullable: true, type: String, example: 'owner@example.com' }) email: string | null;
  @ApiProperty({ nullable: true, type: String }) profileImageUrl: string | null;
  @ApiProperty({ enum: ['user', 'admin'] }) role: 'user' | 'admin';
  @ApiProperty({ description: 'signed in with Kakao (false for a local trial account)' })
  kakaoLinked: boolean;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'set while the account is blocked',
  })
  blockedAt: string | null;
  @ApiProperty() createdAt: string;

  static from(u: UserEntity): UserDto {
    return {
      id: u.id,
      nickname: u.nickname,
      email: u.email,
      profileImageUrl: u.profileImageUrl,
      role: u.role,
      kakaoLinked: u.kakaoId !== null,
      blockedAt: u.blockedAt ? new Date(u.blockedAt).toISOString() : null,
      createdAt: u.createdAt.toISOString(),
    };
  }
}

export class SessionDto {
  @ApiProperty({ description: 'JWT for the Authorization: Bearer header' }) accessToken: string;
  @ApiProperty({ description: 'opaque; exchange it at POST /v1/auth/refresh (once)' })
  refreshToken: string;
  @ApiProperty({ example: 'Bearer' }) tokenType: 'Bearer';
  @ApiProperty({ example: 900, description: 'seconds the access token lives' }) expiresIn: number;
  @ApiProperty({ example: 2592000 }) refreshExpiresIn: number;
  @ApiProperty({ type: UserDto }) user: UserDto;
}

export class AccountDeletedDto {
  @ApiProperty({ example: true }) deleted: true;
  @ApiProperty({ example: 3, description: 'files queued for deletion' }) blobsQueued: number;
}
