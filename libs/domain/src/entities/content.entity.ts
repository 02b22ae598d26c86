import { Entity, Index } from 'typeorm';
import type { LyricsSource, SongBeats, SungWord } from '@app/integrations';
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
  /** false for an instrumental (the synth): no caption then follows a voice */
  @Bool({ default: true }) vocals: boolean;
  /**
   * when each word is sung, asked of the engine once the clip is used for a video; null: not
   * asked yet, or the engine could not say (captions then follow the lines only)
   */
  @Json({ nullable: true }) words: SungWord[] | null;
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
