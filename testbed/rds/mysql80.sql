-- Generation `mysql80`: the replication procedures of Amazon RDS for MySQL 8.0 (8.0.41 bodies as reference), emulated
-- on stock MySQL 8.0.23+ (and, under the 8.4 names added by mysql84.sql, on 8.4/9.x: every statement inside is
-- 8.4-valid: CHANGE REPLICATION SOURCE TO, START/STOP REPLICA, RESET REPLICA ALL). Loaded by install.sh as root
-- after common.sql. Checks, messages, waits and history rows follow shared/reference/rds-procedures.md and the
-- public RDS 8.0.41 bodies; the SQL is ours. Only the default channel ('') is emulated (no *_for_channel, no
-- Multi-AZ cluster checks: no semi-sync here).
-- Present: rds_set_external_master, _with_delay, _with_auto_position, rds_set_external_source_gtid_purged,
-- rds_start_replication, _until, _until_gtid, rds_stop_replication, rds_reset_external_master, rds_set_source_delay,
-- rds_skip_repl_error, rds_next_master_log, rds_set_master_auto_position, rds_set_configuration.
-- Absent as on RDS for MySQL: rds_replica_status (the master user runs SHOW REPLICA STATUS: it has REPLICATION CLIENT).
DELIMITER //

-- RDS's state of the default channel, from performance_schema's service states:
--   ON: connection (I/O) ON and applier (SQL) ON; OFF: both OFF; BROKEN: any other mix (CONNECTING included);
--   NOT_EXIST: no channel.
DROP FUNCTION IF EXISTS mysql.rds_emul_state //
CREATE FUNCTION mysql.rds_emul_state() RETURNS VARCHAR(9) NOT DETERMINISTIC READS SQL DATA SQL SECURITY DEFINER
BEGIN
  DECLARE v_state VARCHAR(9);
  SELECT IFNULL(MAX(CASE WHEN c.SERVICE_STATE = 'ON' AND a.SERVICE_STATE = 'ON' THEN 'ON'
                         WHEN c.SERVICE_STATE = 'OFF' AND a.SERVICE_STATE = 'OFF' THEN 'OFF'
                         ELSE 'BROKEN' END), 'NOT_EXIST')
    INTO v_state
    FROM performance_schema.replication_connection_status c
    JOIN performance_schema.replication_applier_status a USING (CHANNEL_NAME)
    WHERE c.CHANNEL_NAME = '';
  RETURN v_state;
END //

