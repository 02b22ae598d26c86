import { Entity, Index } from 'typeorm';
import type { LyricsSource, SongBeats } from '@app/integrations';
import { Bool, CreatedAt, Id, Int, Json, Num, Ref, Str, Time } from './columns';

export interface LyricSection {
  name: string;
  lines: string[];
}

@Entity('lyrics')
@Index('uq_lyrics_project_version', ['projectId', 'version'], { unique: true })
export class LyricsEntity {
  @Id() id: string;
  @Ref() projectId: string;
  @Int() version: number;
  @Str(200) title: string;
  @Json() sections: LyricSection[];
  @Str(16) source: LyricsSource | 'edited';
  @Time({ nullable: true }) approvedAt: Date | null;
  @CreatedAt() createdAt: Date;
}

@Entity('songs')
@Index('ix_songs_project', ['projectId'])
export class SongEntity {
  @Id() id: string;
  @Ref() projectId: string;
  @Str(200, { nullable: true }) providerClipId: string | null;
  @Str(500) blobKey: string;
  @Num() durationSec: number;
  /** start second of each lyric line, for captions */
  @Json() lineTimings: number[];
  /** tempo and beat times, to cut the video on (null: the renderer finds them itself) */
  @Json({ nullable: true }) beats: SongBeats | null;
  @Bool({ default: false }) selected: boolean;
  @CreatedAt() createdAt: Date;
}

@Entity('videos')
@Index('ix_videos_project', ['projectId'])
export class VideoEntity {
  @Id() id: string;
  @Ref() projectId: string;
  @Str(32) engine: string;
  @Str(500) blobKey: string;
  @Str(500, { nullable: true }) thumbnailBlobKey: string | null;
  @Num() durationSec: number;
  @Int() width: number;
  @Int() height: number;
  @CreatedAt() createdAt: Date;
}
