import { StoreEntity } from '@app/domain';

/** A store with a name and nothing else, for a repository test (StoreRepository.insert). */
export function storeRow(
  id: string,
  name = 'store',
  owner: Pick<StoreEntity, 'ownerUserId' | 'partnerId'> = {
    ownerUserId: null,
    partnerId: 'partner-1',
  },
): Omit<StoreEntity, 'createdAt' | 'updatedAt'> {
  return {
    id,
    ...owner,
    name,
    category: null,
    address: null,
    roadAddress: null,
    phone: null,
    latitude: null,
    longitude: null,
    description: null,
    menu: null,
    hours: null,
    pitch: null,
    source: 'manual',
    sourceRef: null,
  };
}
