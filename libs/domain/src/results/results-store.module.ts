import { Module } from '@nestjs/common';
import { Clock } from './clock';
import { ResultReaderRepository } from './result-reader.repository';
import { ResultSummaries } from './result-summaries';
import { VideoReadingRepository } from './video-reading.repository';

const providers = [Clock, ResultReaderRepository, ResultSummaries, VideoReadingRepository];

/**
 * The stored results and their schedule: what publishing (a first reading due), connecting (a
 * parked reader resumed) and the archive (latest figures) need, without the reading itself.
 */
@Module({ providers, exports: providers })
export class ResultsStoreModule {}
