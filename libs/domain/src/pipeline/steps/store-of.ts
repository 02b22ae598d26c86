import { StoreEntity } from '../../entities/store.entity';
import { StoreRepository } from '../../stores/store.repository';
import { StepFailedError } from '../step-context';

/** Said when a project's store was deleted under it: no retry brings it back. */
export const STORE_GONE = 'the project’s store no longer exists';

/** The project's store, or a permanent failure when it is gone. */
export async function storeOf(stores: StoreRepository, storeId: string): Promise<StoreEntity> {
  const s = await stores.findById(storeId);
  if (!s) throw new StepFailedError(STORE_GONE);
  return s;
}
