-- Generation `mariadb`: the replication procedures of Amazon RDS for MariaDB 10.6+, emulated on stock MariaDB
-- (10.11, 11.4, 11.8). Loaded by install.sh as root after common.sql. Behaviour follows
-- shared/reference/rds-procedures.md; RDS publishes no MariaDB bodies, so the checks, messages, waits and history
-- rows are those of RDS for MySQL 8.0.41, with MariaDB statements (CHANGE MASTER, START/STOP SLAVE).
-- Present: rds_set_external_master, _gtid, _with_delay, rds_set_source_delay, rds_start_replication,
-- rds_stop_replication, rds_reset_external_master, rds_skip_repl_error, rds_replica_status, rds_set_configuration.
-- Absent as on RDS for MariaDB: _with_auto_position, rds_start_replication_until(_gtid),
-- rds_set_external_source_gtid_purged, the MySQL 8.4 *_source names.
-- Only the default connection ('') is emulated. Needs performance_schema=ON (the configured test reads it).
DELIMITER //

-- The RDS state of the default connection, derived without SHOW (the definer may run SHOW, but a function cannot
-- read its result):
--   NOT_EXIST  no master configured (performance_schema.replication_connection_configuration has no host);
--   ON         Slave_running = ON: the I/O thread is connected and reading, and the SQL thread runs;
--   OFF        neither the I/O nor the SQL thread exists (information_schema.PROCESSLIST);
--   BROKEN     anything else: I/O thread "Connecting" (wrong password, unreachable), SQL thread stopped by an
--              error or by STOP SLAVE SQL_THREAD, I/O thread stopped by an error.
DROP FUNCTION IF EXISTS mysql.rds_emul_state //
CREATE FUNCTION mysql.rds_emul_state() RETURNS VARCHAR(9) NOT DETERMINISTIC READS SQL DATA SQL SECURITY DEFINER
BEGIN
  DECLARE v_configured INT;
  DECLARE v_io INT;
  DECLARE v_sql INT;
  DECLARE v_running VARCHAR(8);
  SELECT COUNT(*) INTO v_configured FROM performance_schema.replication_connection_configuration
    WHERE CHANNEL_NAME = '' AND HOST <> '';
  IF v_configured = 0 THEN
    RETURN 'NOT_EXIST';
  END IF;
  SELECT COUNT(*) INTO v_io FROM information_schema.PROCESSLIST WHERE COMMAND = 'Slave_IO';
  SELECT COUNT(*) INTO v_sql FROM information_schema.PROCESSLIST WHERE COMMAND = 'Slave_SQL';
  SELECT VARIABLE_VALUE INTO v_running FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'SLAVE_RUNNING';
  IF v_running = 'ON' AND v_io > 0 AND v_sql > 0 THEN
    RETURN 'ON';
  ELSEIF v_io = 0 AND v_sql = 0 THEN
    RETURN 'OFF';
  END IF;
  RETURN 'BROKEN';
END //

-- The highest error number the SQL thread (or a parallel worker) stopped on; 0 when none.
DROP FUNCTION IF EXISTS mysql.rds_emul_applier_error //
CREATE FUNCTION mysql.rds_emul_applier_error() RETURNS INT NOT DETERMINISTIC READS SQL DATA SQL SECURITY DEFINER
  RETURN GREATEST(
    IFNULL((SELECT MAX(LAST_ERROR_NUMBER) FROM performance_schema.replication_applier_status_by_coordinator WHERE CHANNEL_NAME = ''), 0),
    IFNULL((SELECT MAX(LAST_ERROR_NUMBER) FROM performance_schema.replication_applier_status_by_worker WHERE CHANNEL_NAME = ''), 0)) //

-- The shared body of the set procedures: checks in RDS's order, then CHANGE MASTER and the history row.
DROP PROCEDURE IF EXISTS mysql.rds_emul_set_master //
CREATE PROCEDURE mysql.rds_emul_set_master(IN p_host VARCHAR(255), IN p_port INT, IN p_user TEXT, IN p_passwd TEXT,
    IN p_file TEXT, IN p_pos BIGINT UNSIGNED, IN p_ssl TINYINT, IN p_delay INT, IN p_check_delay TINYINT,
    IN p_gtid TEXT)
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_state VARCHAR(9) DEFAULT mysql.rds_emul_state();
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN SET @rds_emul_cmd = NULL; RESIGNAL; END;
  CALL mysql.rds_emul_history('Starting: set master', TRIM(p_host), p_port, TRIM(p_user), TRIM(p_file), p_pos, p_ssl,
      p_delay, 0, p_gtid);
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
  IF p_gtid IS NOT NULL THEN
    SET GLOBAL gtid_slave_pos = p_gtid;
  END IF;
  -- Every text argument goes through QUOTE(); numbers are typed. The statement stays in the user variable only
  -- until PREPARE has read it (the handler clears it on error too), so no password is left behind.
  SET @rds_emul_cmd = CONCAT('CHANGE MASTER TO MASTER_HOST = ', QUOTE(TRIM(p_host)),
      ', MASTER_PORT = ', p_port,
      ', MASTER_USER = ', QUOTE(TRIM(p_user)),
      ', MASTER_PASSWORD = ', QUOTE(TRIM(p_passwd)),
      IF(p_gtid IS NULL, CONCAT(', MASTER_LOG_FILE = ', QUOTE(TRIM(p_file)), ', MASTER_LOG_POS = ', p_pos,
          ', MASTER_USE_GTID = no'), ', MASTER_USE_GTID = slave_pos'),
      ', MASTER_SSL = ', p_ssl,
      IF(p_delay IS NULL, '', CONCAT(', MASTER_DELAY = ', p_delay)));
  PREPARE rds_emul_stmt FROM @rds_emul_cmd;
  SET @rds_emul_cmd = NULL;
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  IF p_delay IS NOT NULL THEN
    CALL mysql.rds_emul_set_configuration_value('source delay', p_delay);
  END IF;
  CALL mysql.rds_emul_history('set master', TRIM(p_host), p_port, TRIM(p_user), TRIM(p_file), p_pos, p_ssl, p_delay,
      0, p_gtid);
