import { ApiProperty } from '@nestjs/swagger';
import { ClipDto, LyricsDto } from '../projects/project.dto';

/** get_choices' answer: the REST answers of GET …/lyrics and GET …/song side by side. */
export class ChoicesDto {
  @ApiProperty({ type: [LyricsDto], description: 'every lyrics version, oldest first' })
  lyrics: LyricsDto[];
  @ApiProperty({ type: [ClipDto], description: 'the song’s clips (none before the song)' })
  clips: ClipDto[];
}
