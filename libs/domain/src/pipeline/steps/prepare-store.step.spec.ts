import { StepFailedError } from '../step-context';
import { context, InMemoryStores, project } from './step-doubles.test';
import { PrepareStoreStep } from './prepare-store.step';
import { STORE_GONE } from './store-of';

describe('PrepareStoreStep', () => {
  it('moves a project whose store is there on to STORE_READY, due now', async () => {
    const step = new PrepareStoreStep(new InMemoryStores().as());
    const before = Date.now();
    const out = await step.run(context(project()).ctx);
    expect(out).toMatchObject({ kind: 'advance', to: 'STORE_READY' });
    expect(out.kind === 'advance' && out.nextRunAt!.getTime()).toBeGreaterThanOrEqual(before);
  });

  it('fails for good when the store is gone or has no name', async () => {
    const stores = new InMemoryStores();
    const step = new PrepareStoreStep(stores.as());
    await expect(step.run(context(project({ storeId: 'nope' })).ctx)).rejects.toThrow(
      new StepFailedError(STORE_GONE),
    );
    stores.stores.get('s1')!.name = '  ';
    await expect(step.run(context(project()).ctx)).rejects.toBeInstanceOf(StepFailedError);
  });
});
