import { Module } from '@nestjs/common';
import {
  FilesModule,
  PipelineModule,
  ResultsModule,
  SocialModule,
  StoresModule,
} from '@app/domain';
import { AuthModule } from '../auth/auth.module';
import { ClipView } from '../projects/clip-view';
import { ProjectView } from '../projects/project-view';
import { StorePhotoView } from '../stores/store-photo.view';
import { ChoiceTools } from './choice.tools';
import { McpController } from './mcp.controller';
import { McpEndpoint } from './mcp-endpoint';
import { ProjectTools } from './project.tools';
import { StoreTools } from './store.tools';
import { VideoTools } from './video.tools';
import { ResultsTools } from './results.tools';

/** The MCP endpoint: the REST use cases as tools for agents. */
@Module({
  imports: [AuthModule, StoresModule, PipelineModule, SocialModule, FilesModule, ResultsModule],
  controllers: [McpController],
  providers: [
    McpEndpoint,
    StoreTools,
    ProjectTools,
    ChoiceTools,
    VideoTools,
    ResultsTools,
    ProjectView,
    ClipView,
    StorePhotoView,
  ],
})
export class McpApiModule {}
