import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { IsOptionalNotNull } from '../http/optional-not-null';
import { AccountService } from '@app/domain';
import { UserDto } from '../auth/auth.dto';
import { Roles } from '../auth/decorators';
import { CursorQuery, decodeCursor, page, PageDto } from '../http/pagination';
import { LagTolerant } from '../http/lag-tolerant';
import { UuidParam } from '../http/uuid-param';

class AdminUsersQuery extends CursorQuery {
  @ApiPropertyOptional({ description: 'part of a nickname or email, or an exact Kakao id' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(100)
  search?: string;
}

class UserPageDto extends PageDto<UserDto> {
  @ApiProperty({ type: [UserDto] }) declare items: UserDto[];
}

@ApiTags('admin')
@ApiBearerAuth('bearer')
@Roles('admin')
@Controller('v1/admin/users')
export class AdminUsersController {
  constructor(private readonly accounts: AccountService) {}

  @Get()
  @LagTolerant()
  @ApiOperation({ summary: 'Users, newest first, with search (admins only)' })
  @ApiOkResponse({ type: UserPageDto })
  async list(@Query() q: AdminUsersQuery): Promise<UserPageDto> {
    const limit = q.limit ?? 20;
    const rows = await this.accounts.list({
      search: q.search,
      limit,
      after: decodeCursor(q.cursor),
    });
    return page(rows, limit, UserDto.from);
  }

  @Get(':id')
  @LagTolerant()
  @ApiOperation({ summary: 'One user (admins only)' })
  @ApiOkResponse({ type: UserDto })
  async one(@UuidParam('id') id: string): Promise<UserDto> {
    return UserDto.from(await this.accounts.get(id));
  }

  @Post(':id/block')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Block a user: sessions end and their access tokens stop working on the next request (admins only)',
  })
  @ApiOkResponse({ type: UserDto })
  async block(@UuidParam('id') id: string): Promise<UserDto> {
    return UserDto.from(await this.accounts.block(id));
  }

  @Post(':id/unblock')
  @HttpCode(200)
  @ApiOperation({ summary: 'Let a blocked user sign in again (admins only)' })
  @ApiOkResponse({ type: UserDto })
  async unblock(@UuidParam('id') id: string): Promise<UserDto> {
    return UserDto.from(await this.accounts.unblock(id));
  }
}
