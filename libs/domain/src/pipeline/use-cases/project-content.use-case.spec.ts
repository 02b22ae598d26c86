import { NotFoundError } from '../../errors/domain-errors';
import { GetProject } from './get-project.use-case';
import { ListProjects } from './list-projects.use-case';
import { InMemoryContent, InMemoryProjects, OWNER, STRANGER } from './pipeline-doubles';
import { ProjectContent } from './project-content.use-case';

describe("the owner's queries", () => {
  let projects: InMemoryProjects;
  let content: InMemoryContent;
  beforeEach(() => {
    projects = new InMemoryProjects();
    content = new InMemoryContent();
  });

  it("shows the owner their project and its content, another's as not found", async () => {
    const p = projects.add({ state: 'SONG_READY' });
    await content.addLyrics(p.id, { title: 't', sections: [], source: 'template' }, true);
    content.addClip(p.id);
    const deps = [projects.asRepository(), content.asRepository()] as const;
    expect((await new GetProject(deps[0]).execute(OWNER, p.id)).id).toBe(p.id);
    const made = new ProjectContent(...deps);
    expect(await made.lyricsVersions(OWNER, p.id)).toHaveLength(1);
    expect(await made.clips(OWNER, p.id)).toHaveLength(1);
    for (const run of [
      () => new GetProject(deps[0]).execute(STRANGER, p.id),
      () => made.lyricsVersions(STRANGER, p.id),
      () => made.clips(STRANGER, p.id),
      () => made.video(STRANGER, p.id),
    ])
      await expect(run()).rejects.toBeInstanceOf(NotFoundError);
  });

  it('has no video to show before one is made', async () => {
    const p = projects.add({ state: 'SONG_READY' });
    const made = new ProjectContent(projects.asRepository(), content.asRepository());
    await expect(made.video(OWNER, p.id)).rejects.toThrow('this project has no video yet');
  });

  it("lists the caller's projects only", async () => {
    const mine = projects.add();
    projects.add({ ownerUserId: 'u-2' });
    const rows = await new ListProjects(projects.asRepository()).execute(OWNER, { limit: 10 });
    expect(rows.map((r) => r.id)).toEqual([mine.id]);
  });
});
