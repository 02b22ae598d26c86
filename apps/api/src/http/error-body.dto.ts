import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Every error the API answers has this shape. */
export class ErrorBodyDto {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({ example: 'Bad Request' }) error: string;
  @ApiProperty({ example: 'nickname must be shorter than or equal to 30 characters' })
  message: string;
  @ApiPropertyOptional({ description: 'one entry per problem, when there are several' })
  details?: unknown;
}
