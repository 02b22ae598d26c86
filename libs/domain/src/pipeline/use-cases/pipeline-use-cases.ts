import { ApproveLyrics } from './approve-lyrics.use-case';
import { CancelProject } from './cancel-project.use-case';
import { CreateProject } from './create-project.use-case';
import { DeleteProject } from './delete-project.use-case';
import { EditLyrics } from './edit-lyrics.use-case';
import { GetProject } from './get-project.use-case';
import { ListAllProjects, ListProjects } from './list-projects.use-case';
import { MakeSong } from './make-song.use-case';
import { MakeVideo } from './make-video.use-case';
import { ProjectContent } from './project-content.use-case';
import { ProjectProgress } from './project-progress.use-case';
import { ProviderCallback } from './provider-callback.use-case';
import { RegenerateLyrics } from './regenerate-lyrics.use-case';
import { RequeueProjects } from './requeue-projects.use-case';
import { RetryProject } from './retry-project.use-case';
import { SelectClip } from './select-clip.use-case';
import { ProjectCost, UsageReport } from './usage-report.use-case';

/** Every use case of the pipeline by audience, provided and exported by PipelineModule. */
export const PIPELINE_USE_CASES = [
  // the owner's commands, in the order a project meets them
  CreateProject,
  RegenerateLyrics,
  EditLyrics,
  ApproveLyrics,
  MakeSong,
  SelectClip,
  MakeVideo,
  RetryProject,
  CancelProject,
  DeleteProject,
  // the owner's queries
  GetProject,
  ListProjects,
  ProjectProgress,
  ProjectContent,
  // ops
  ListAllProjects,
  RequeueProjects,
  ProjectCost,
  UsageReport,
  // providers
  ProviderCallback,
];
