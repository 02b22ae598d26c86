import { EntitySubscriberInterface, EventSubscriber, InsertEvent, UpdateEvent } from 'typeorm';

/** Fills created_at / updated_at on every entity insert and update (see columns.ts). */
@EventSubscriber()
export class TimestampSubscriber implements EntitySubscriberInterface {
  beforeInsert(event: InsertEvent<any>): void {
    const e = event.entity;
    if (!e) return;
    const now = new Date();
    const cols = event.metadata.columns.map((c) => c.propertyName);
    if (cols.includes('createdAt') && !e.createdAt) e.createdAt = now;
    if (cols.includes('updatedAt') && !e.updatedAt) e.updatedAt = now;
  }

  beforeUpdate(event: UpdateEvent<any>): void {
    const e = event.entity;
    if (e && event.metadata.columns.some((c) => c.propertyName === 'updatedAt'))
      e.updatedAt = new Date();
  }
}
