import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * The whole product schema, written with the Table API so the same migration runs on SQLite
 * (embedded) and MySQL/MariaDB (staged). No dialect SQL: types are the portable subset in
 * entities/columns.ts, and timestamps are filled by the app (TimestampSubscriber).
 */
export class InitialSchema1764115200000 implements MigrationInterface {
  name = 'InitialSchema1764115200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'blob_objects',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'container', type: 'varchar', length: '32' },
          { name: 'blob_key', type: 'varchar', length: '500' },
          { name: 'content_type', type: 'varchar', length: '64' },
          { name: 'bytes', type: 'integer' },
          { name: 'tier', type: 'varchar', length: '8', default: "'Hot'" },
          { name: 'owner_user_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'last_accessed_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'delete_requested_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          { name: 'ix_blob_objects_tier_access', columnNames: ['tier', 'last_accessed_at'] },
          { name: 'ix_blob_objects_owner', columnNames: ['owner_user_id'] },
          { name: 'uq_blob_objects_key', columnNames: ['container', 'blob_key'], isUnique: true },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'lyrics',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'project_id', type: 'varchar', length: '36' },
          { name: 'version', type: 'integer' },
          { name: 'title', type: 'varchar', length: '200' },
          { name: 'sections', type: 'text' },
          { name: 'source', type: 'varchar', length: '16' },
          { name: 'approved_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          {
            name: 'uq_lyrics_project_version',
            columnNames: ['project_id', 'version'],
            isUnique: true,
          },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'songs',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'project_id', type: 'varchar', length: '36' },
          { name: 'provider_clip_id', type: 'varchar', length: '200', isNullable: true },
          { name: 'blob_key', type: 'varchar', length: '500' },
          { name: 'duration_sec', type: 'double' },
          { name: 'line_timings', type: 'text' },
          { name: 'selected', type: 'boolean', default: 0 },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [{ name: 'ix_songs_project', columnNames: ['project_id'] }],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'videos',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'project_id', type: 'varchar', length: '36' },
          { name: 'engine', type: 'varchar', length: '32' },
          { name: 'blob_key', type: 'varchar', length: '500' },
          { name: 'thumbnail_blob_key', type: 'varchar', length: '500', isNullable: true },
          { name: 'duration_sec', type: 'double' },
          { name: 'width', type: 'integer' },
          { name: 'height', type: 'integer' },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [{ name: 'ix_videos_project', columnNames: ['project_id'] }],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'partners',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [{ name: 'uq_partners_name', columnNames: ['name'], isUnique: true }],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'partner_id', type: 'varchar', length: '36' },
          { name: 'prefix', type: 'varchar', length: '16' },
          { name: 'key_hash', type: 'varchar', length: '64' },
          { name: 'scopes', type: 'text' },
          { name: 'label', type: 'varchar', length: '100', isNullable: true },
          { name: 'last_used_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'revoked_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          { name: 'uq_api_keys_prefix', columnNames: ['prefix'], isUnique: true },
          { name: 'ix_api_keys_partner', columnNames: ['partner_id'] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'projects',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'owner_user_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'partner_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'store_id', type: 'varchar', length: '36' },
          { name: 'state', type: 'varchar', length: '32' },
          { name: 'step', type: 'varchar', length: '32', isNullable: true },
          { name: 'step_attempts', type: 'integer', default: 0 },
          { name: 'autopilot', type: 'boolean', default: 0 },
          { name: 'options', type: 'text' },
          { name: 'next_run_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'lease_owner', type: 'varchar', length: '100', isNullable: true },
          { name: 'lease_until', type: 'datetime', precision: 3, isNullable: true },
          { name: 'last_error', type: 'text', isNullable: true },
          { name: 'last_provider_error', type: 'text', isNullable: true },
          { name: 'step_started_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'song_task_id', type: 'varchar', length: '200', isNullable: true },
          { name: 'video_task_id', type: 'varchar', length: '200', isNullable: true },
          { name: 'callback_token', type: 'varchar', length: '64' },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          { name: 'ix_projects_state_updated', columnNames: ['state', 'updated_at'] },
          { name: 'ix_projects_partner_created', columnNames: ['partner_id', 'created_at'] },
          { name: 'ix_projects_owner_created', columnNames: ['owner_user_id', 'created_at'] },
          { name: 'ix_projects_due', columnNames: ['next_run_at', 'lease_until'] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'refresh_tokens',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'family_id', type: 'varchar', length: '36' },
          { name: 'token_hash', type: 'varchar', length: '64' },
          { name: 'expires_at', type: 'datetime', precision: 3 },
          { name: 'rotated_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'revoked_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          { name: 'uq_refresh_tokens_hash', columnNames: ['token_hash'], isUnique: true },
          { name: 'ix_refresh_tokens_expires', columnNames: ['expires_at'] },
          { name: 'ix_refresh_tokens_family', columnNames: ['family_id'] },
          { name: 'ix_refresh_tokens_user', columnNames: ['user_id'] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'scheduler_leases',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'owner', type: 'varchar', length: '100' },
          { name: 'lease_until', type: 'datetime', precision: 3 },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'social_accounts',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'platform', type: 'varchar', length: '16' },
          { name: 'external_id', type: 'varchar', length: '200' },
          { name: 'display_name', type: 'varchar', length: '200', isNullable: true },
          { name: 'access_token_enc', type: 'text' },
          { name: 'refresh_token_enc', type: 'text', isNullable: true },
          { name: 'token_expires_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          {
            name: 'uq_social_accounts_user_platform_ext',
            columnNames: ['user_id', 'platform', 'external_id'],
            isUnique: true,
          },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'sns_uploads',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'project_id', type: 'varchar', length: '36' },
          { name: 'social_account_id', type: 'varchar', length: '36' },
          { name: 'platform', type: 'varchar', length: '16' },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'title', type: 'varchar', length: '100' },
          { name: 'description', type: 'text', isNullable: true },
          { name: 'privacy', type: 'varchar', length: '16' },
          { name: 'external_id', type: 'varchar', length: '200', isNullable: true },
          { name: 'post_url', type: 'varchar', length: '500', isNullable: true },
          { name: 'last_error', type: 'text', isNullable: true },
          { name: 'next_run_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          { name: 'ix_sns_uploads_due', columnNames: ['next_run_at'] },
          { name: 'ix_sns_uploads_project', columnNames: ['project_id'] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'stores',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'owner_user_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'partner_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'category', type: 'varchar', length: '200', isNullable: true },
          { name: 'address', type: 'varchar', length: '300', isNullable: true },
          { name: 'road_address', type: 'varchar', length: '300', isNullable: true },
          { name: 'phone', type: 'varchar', length: '40', isNullable: true },
          { name: 'latitude', type: 'double', isNullable: true },
          { name: 'longitude', type: 'double', isNullable: true },
          { name: 'description', type: 'text', isNullable: true },
          { name: 'menu', type: 'text', isNullable: true },
          { name: 'hours', type: 'varchar', length: '300', isNullable: true },
          { name: 'pitch', type: 'text', isNullable: true },
          { name: 'source', type: 'varchar', length: '16' },
          { name: 'source_ref', type: 'varchar', length: '500', isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          { name: 'ix_stores_partner_created', columnNames: ['partner_id', 'created_at'] },
          { name: 'ix_stores_owner_created', columnNames: ['owner_user_id', 'created_at'] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'store_photos',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'store_id', type: 'varchar', length: '36' },
          { name: 'blob_key', type: 'varchar', length: '500' },
          { name: 'content_type', type: 'varchar', length: '64' },
          { name: 'width', type: 'integer' },
          { name: 'height', type: 'integer' },
          { name: 'bytes', type: 'integer' },
          { name: 'source', type: 'varchar', length: '16' },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [{ name: 'ix_store_photos_store', columnNames: ['store_id'] }],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'usage_records',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'project_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'user_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'provider', type: 'varchar', length: '32' },
          { name: 'operation', type: 'varchar', length: '64' },
          { name: 'unit', type: 'varchar', length: '32' },
          { name: 'units', type: 'double' },
          { name: 'cost_usd', type: 'double' },
          { name: 'idempotency_key', type: 'varchar', length: '200', isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          { name: 'ix_usage_project', columnNames: ['project_id'] },
          { name: 'ix_usage_provider_created', columnNames: ['provider', 'created_at'] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'kakao_id', type: 'varchar', length: '32', isNullable: true },
          { name: 'nickname', type: 'varchar', length: '100' },
          { name: 'email', type: 'varchar', length: '255', isNullable: true },
          { name: 'profile_image_url', type: 'varchar', length: '1000', isNullable: true },
          { name: 'role', type: 'varchar', length: '16', default: "'user'" },
          { name: 'blocked_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'deleted_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
        indices: [{ name: 'uq_users_kakao_id', columnNames: ['kakao_id'], isUnique: true }],
      }),
      true,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES.slice().reverse()) {
      await queryRunner.dropTable(table, true);
    }
  }
}

const TABLES = [
  'blob_objects',
  'lyrics',
  'songs',
  'videos',
  'partners',
  'api_keys',
  'projects',
  'refresh_tokens',
  'scheduler_leases',
  'social_accounts',
  'sns_uploads',
  'stores',
  'store_photos',
  'usage_records',
  'users',
];
