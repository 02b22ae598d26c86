import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { IsOptionalNotNull } from '../http/optional-not-null';

const count = (description: string) =>
  ApiProperty({
    nullable: true,
    type: Number,
    description: `${description}; null: the platform gives none`,
  });

/** A video's figures as its platform counts them. */
export class VideoFiguresDto {
  @count('views (YouTube viewCount, Instagram views)') views: number | null;
  @count('likes') likes: number | null;
  @count('comments') comments: number | null;
  @count('accounts reached (Instagram)') reach: number | null;
  @count('saves (Instagram)') saved: number | null;
  @count('shares (Instagram)') shares: number | null;
  @count('all interactions (Instagram)') totalInteractions: number | null;
  @count('average watch time per play, ms (Instagram ig_reels_avg_watch_time)')
  avgWatchTimeMs: number | null;
}

export class ResultsChangeDto {
  @ApiProperty({ nullable: true, type: Number }) views: number | null;
  @ApiProperty({ nullable: true, type: Number }) likes: number | null;
  @ApiProperty({ nullable: true, type: Number }) comments: number | null;
}

/** One publication's results: the latest figures, or "not yet" and why. */
export class PublicationResultsDto {
  @ApiProperty({ format: 'uuid', description: 'the publication (see /uploads)' })
  publicationId: string;
  @ApiProperty({ enum: ['youtube', 'instagram'] }) platform: string;
  @ApiProperty({ nullable: true, type: String }) postUrl: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) publishedAt: Date | null;
  @ApiProperty({
    enum: ['figures', 'not_yet'],
    description:
      '`not_yet`: the platform has no figures for it yet (Instagram: no data in the first hours, or "not enough viewers"); read hourly the first day, daily to 30 days, weekly after',
  })
  status: string;
  @ApiProperty({ nullable: true, type: String, description: 'why there are no figures yet' })
  note: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) readAt: Date | null;
  @ApiProperty({ nullable: true, type: VideoFiguresDto }) latest: VideoFiguresDto | null;
  @ApiProperty({
    nullable: true,
    type: ResultsChangeDto,
    description: 'growth over the last 7 days (since publication when younger)',
  })
  change7d: ResultsChangeDto | null;
}

export class ResultsReadingDto extends VideoFiguresDto {
  @ApiProperty({ format: 'date-time' }) readAt: Date;
}

export class PublicationSeriesDto extends PublicationResultsDto {
  @ApiProperty({
    type: [ResultsReadingDto],
    description: 'the readings of the period, oldest first',
  })
  readings: ResultsReadingDto[];
}

export class VideoResultsDto {
  @ApiProperty({ type: [PublicationSeriesDto] }) items: PublicationSeriesDto[];
}

export class ResultsPeriodQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 400, default: 30, description: 'days of readings' })
  @IsOptionalNotNull()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(400)
  days?: number;
}

export class ComparisonGroupDto {
  @ApiProperty({ enum: ['look', 'length', 'mood'] }) by: string;
  @ApiProperty({ example: 'warm', description: 'the look (templateId), length (seconds) or mood' })
  value: string;
  @ApiProperty({ description: 'published videos in the group' }) videos: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      'median of each video’s latest views (summed over its platforms); null: none read yet',
  })
  medianViews: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'median Instagram average watch time per video, ms',
  })
  medianWatchTimeMs: number | null;
}

export class ResultsComparisonDto {
  @ApiProperty({ format: 'date-time', description: 'videos published since' }) since: Date;
  @ApiProperty() videos: number;
  @ApiProperty({ type: [ComparisonGroupDto] }) groups: ComparisonGroupDto[];
}
