import { PollSongStep } from './poll-song.step';
import { PollVideoStep } from './poll-video.step';
import { PrepareStoreStep } from './prepare-store.step';
import { SubmitSongStep } from './submit-song.step';
import { SubmitVideoStep } from './submit-video.step';
import { WriteLyricsStep } from './write-lyrics.step';

export * from './pipeline-step';
export * from './step-registry';
export * from './step-metering';
export * from './step-progress-writer';
export * from './submission-guard';
export * from './store-of';
export * from './prepare-store.step';
export * from './write-lyrics.step';
export * from './submit-song.step';
export * from './poll-song.step';
export * from './submit-video.step';
export * from './poll-video.step';

/** One class per automatic step: the StepRegistry built from them checks none is missing or twice. */
export const PIPELINE_STEPS = [
  PrepareStoreStep,
  WriteLyricsStep,
  SubmitSongStep,
  PollSongStep,
  SubmitVideoStep,
  PollVideoStep,
];