END //

-- Keeps an existing delay (does not name MASTER_DELAY) and turns GTID positioning off.
DROP PROCEDURE IF EXISTS mysql.rds_set_external_master //
CREATE PROCEDURE mysql.rds_set_external_master(IN host VARCHAR(255), IN port INT, IN user TEXT, IN passwd TEXT,
    IN log_file TEXT, IN log_pos BIGINT UNSIGNED, IN ssl_encryption TINYINT(1))
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_set_master(host, port, user, passwd, log_file, log_pos, ssl_encryption, NULL, 0, NULL) //

DROP PROCEDURE IF EXISTS mysql.rds_set_external_master_with_delay //
CREATE PROCEDURE mysql.rds_set_external_master_with_delay(IN host VARCHAR(255), IN port INT, IN user TEXT,
    IN passwd TEXT, IN log_file TEXT, IN log_pos BIGINT UNSIGNED, IN ssl_encryption TINYINT(1), IN delay INT)
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_set_master(host, port, user, passwd, log_file, log_pos, ssl_encryption, delay, 1, NULL) //

-- MariaDB GTID positioning: gtid is a MariaDB GTID position (domain-server-seq[,...]); no delay argument.
DROP PROCEDURE IF EXISTS mysql.rds_set_external_master_gtid //
CREATE PROCEDURE mysql.rds_set_external_master_gtid(IN host VARCHAR(255), IN port INT, IN user TEXT, IN passwd TEXT,
    IN gtid TEXT, IN ssl_encryption TINYINT(1))
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_set_master(host, port, user, passwd, NULL, NULL, ssl_encryption, NULL, 0, IFNULL(gtid, '')) //

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
  IF @@GLOBAL.sql_slave_skip_counter <> 0 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'Another session currently running the procedure mysql.rds_skip_repl_error_for_channel. Consider retrying the procedure call.';
  END IF;
  PREPARE rds_emul_stmt FROM 'START SLAVE';
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
  PREPARE rds_emul_stmt FROM 'STOP SLAVE';
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
    PREPARE rds_emul_stmt FROM 'STOP SLAVE';
    EXECUTE rds_emul_stmt;
    DEALLOCATE PREPARE rds_emul_stmt;
    DO SLEEP(2);
  END IF;
  PREPARE rds_emul_stmt FROM 'RESET SLAVE ALL';
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
  SET @rds_emul_cmd = CONCAT('CHANGE MASTER TO MASTER_DELAY = ', delay);
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
  DECLARE v_error INT DEFAULT mysql.rds_emul_applier_error();
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
    IF @@GLOBAL.sql_slave_skip_counter <> 0 THEN
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
        'A mysql.rds_skip_repl_error procedure is in progress. Wait a few seconds before calling mysql.rds_skip_repl_error again.';
    END IF;
    SET GLOBAL sql_slave_skip_counter = 1;
    PREPARE rds_emul_stmt FROM 'STOP SLAVE';
    EXECUTE rds_emul_stmt;
    DEALLOCATE PREPARE rds_emul_stmt;
    DO SLEEP(2);
    PREPARE rds_emul_stmt FROM 'START SLAVE';
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

-- RDS for MariaDB 10.5+ gives the master user this instead of SHOW REPLICA STATUS (it lacks SLAVE MONITOR), with
-- SHOW's columns under the new names: Slave -> Replica, Master -> Source, except Seconds_Behind_Master and the
-- Gtid_* columns (RDS User Guide, mysql_rds_replica_status).
-- MariaDB 11.6+ has information_schema.SLAVE_STATUS: there the row is selected with those names. Older MariaDB
-- (10.11, 11.4) cannot rename SHOW's columns inside a procedure (no cursor over SHOW, no SELECT from it), and its
-- SHOW-free sources (performance_schema) lack the positions, the lag and the I/O error; there this returns the
-- server's own SHOW REPLICA STATUS row, under MariaDB's Slave_/Master_ names, every value real. Readers must
-- accept both namings on those versions.
DROP PROCEDURE IF EXISTS mysql.rds_replica_status //
CREATE PROCEDURE mysql.rds_replica_status()
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_columns TEXT;
  IF (SELECT COUNT(*) FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = 'SLAVE_STATUS') = 0 THEN
    SHOW REPLICA STATUS;
  ELSE
    SELECT GROUP_CONCAT(CONCAT('`', COLUMN_NAME, '` AS `',
             IF(COLUMN_NAME = 'Seconds_Behind_Master' OR COLUMN_NAME LIKE 'Gtid\_%', COLUMN_NAME,
                REPLACE(REPLACE(COLUMN_NAME, 'Slave', 'Replica'), 'Master', 'Source')), '`')
             ORDER BY ORDINAL_POSITION SEPARATOR ', ')
      INTO v_columns
      FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = 'SLAVE_STATUS'
        AND COLUMN_NAME NOT IN ('Connection_name', 'Slave_SQL_State');
    SET @rds_emul_cmd = CONCAT('SELECT ', v_columns, ' FROM information_schema.SLAVE_STATUS ',
        'WHERE Connection_name = @@SESSION.default_master_connection');
    PREPARE rds_emul_stmt FROM @rds_emul_cmd;
    SET @rds_emul_cmd = NULL;
    EXECUTE rds_emul_stmt;
    DEALLOCATE PREPARE rds_emul_stmt;
  END IF;
END //

DELIMITER ;
