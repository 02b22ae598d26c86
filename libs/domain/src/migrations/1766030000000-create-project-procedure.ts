import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * On MySQL/MariaDB, a new project and its first event in one round trip: `CALL create_project`
 * runs the project's INSERT (which checks the store is the owner's and takes a place of the
 * daily quota, see DailyQuotaRepository) and the event's INSERT in a transaction of its own on
 * the server, and answers the event's number (null: the store is not the owner's, nothing
 * written). Over the wire that was BEGIN, two INSERTs and COMMIT, four round trips; a
 * multi-statement query would have needed multiple statements enabled on the primary pool,
 * which an injection could then use. A failed INSERT (a quota place another project holds, a
 * deadlock) rolls the transaction back and reaches the caller as its own error.
 * Raw dialect SQL (no Table API for a routine), for MySQL/MariaDB only: the embedded SQLite runs
 * the two INSERTs in its process, where a round trip costs nothing. SQL SECURITY INVOKER: it
 * runs with the privileges of the user who calls it.
 */
const CREATE = `
CREATE PROCEDURE create_project(
  IN p_id VARCHAR(36), IN p_owner_user_id VARCHAR(36), IN p_partner_id VARCHAR(36),
  IN p_store_id VARCHAR(36), IN p_autopilot BOOLEAN, IN p_options TEXT, IN p_at DATETIME(3),
  IN p_callback_token VARCHAR(64), IN p_quota_day VARCHAR(10), IN p_quota_slot INT,
  IN p_message TEXT)
SQL SECURITY INVOKER
BEGIN
  DECLARE v_seq INT DEFAULT NULL;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    RESIGNAL;
  END;
  START TRANSACTION;
  INSERT INTO projects (id, owner_user_id, partner_id, store_id, state, step_attempts, retries,
    autopilot, options, next_run_at, callback_token, quota_day, quota_slot, created_at, updated_at)
  SELECT p_id, p_owner_user_id, p_partner_id, id, 'DRAFT', 0, 0, p_autopilot, p_options, p_at,
    p_callback_token, p_quota_day, p_quota_slot, p_at, p_at
  FROM stores
  WHERE id = p_store_id
    AND IF(p_owner_user_id IS NULL, partner_id = p_partner_id, owner_user_id = p_owner_user_id);
  IF ROW_COUNT() = 1 THEN
    INSERT INTO project_events (project_id, from_state, to_state, step, duration_ms, message,
      percent, at)
    VALUES (p_id, 'DRAFT', 'DRAFT', NULL, NULL, p_message, NULL, p_at);
    SET v_seq = LAST_INSERT_ID();
  END IF;
  COMMIT;
  SELECT v_seq AS seq;
END`;

export class CreateProjectProcedure1766030000000 implements MigrationInterface {
  name = 'CreateProjectProcedure1766030000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'better-sqlite3') return;
    await queryRunner.query(CREATE);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'better-sqlite3') return;
    await queryRunner.query('DROP PROCEDURE IF EXISTS create_project');
  }
}
