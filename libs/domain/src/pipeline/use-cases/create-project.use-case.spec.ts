import { AppConfig } from '../../config/app-config';
import { NotFoundError, QuotaExceededError } from '../../errors/domain-errors';
import { CreateProject } from './create-project.use-case';
import { InMemoryProjects, OWNER, STRANGER } from './pipeline-doubles';

describe('CreateProject', () => {
  const config = { pipeline: { projectsPerDay: 2 } } as AppConfig;
  let projects: InMemoryProjects;
  let create: CreateProject;
  beforeEach(() => {
    projects = new InMemoryProjects();
    create = new CreateProject(config, projects.asDailyQuota());
  });

  it("makes a DRAFT for the owner's store with the options' defaults filled in", async () => {
    const p = await create.execute(OWNER, { storeId: 'store-1', options: { mood: 'calm' } });
    expect(p.state).toBe('DRAFT');
    expect(p.autopilot).toBe(false);
    expect(p.options).toEqual({ mood: 'calm', genre: 'pop', lengthSec: 30, keywords: [] });
  });

  it("answers not found for a store that is not the caller's", async () => {
    await expect(
      create.execute(STRANGER, { storeId: 'store-1', options: {} }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(projects.rows.size).toBe(0);
  });

  it('refuses the project past the daily limit, saying when the limit resets', async () => {
    await create.execute(OWNER, { storeId: 'store-1', options: {} });
    await create.execute(OWNER, { storeId: 'store-1', options: {} });
    const refused = create.execute(OWNER, { storeId: 'store-1', options: {} });
    await expect(refused).rejects.toBeInstanceOf(QuotaExceededError);
    await expect(refused).rejects.toThrow(/daily limit of 2 new projects reached; it resets at/);
    expect(projects.rows.size).toBe(2);
  });
});
