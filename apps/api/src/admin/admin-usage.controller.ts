import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { IsOptionalNotNull } from '../http/optional-not-null';
import { InvalidInputError, ProviderHealthService, UsageReport } from '@app/domain';
import { Roles } from '../auth/decorators';
import { LagTolerant } from '../http/lag-tolerant';

class UsageQuery {
  @ApiPropertyOptional({
    example: '2026-11-01',
    description: 'first day (UTC), default 30 days ago',
  })
  @IsOptionalNotNull()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'from must be a date like 2026-11-01' })
  from?: string;
  @ApiPropertyOptional({
    example: '2026-11-30',
    description: 'last day (UTC), inclusive; default today',
  })
  @IsOptionalNotNull()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'to must be a date like 2026-11-30' })
  to?: string;
}

class UsageRowDto {
  @ApiProperty({ example: '2026-11-25' }) day: string;
  @ApiProperty({ example: 'suno' }) provider: string;
  @ApiProperty() calls: number;
  @ApiProperty() units: number;
  @ApiProperty({ description: 'estimated from the price table' }) costUsd: number;
}

class ProviderTotalDto {
  @ApiProperty() provider: string;
  @ApiProperty() calls: number;
  @ApiProperty() costUsd: number;
}

class UsageReportDto {
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ type: [UsageRowDto] }) days: UsageRowDto[];
  @ApiProperty({ type: [ProviderTotalDto] }) totals: ProviderTotalDto[];
  @ApiProperty() totalUsd: number;
}

class ProviderHealthDto {
  @ApiProperty({ enum: ['lyrics', 'song', 'video', 'search', 'publish'] }) area: string;
  @ApiProperty({ example: 'suno' }) engine: string;
  @ApiProperty({ enum: ['ok', 'degraded', 'failing', 'idle'] }) status: string;
  @ApiProperty({ description: 'finished in the last 24 hours' }) succeeded: number;
  @ApiProperty({ description: 'failed for good in the last 24 hours' }) failed: number;
  @ApiProperty({ description: 'waiting to retry after a provider error now' }) retrying: number;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty({ nullable: true, type: Number }) spentTodayUsd: number | null;
  @ApiProperty({ nullable: true, type: Number }) dailyBudgetUsd: number | null;
}

class ProviderHealthListDto {
  @ApiProperty({ type: [ProviderHealthDto] }) items: ProviderHealthDto[];
}

const DAY_MS = 86_400_000;

@ApiTags('admin')
@ApiBearerAuth('bearer')
@Roles('admin')
@Controller('v1/admin')
export class AdminUsageController {
  constructor(
    private readonly usage: UsageReport,
    private readonly health: ProviderHealthService,
  ) {}

  @Get('usage')
  @LagTolerant()
  @ApiOperation({ summary: 'Provider usage and estimated cost per day and provider (admins only)' })
  @ApiOkResponse({ type: UsageReportDto })
  async report(@Query() q: UsageQuery): Promise<UsageReportDto> {
    const to = q.to
      ? new Date(`${q.to}T00:00:00Z`)
      : new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
    const from = q.from ? new Date(`${q.from}T00:00:00Z`) : new Date(to.getTime() - 30 * DAY_MS);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()))
      throw new InvalidInputError('from and to must be real dates');
    if (from > to) throw new InvalidInputError('from must not be after to', { field: 'from' });
    if (to.getTime() - from.getTime() > 366 * DAY_MS)
      throw new InvalidInputError('at most a year at a time', { field: 'from' });
    const { days, totals, totalUsd } = await this.usage.execute(
      from,
      new Date(to.getTime() + DAY_MS),
    );
    return {
      from: from.toISOString().slice(0, 10),
      to: to.toISOString().slice(0, 10),
      days,
      totals: totals.map(({ provider, calls, costUsd }) => ({ provider, calls, costUsd })),
      totalUsd,
    };
  }

  @Get('providers')
  @LagTolerant()
  @ApiOperation({
    summary:
      'How each outside provider is doing: successes, failures and retries in the last 24 hours, today’s spend (admins only)',
  })
  @ApiOkResponse({ type: ProviderHealthListDto })
  async providers(): Promise<ProviderHealthListDto> {
    return { items: await this.health.report() };
  }
}
