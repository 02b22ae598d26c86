import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DataSource,
  EntitySubscriberInterface,
  InsertEvent,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';
import { ProjectEventEntity } from '../../entities/project-event.entity';
import { ProjectEventFeed } from './project-event-feed';
import { eventMessage, ProjectEventMessage } from './project-event-message';

/**
 * Every project_events row this process writes goes to live progress once it is committed
 * (never before: a rolled-back change was never real), whichever code path wrote it.
 */
@Injectable()
export class ProjectEventPublisher implements EntitySubscriberInterface<ProjectEventEntity> {
  private readonly uncommitted = new WeakMap<QueryRunner, ProjectEventMessage[]>();

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly feed: ProjectEventFeed,
  ) {
    dataSource.subscribers.push(this);
  }

  listenTo(): typeof ProjectEventEntity {
    return ProjectEventEntity;
  }

  afterInsert(event: InsertEvent<ProjectEventEntity>): void {
    const message = eventMessage(event.entity);
    if (!event.queryRunner.isTransactionActive) return this.feed.publish([message]);
    const list = this.uncommitted.get(event.queryRunner);
    if (list) list.push(message);
    else this.uncommitted.set(event.queryRunner, [message]);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // a savepoint released inside an outer transaction is not a commit yet
    if (event.queryRunner.isTransactionActive) return;
    const list = this.uncommitted.get(event.queryRunner);
    if (!list) return;
    this.uncommitted.delete(event.queryRunner);
    this.feed.publish(list);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.uncommitted.delete(event.queryRunner);
  }
}