-- The shared body of the set procedures: checks in RDS's order, then CHANGE REPLICATION SOURCE and history.
--   p_auto 0: coordinates, SOURCE_AUTO_POSITION = 0; 1: GTID auto-position. p_delay NULL: SOURCE_DELAY not named,
--   so an existing delay is kept (plain rds_set_external_master).
DROP PROCEDURE IF EXISTS mysql.rds_emul_set_master //
CREATE PROCEDURE mysql.rds_emul_set_master(IN p_host VARCHAR(255), IN p_port INT, IN p_user TEXT, IN p_passwd TEXT,
    IN p_file TEXT, IN p_pos BIGINT UNSIGNED, IN p_ssl TINYINT, IN p_delay INT, IN p_check_delay TINYINT,
    IN p_auto TINYINT)
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_state VARCHAR(9) DEFAULT mysql.rds_emul_state();
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN SET @rds_emul_cmd = NULL; RESIGNAL; END;  -- never leave a password behind
  CALL mysql.rds_emul_history(IF(p_auto = 1, 'Starting: set master AP', 'Starting: set master'), TRIM(p_host), p_port,
      TRIM(p_user), TRIM(p_file), p_pos, p_ssl, p_delay, p_auto, NULL);
  IF p_check_delay AND p_delay NOT BETWEEN 0 AND 86400 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'For source delay the value must be between 0 and 86400 inclusive.';
  END IF;
  IF mysql.rds_emul_is_read_replica() THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Permission Denied: This instance is a RDS Read Replica.';
  END IF;
  IF v_state IN ('ON', 'BROKEN') THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'You can''t modify replication because replication is running. First call mysql.rds_stop_replication.';
  END IF;
  SET @rds_emul_cmd = CONCAT('CHANGE REPLICATION SOURCE TO SOURCE_HOST = ', QUOTE(TRIM(p_host)),
      ', SOURCE_PORT = ', p_port,
      ', SOURCE_USER = ', QUOTE(TRIM(p_user)),
      ', SOURCE_PASSWORD = ', QUOTE(TRIM(p_passwd)),
      IF(p_auto = 1, '', CONCAT(', SOURCE_LOG_FILE = ', QUOTE(TRIM(p_file)), ', SOURCE_LOG_POS = ', p_pos)),
      ', SOURCE_SSL = ', p_ssl,
      ', SOURCE_AUTO_POSITION = ', p_auto,
      IF(p_delay IS NULL, '', CONCAT(', SOURCE_DELAY = ', p_delay)),
      ' FOR CHANNEL ''''');
  PREPARE rds_emul_stmt FROM @rds_emul_cmd;
  SET @rds_emul_cmd = NULL;
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  CALL mysql.rds_emul_history(IF(p_auto = 1, 'set master with AP', 'set master'), TRIM(p_host), p_port, TRIM(p_user),
      TRIM(p_file), p_pos, p_ssl, p_delay, p_auto, NULL);
  IF p_delay IS NOT NULL THEN
    CALL mysql.rds_emul_set_configuration_value('source delay', p_delay);
  END IF;
END //

DROP PROCEDURE IF EXISTS mysql.rds_set_external_master //
CREATE PROCEDURE mysql.rds_set_external_master(IN host VARCHAR(255), IN port INT, IN user TEXT, IN passwd TEXT,
    IN name TEXT, IN pos BIGINT UNSIGNED, IN enable_ssl_encryption TINYINT(1))
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_set_master(host, port, user, passwd, name, pos, enable_ssl_encryption, NULL, 0, 0) //

DROP PROCEDURE IF EXISTS mysql.rds_set_external_master_with_delay //
CREATE PROCEDURE mysql.rds_set_external_master_with_delay(IN host VARCHAR(255), IN port INT, IN user TEXT,
    IN passwd TEXT, IN name TEXT, IN pos BIGINT UNSIGNED, IN enable_ssl_encryption TINYINT(1), IN delay INT)
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_set_master(host, port, user, passwd, name, pos, enable_ssl_encryption, delay, 1, 0) //

DROP PROCEDURE IF EXISTS mysql.rds_set_external_master_with_auto_position //
CREATE PROCEDURE mysql.rds_set_external_master_with_auto_position(IN host VARCHAR(255), IN port INT, IN user TEXT,
    IN passwd TEXT, IN enable_ssl_encryption TINYINT(1), IN delay INT)
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_set_master(host, port, user, passwd, NULL, NULL, enable_ssl_encryption, delay, 1, 1) //

DROP PROCEDURE IF EXISTS mysql.rds_start_replication //
CREATE PROCEDURE mysql.rds_start_replication()
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_state VARCHAR(9) DEFAULT mysql.rds_emul_state();
  CALL mysql.rds_emul_history('Starting: start slave', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  IF v_state = 'ON' THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Replication may already be running. Call rds_stop_replication to stop replication';
  ELSEIF v_state = 'NOT_EXIST' THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'You can''t start replication because the replica isn''t configured. First call mysql.rds_set_external_master.';
  ELSEIF v_state = 'BROKEN' THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Replication might be running. First call mysql.rds_stop_replication.';
  END IF;
  DO SLEEP(1);
  IF @@GLOBAL.sql_replica_skip_counter <> 0 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'Another session currently running the procedure mysql.rds_skip_repl_error_for_channel. Consider retrying the procedure call.';
  END IF;
  PREPARE rds_emul_stmt FROM 'START REPLICA FOR CHANNEL ''''';
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  DO SLEEP(2);
  IF mysql.rds_emul_state() = 'ON' THEN
    CALL mysql.rds_emul_history('start slave', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    SELECT 'Replication started. Slave is now running normally.' AS Message;
  ELSE
    -- the threads stay as they are (BROKEN): RDS rolls nothing back
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Slave has encountered an error. Run SHOW SLAVE STATUS\\G; to see the error.';
  END IF;
END //

-- The shared body of the two _until procedures: p_gtid NULL means coordinates.
DROP PROCEDURE IF EXISTS mysql.rds_emul_start_until //
CREATE PROCEDURE mysql.rds_emul_start_until(IN p_file TEXT, IN p_pos BIGINT, IN p_gtid TEXT, IN p_by_gtid TINYINT)
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_state VARCHAR(9) DEFAULT mysql.rds_emul_state();
  CALL mysql.rds_emul_history('Starting: start slave until', NULL, NULL, NULL, SUBSTRING(p_file, 1, 50), p_pos, NULL,
      NULL, NULL, p_gtid);
  IF v_state = 'NOT_EXIST' THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'You can''t start replication because the replica isn''t configured. First call mysql.rds_set_external_master.';
  ELSEIF v_state IN ('ON', 'BROKEN') THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Replication may already be running. Call rds_stop_replication to stop replication';
  ELSEIF @@GLOBAL.replica_parallel_workers > 1 AND p_by_gtid THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'rds_start_replication_until_gtid is not supported for multi-threaded slaves';
  ELSEIF @@GLOBAL.replica_parallel_workers > 1 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'rds_start_replication_until is not supported for multi-threaded slaves';
  ELSEIF p_by_gtid AND p_gtid IS NULL THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Invalid input: gtid cannot be NULL';
  ELSEIF NOT p_by_gtid AND (p_pos IS NULL OR p_pos <= 0) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Invalid input: replication_stop_point cannot be NULL, less than or equal to 0';
  END IF;
  IF @@GLOBAL.sql_replica_skip_counter > 0 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'Another session currently running the procedure mysql.rds_skip_repl_error_for_channel. Consider retrying the procedure call.';
  END IF;
  IF p_by_gtid THEN
    SET @rds_emul_cmd = CONCAT('START REPLICA UNTIL SQL_AFTER_GTIDS = ', QUOTE(p_gtid), ' FOR CHANNEL ''''');
    PREPARE rds_emul_stmt FROM @rds_emul_cmd;
    SET @rds_emul_cmd = NULL;
    EXECUTE rds_emul_stmt;
    DEALLOCATE PREPARE rds_emul_stmt;
  ELSE
    SET @rds_emul_cmd = CONCAT('START REPLICA UNTIL SOURCE_LOG_FILE = ', QUOTE(TRIM(p_file)),
        ', SOURCE_LOG_POS = ', p_pos, ' FOR CHANNEL ''''');
    PREPARE rds_emul_stmt FROM @rds_emul_cmd;
    SET @rds_emul_cmd = NULL;
    EXECUTE rds_emul_stmt;
    DEALLOCATE PREPARE rds_emul_stmt;
  END IF;
  DO SLEEP(2);
  IF mysql.rds_emul_state() = 'ON' THEN
    CALL mysql.rds_emul_history('start slave until', NULL, NULL, NULL, SUBSTRING(p_file, 1, 50), p_pos, NULL, NULL,
        NULL, p_gtid);
    IF p_by_gtid THEN
      SELECT CONCAT('Replication started until SQL_AFTER_GTIDS = ', QUOTE(p_gtid)) AS Message;
    ELSE
      SELECT CONCAT('Replication started until MASTER_LOG_FILE = ', QUOTE(TRIM(p_file)), ' and MASTER_LOG_POS = ', p_pos)
        AS Message;
    END IF;
  ELSE
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Slave has encountered an error. Run SHOW SLAVE STATUS\\G; to see the error.';
  END IF;
END //

DROP PROCEDURE IF EXISTS mysql.rds_start_replication_until //
CREATE PROCEDURE mysql.rds_start_replication_until(IN replication_log_file TEXT, IN replication_stop_point BIGINT)
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_start_until(replication_log_file, replication_stop_point, NULL, 0) //

DROP PROCEDURE IF EXISTS mysql.rds_start_replication_until_gtid //
CREATE PROCEDURE mysql.rds_start_replication_until_gtid(IN gtid TEXT)
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_start_until(NULL, NULL, gtid, 1) //

DROP PROCEDURE IF EXISTS mysql.rds_stop_replication //
CREATE PROCEDURE mysql.rds_stop_replication()
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_state VARCHAR(9) DEFAULT mysql.rds_emul_state();
  CALL mysql.rds_emul_history('Starting: stop slave', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  IF v_state = 'OFF' THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Slave is already stopped or may not be configured. Run SHOW SLAVE STATUS\\G;';
  ELSEIF v_state = 'NOT_EXIST' THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'You can''t stop replication because the replica isn''t configured. First call mysql.rds_set_external_master.';
  END IF;
  DO SLEEP(1);
  PREPARE rds_emul_stmt FROM 'STOP REPLICA FOR CHANNEL ''''';
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  DO SLEEP(2);
  IF mysql.rds_emul_state() = 'OFF' THEN
    CALL mysql.rds_emul_history('stop slave', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    SELECT 'Slave is now down or disabled' AS Message;
  ELSE
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Slave has encountered an error. Run SHOW SLAVE STATUS\\G; to see the error.';
  END IF;
END //

DROP PROCEDURE IF EXISTS mysql.rds_reset_external_master //
CREATE PROCEDURE mysql.rds_reset_external_master()
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_state VARCHAR(9) DEFAULT mysql.rds_emul_state();
  CALL mysql.rds_emul_history('Starting: reset slave', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  IF mysql.rds_emul_is_read_replica() THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Permission Denied: This instance is a RDS Read Replica.';
  END IF;
  IF v_state = 'NOT_EXIST' THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'You can''t reset replication because replication isn''t configured. First run mysql.rds_set_external_master.';
  ELSEIF v_state <> 'OFF' THEN
    PREPARE rds_emul_stmt FROM 'STOP REPLICA FOR CHANNEL ''''';
    EXECUTE rds_emul_stmt;
    DEALLOCATE PREPARE rds_emul_stmt;
    DO SLEEP(2);
  END IF;
  PREPARE rds_emul_stmt FROM 'RESET REPLICA ALL FOR CHANNEL ''''';
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  CALL mysql.rds_emul_history('reset slave', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  SELECT 'Slave has been reset' AS message;
END //

DROP PROCEDURE IF EXISTS mysql.rds_set_source_delay //
CREATE PROCEDURE mysql.rds_set_source_delay(IN delay INT)
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_state VARCHAR(9) DEFAULT mysql.rds_emul_state();
  CALL mysql.rds_emul_history('Starting: set source delay', NULL, NULL, NULL, NULL, NULL, NULL, delay, NULL, NULL);
  IF delay IS NULL OR delay NOT BETWEEN 0 AND 86400 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'For source delay the value must be between 0 and 86400 inclusive.';
  END IF;
  IF v_state = 'NOT_EXIST' THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'You can''t set replication delay because the replica isn''t configured. First call mysql.rds_set_external_master.';
  ELSEIF v_state IN ('ON', 'BROKEN') THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'You can''t set replication delay because replication is running. First call mysql.rds_stop_replication.';
  END IF;
  SET @rds_emul_cmd = CONCAT('CHANGE REPLICATION SOURCE TO SOURCE_DELAY = ', delay, ' FOR CHANNEL ''''');
  PREPARE rds_emul_stmt FROM @rds_emul_cmd;
  SET @rds_emul_cmd = NULL;
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  CALL mysql.rds_emul_set_configuration_value('source delay', delay);
  CALL mysql.rds_emul_history('set source delay', NULL, NULL, NULL, NULL, NULL, NULL, delay, NULL, NULL);
  SELECT 'source delay is set successfully.' AS Message;
END //

DROP PROCEDURE IF EXISTS mysql.rds_skip_repl_error //
CREATE PROCEDURE mysql.rds_skip_repl_error()
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_state VARCHAR(9) DEFAULT mysql.rds_emul_state();
  DECLARE v_error INT;
  SELECT IFNULL(MAX(LAST_ERROR_NUMBER), 0) INTO v_error FROM performance_schema.replication_applier_status_by_worker
    WHERE CHANNEL_NAME = '';
  CALL mysql.rds_emul_history('Starting: skip_repl_error', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  IF v_state = 'NOT_EXIST' THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'You can''t skip a replication error because the replica isn''t configured. First call mysql.rds_set_external_master.';
  ELSEIF v_state = 'ON' THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Slave is running normally.  No errors detected to skip.';
  ELSEIF v_state = 'OFF' THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Slave is down or disabled.';
  END IF;
  IF v_error = 0 THEN
    SELECT 'The replica SQL thread is running for the specified channel without encountering errors. Run SHOW REPLICA STATUS FOR CHANNEL '''';' AS Message;
  ELSE
    IF @@GLOBAL.sql_replica_skip_counter <> 0 THEN
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
        'A mysql.rds_skip_repl_error procedure is in progress. Wait a few seconds before calling mysql.rds_skip_repl_error again.';
    END IF;
    SET GLOBAL sql_replica_skip_counter = 1;
    PREPARE rds_emul_stmt FROM 'STOP REPLICA FOR CHANNEL ''''';
    EXECUTE rds_emul_stmt;
    DEALLOCATE PREPARE rds_emul_stmt;
    DO SLEEP(2);
    PREPARE rds_emul_stmt FROM 'START REPLICA FOR CHANNEL ''''';
    EXECUTE rds_emul_stmt;
    DEALLOCATE PREPARE rds_emul_stmt;
    DO SLEEP(2);
    SELECT 'Statement in error has been skipped' AS Message;
    IF mysql.rds_emul_state() = 'ON' THEN
      SELECT 'Slave is now running normally' AS Message;
      CALL mysql.rds_emul_history('skip_repl_error:OK', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    ELSE
      CALL mysql.rds_emul_history('skip_repl_error:ERR', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Slave has encountered a new error. Please use SHOW SLAVE STATUS to see the error.';
    END IF;
  END IF;
END //

-- One UUID range into gtid_purged, refused unless both threads are stopped (RDS 8.0.37+).
DROP PROCEDURE IF EXISTS mysql.rds_set_external_source_gtid_purged //
CREATE PROCEDURE mysql.rds_set_external_source_gtid_purged(IN server_uuid VARCHAR(36), IN start_pos BIGINT,
    IN end_pos BIGINT)
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_active INT;
  DECLARE v_overlap INT;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    CALL mysql.rds_emul_history('set gtid_purged:ERR', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    RESIGNAL;
  END;
  SELECT COUNT(*) INTO v_active FROM performance_schema.replication_connection_status c
    JOIN performance_schema.replication_applier_status a USING (CHANNEL_NAME)
    WHERE c.SERVICE_STATE = 'ON' OR a.SERVICE_STATE = 'ON';
  CALL mysql.rds_emul_history('begin: set gtid_purged', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  IF mysql.rds_emul_is_read_replica() THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Permission Denied: This instance is an RDS Read Replica';
  END IF;
  IF v_active > 0 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'You can''t modify gtid_purged because replication is already running.';
  END IF;
  IF NOT (server_uuid REGEXP '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$') THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Invalid input value for server_uuid';
  ELSEIF start_pos < 1 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'Invalid input value for start_pos. The value of start_pos should be greater than or equal to 1';
  ELSEIF end_pos < start_pos THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'Invalid input value for end_pos. The value of end_pos should be greater than or equal to start_pos value';
  END IF;
  SELECT COUNT(*) INTO v_overlap FROM mysql.gtid_executed
    WHERE source_uuid = server_uuid AND interval_start <= end_pos AND interval_end >= start_pos;
  IF server_uuid = @@GLOBAL.server_uuid THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'You cannot change the GTID set belongs to the current instance';
  END IF;
  IF v_overlap > 0 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'The GTID set must be a superset of current @@GLOBAL.GTID_PURGED value';
  END IF;
  SET GLOBAL gtid_purged = CONCAT('+', server_uuid, ':', start_pos, '-', end_pos);
  CALL mysql.rds_emul_history('set gtid_purged:OK', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
END //

-- After error 1236 following a source failover: skip to the start of the next binlog. As on RDS, the default
-- channel's next file is named mysql-bin-changelog.NNNNNN (RDS's own binlog name), whatever the source calls it.
DROP PROCEDURE IF EXISTS mysql.rds_next_master_log //
CREATE PROCEDURE mysql.rds_next_master_log(IN curr_master_log INT)
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_state VARCHAR(9) DEFAULT mysql.rds_emul_state();
  DECLARE v_file VARCHAR(50) DEFAULT CONCAT('mysql-bin-changelog.', LPAD(1 + curr_master_log, 6, '0'));
  CALL mysql.rds_emul_history('Starting: next_master_log', NULL, NULL, NULL, v_file, 4, NULL, NULL, NULL, NULL);
  IF v_state = 'NOT_EXIST' THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'You can''t set the log file name because the replica isn''t configured. First call mysql.rds_set_external_master.';
  ELSEIF v_state = 'ON' THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Slave is running normally.  No errors detected to skip.';
  ELSEIF v_state = 'OFF' THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Slave is down or disabled.';
  END IF;
  IF @@GLOBAL.sql_replica_skip_counter <> 0 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'Another session currently running the procedure mysql.rds_skip_repl_error_for_channel. Consider to retry the procedure call.';
  END IF;
  PREPARE rds_emul_stmt FROM 'STOP REPLICA FOR CHANNEL ''''';
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  DO SLEEP(2);
  SET @rds_emul_cmd = CONCAT('CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE = ', QUOTE(v_file),
      ', SOURCE_LOG_POS = 4 FOR CHANNEL ''''');
  PREPARE rds_emul_stmt FROM @rds_emul_cmd;
  SET @rds_emul_cmd = NULL;
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  PREPARE rds_emul_stmt FROM 'START REPLICA FOR CHANNEL ''''';
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  DO SLEEP(2);
  SELECT 'Master Log Position has been set to start of next log' AS Message;
  IF mysql.rds_emul_state() = 'ON' THEN
    SELECT 'Slave is now running normally' AS Message;
    CALL mysql.rds_emul_history('next_master_log:OK', NULL, NULL, NULL, v_file, 4, NULL, NULL, NULL, NULL);
  ELSE
    CALL mysql.rds_emul_history('next_master_log:ERR', NULL, NULL, NULL, v_file, 4, NULL, NULL, NULL, NULL);
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Slave has encountered a new error. Please use SHOW SLAVE STATUS to see the error.';
  END IF;
END //

-- Switch GTID auto-positioning on an existing channel: stop, change, start.
DROP PROCEDURE IF EXISTS mysql.rds_set_master_auto_position //
CREATE PROCEDURE mysql.rds_set_master_auto_position(IN auto_position_mode TINYINT(1))
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_state VARCHAR(9) DEFAULT mysql.rds_emul_state();
  CALL mysql.rds_emul_history('Starting: set_master_AP', NULL, NULL, NULL, NULL, NULL, NULL, NULL, auto_position_mode, NULL);
  IF v_state = 'NOT_EXIST' THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'You can''t modify auto_position mode because the replica isn''t configured. First call mysql.rds_set_external_master.';
  END IF;
  PREPARE rds_emul_stmt FROM 'STOP REPLICA FOR CHANNEL ''''';
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  SET @rds_emul_cmd = CONCAT('CHANGE REPLICATION SOURCE TO SOURCE_AUTO_POSITION = ', auto_position_mode,
      ' FOR CHANNEL ''''');
  PREPARE rds_emul_stmt FROM @rds_emul_cmd;
  SET @rds_emul_cmd = NULL;
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  PREPARE rds_emul_stmt FROM 'START REPLICA FOR CHANNEL ''''';
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  DO SLEEP(2);
  SELECT CONCAT('Master Auto Position has been set to ', auto_position_mode, '.') AS Message;
  IF mysql.rds_emul_state() = 'ON' THEN
    SELECT 'Slave is running normally' AS Message;
    CALL mysql.rds_emul_history('set_master_AP:OK', NULL, NULL, NULL, NULL, NULL, NULL, NULL, auto_position_mode, NULL);
  ELSE
    CALL mysql.rds_emul_history('set_master_AP:ERR', NULL, NULL, NULL, NULL, NULL, NULL, NULL, auto_position_mode, NULL);
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Slave has encountered a new error. Please use SHOW SLAVE STATUS to see the error.';
  END IF;
END //

DELIMITER ;
