import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsOptionalNotNull } from './optional-not-null';
import { InvalidInputError } from '@app/domain';

export class CursorQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptionalNotNull()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class PageDto<T> {
  items: T[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'pass as ?cursor= for the next page; null on the last page',
  })
  nextCursor: string | null;
}

/** Keyset cursors over (created_at, id), opaque to clients. */
export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
}

export function decodeCursor(cursor?: string): { createdAt: Date; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const [c, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const createdAt = new Date(c);
    if (typeof id !== 'string' || Number.isNaN(createdAt.getTime())) throw new Error();
    return { createdAt, id };
  } catch {
    throw new InvalidInputError('cursor is not one this API gave out');
  }
}

export function page<T extends { createdAt: Date; id: string }, D>(
  rows: T[],
  limit: number,
  map: (r: T) => D,
): { items: D[]; nextCursor: string | null } {
  return {
    items: rows.map(map),
    nextCursor: rows.length === limit ? encodeCursor(rows[rows.length - 1]) : null,
  };
}
