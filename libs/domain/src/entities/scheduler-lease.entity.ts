import { Entity } from 'typeorm';
import { Str, Time } from './columns';

/** Named leases held by one process at a time (the scheduler's leader lease). */
@Entity('scheduler_leases')
export class SchedulerLeaseEntity {
  @Str(64, { primary: true }) name: string;
  @Str(100) owner: string;
  @Time() leaseUntil: Date;
}
