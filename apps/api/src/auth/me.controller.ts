import { Controller, Delete, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountService } from '@app/domain';
import { AccountDeletedDto, UserDto } from './auth.dto';
import { CurrentUserId } from './decorators';

@ApiTags('me')
@ApiBearerAuth('bearer')
@Controller('v1/me')
export class MeController {
  constructor(private readonly accounts: AccountService) {}

  @Get()
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserDto })
  async me(@CurrentUserId() userId: string): Promise<UserDto> {
    return UserDto.from(await this.accounts.get(userId));
  }

  @Delete()
  @ApiOperation({
    summary:
      'Delete my account: personal data anonymised, sessions ended, files queued for deletion',
  })
  @ApiOkResponse({ type: AccountDeletedDto })
  async delete(@CurrentUserId() userId: string): Promise<AccountDeletedDto> {
    const { blobsQueued } = await this.accounts.delete(userId);
    return { deleted: true, blobsQueued };
  }
}
