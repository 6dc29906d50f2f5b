-- Emulation of the Amazon RDS replication procedures on a plain MariaDB 10.11, loaded as root into the
-- server that plays the RDS instance. Every procedure is SQL SECURITY DEFINER (root), so the RDS-like master
-- user below can drive replication only through them, as on RDS. Argument lists and error texts follow
-- shared/reference/rds-procedures.md; both naming generations exist (MariaDB/MySQL <= 8.0 "master", MySQL 8.4
-- "source"). The MySQL-only forms (delay, auto-position, until) are emulated with MariaDB statements so the
-- provider's MySQL code paths can run against this server too.
USE mysql;
DELIMITER //

-- State probes (need performance_schema=ON): configured = a default channel exists; running = the IO thread
-- is connected and the SQL thread runs (Slave_running), so "Connecting" (wrong password, unreachable) is not.
DROP FUNCTION IF EXISTS mysql.rds_emul_is_configured //
CREATE FUNCTION mysql.rds_emul_is_configured() RETURNS BOOLEAN NOT DETERMINISTIC READS SQL DATA SQL SECURITY DEFINER
  RETURN (SELECT COUNT(*) FROM performance_schema.replication_connection_configuration WHERE HOST <> '') > 0 //

DROP FUNCTION IF EXISTS mysql.rds_emul_is_running //
CREATE FUNCTION mysql.rds_emul_is_running() RETURNS BOOLEAN NOT DETERMINISTIC READS SQL DATA SQL SECURITY DEFINER
  RETURN (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'SLAVE_RUNNING') = 'ON' //

-- One place that turns a CHANGE MASTER into RDS's behaviour: refuse while replication runs.
DROP PROCEDURE IF EXISTS mysql.rds_emul_change_master //
CREATE PROCEDURE mysql.rds_emul_change_master(IN stmt TEXT)
  SQL SECURITY DEFINER
BEGIN
  DECLARE EXIT HANDLER FOR 1198
  BEGIN
    SET @rds_sql = NULL;
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'You can''t modify replication because replication is running. First call mysql.rds_stop_replication.';
  END;
  SET @rds_sql = stmt;
  PREPARE rds_stmt FROM @rds_sql;
  SET @rds_sql = NULL;               -- never leave a password in a user variable
  EXECUTE rds_stmt;
  DEALLOCATE PREPARE rds_stmt;
END //

DROP PROCEDURE IF EXISTS mysql.rds_emul_exec //
CREATE PROCEDURE mysql.rds_emul_exec(IN stmt TEXT)
  SQL SECURITY DEFINER
BEGIN
  SET @rds_sql = stmt;
  PREPARE rds_stmt FROM @rds_sql;
  SET @rds_sql = NULL;
  EXECUTE rds_stmt;
  DEALLOCATE PREPARE rds_stmt;
END //

DROP FUNCTION IF EXISTS mysql.rds_emul_target //
CREATE FUNCTION mysql.rds_emul_target(host VARCHAR(255), port INT, user TEXT, passwd TEXT, ssl_encryption TINYINT)
  RETURNS TEXT DETERMINISTIC SQL SECURITY DEFINER
  RETURN CONCAT('CHANGE MASTER TO MASTER_HOST=', QUOTE(host),
      ', MASTER_PORT=', CAST(port AS CHAR),
      ', MASTER_USER=', QUOTE(user),
      ', MASTER_PASSWORD=', QUOTE(passwd),
      ', MASTER_SSL=', IF(IFNULL(ssl_encryption, 0) = 1, '1', '0')) //

DROP PROCEDURE IF EXISTS mysql.rds_set_external_master_with_delay //
CREATE PROCEDURE mysql.rds_set_external_master_with_delay(
    IN host VARCHAR(255), IN port INT, IN user TEXT, IN passwd TEXT,
    IN log_file TEXT, IN log_pos BIGINT UNSIGNED, IN ssl_encryption TINYINT, IN delay INT)
  SQL SECURITY DEFINER
BEGIN
  IF delay IS NULL OR delay < 0 OR delay > 86400 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'For source delay the value must be between 0 and 86400 seconds.';
  END IF;
  CALL mysql.rds_emul_change_master(CONCAT(mysql.rds_emul_target(host, port, user, passwd, ssl_encryption),
      ', MASTER_LOG_FILE=', QUOTE(log_file), ', MASTER_LOG_POS=', CAST(log_pos AS CHAR),
      ', MASTER_USE_GTID=no, MASTER_DELAY=', CAST(delay AS CHAR)));
  INSERT INTO mysql.rds_history(called_by_user, action, master_host, master_port, master_user, master_log_file,
      master_log_pos, master_ssl, master_delay)
    VALUES (CURRENT_USER(), 'set master', host, port, user, log_file, log_pos, ssl_encryption, delay);
END //

DROP PROCEDURE IF EXISTS mysql.rds_set_external_master //
CREATE PROCEDURE mysql.rds_set_external_master(
    IN host VARCHAR(255), IN port INT, IN user TEXT, IN passwd TEXT,
    IN log_file TEXT, IN log_pos BIGINT UNSIGNED, IN ssl_encryption TINYINT)
  SQL SECURITY DEFINER
  CALL mysql.rds_set_external_master_with_delay(host, port, user, passwd, log_file, log_pos, ssl_encryption, 0) //

DROP PROCEDURE IF EXISTS mysql.rds_set_external_master_gtid //
CREATE PROCEDURE mysql.rds_set_external_master_gtid(
    IN host VARCHAR(255), IN port INT, IN user TEXT, IN passwd TEXT, IN gtid TEXT, IN ssl_encryption TINYINT)
  SQL SECURITY DEFINER
BEGIN
  DECLARE EXIT HANDLER FOR 1198
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'You can''t modify replication because replication is running. First call mysql.rds_stop_replication.';
  SET GLOBAL gtid_slave_pos = gtid;
  CALL mysql.rds_emul_change_master(CONCAT(mysql.rds_emul_target(host, port, user, passwd, ssl_encryption),
      ', MASTER_USE_GTID=slave_pos, MASTER_DELAY=0'));
  INSERT INTO mysql.rds_history(called_by_user, action, master_host, master_port, master_user, master_gtid, master_ssl)
    VALUES (CURRENT_USER(), 'set master gtid', host, port, user, gtid, ssl_encryption);
END //

DROP PROCEDURE IF EXISTS mysql.rds_set_external_master_with_auto_position //
CREATE PROCEDURE mysql.rds_set_external_master_with_auto_position(
    IN host VARCHAR(255), IN port INT, IN user TEXT, IN passwd TEXT, IN ssl_encryption TINYINT, IN delay INT)
  SQL SECURITY DEFINER
BEGIN
  IF delay IS NULL OR delay < 0 OR delay > 86400 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'For source delay the value must be between 0 and 86400 seconds.';
  END IF;
  CALL mysql.rds_emul_change_master(CONCAT(mysql.rds_emul_target(host, port, user, passwd, ssl_encryption),
      ', MASTER_USE_GTID=current_pos, MASTER_DELAY=', CAST(delay AS CHAR)));
  INSERT INTO mysql.rds_history(called_by_user, action, master_host, master_port, master_user, master_ssl, master_delay)
    VALUES (CURRENT_USER(), 'set master auto position', host, port, user, ssl_encryption, delay);
END //

-- MySQL 8.4 names: same behaviour, same arguments.
DROP PROCEDURE IF EXISTS mysql.rds_set_external_source //
CREATE PROCEDURE mysql.rds_set_external_source(
    IN host VARCHAR(255), IN port INT, IN user TEXT, IN passwd TEXT,
    IN log_file TEXT, IN log_pos BIGINT UNSIGNED, IN ssl_encryption TINYINT)
  SQL SECURITY DEFINER
  CALL mysql.rds_set_external_master_with_delay(host, port, user, passwd, log_file, log_pos, ssl_encryption, 0) //

DROP PROCEDURE IF EXISTS mysql.rds_set_external_source_with_delay //
CREATE PROCEDURE mysql.rds_set_external_source_with_delay(
    IN host VARCHAR(255), IN port INT, IN user TEXT, IN passwd TEXT,
    IN log_file TEXT, IN log_pos BIGINT UNSIGNED, IN ssl_encryption TINYINT, IN delay INT)
  SQL SECURITY DEFINER
  CALL mysql.rds_set_external_master_with_delay(host, port, user, passwd, log_file, log_pos, ssl_encryption, delay) //

DROP PROCEDURE IF EXISTS mysql.rds_set_external_source_with_auto_position //
CREATE PROCEDURE mysql.rds_set_external_source_with_auto_position(
    IN host VARCHAR(255), IN port INT, IN user TEXT, IN passwd TEXT, IN ssl_encryption TINYINT, IN delay INT)
  SQL SECURITY DEFINER
  CALL mysql.rds_set_external_master_with_auto_position(host, port, user, passwd, ssl_encryption, delay) //

DROP PROCEDURE IF EXISTS mysql.rds_reset_external_master //
CREATE PROCEDURE mysql.rds_reset_external_master()
  SQL SECURITY DEFINER
BEGIN
  IF NOT mysql.rds_emul_is_configured() THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'You can''t reset replication because replication isn''t configured.';
  END IF;
  CALL mysql.rds_emul_exec('STOP SLAVE');
  CALL mysql.rds_emul_exec('RESET SLAVE ALL');
  INSERT INTO mysql.rds_history(called_by_user, action) VALUES (CURRENT_USER(), 'reset master');
  SELECT 'Slave has been reset' AS Message;
END //

DROP PROCEDURE IF EXISTS mysql.rds_reset_external_source //
CREATE PROCEDURE mysql.rds_reset_external_source()
  SQL SECURITY DEFINER
  CALL mysql.rds_reset_external_master() //

DROP PROCEDURE IF EXISTS mysql.rds_start_replication //
CREATE PROCEDURE mysql.rds_start_replication()
  SQL SECURITY DEFINER
BEGIN
  CALL mysql.rds_emul_exec('START SLAVE');
  CALL mysql.rds_emul_wait_running();
END //

DROP PROCEDURE IF EXISTS mysql.rds_start_replication_until //
CREATE PROCEDURE mysql.rds_start_replication_until(IN replication_log_file TEXT, IN replication_stop_point BIGINT)
  SQL SECURITY DEFINER
BEGIN
  CALL mysql.rds_emul_exec(CONCAT('START SLAVE UNTIL MASTER_LOG_FILE=', QUOTE(replication_log_file),
      ', MASTER_LOG_POS=', CAST(replication_stop_point AS CHAR)));
  CALL mysql.rds_emul_wait_running();
END //

DROP PROCEDURE IF EXISTS mysql.rds_start_replication_until_gtid //
CREATE PROCEDURE mysql.rds_start_replication_until_gtid(IN gtid TEXT)
  SQL SECURITY DEFINER
BEGIN
  CALL mysql.rds_emul_exec(CONCAT('START SLAVE UNTIL master_gtid_pos=', QUOTE(gtid)));
  CALL mysql.rds_emul_wait_running();
END //

-- RDS waits a few seconds after START and raises when the threads do not run.
DROP PROCEDURE IF EXISTS mysql.rds_emul_wait_running //
CREATE PROCEDURE mysql.rds_emul_wait_running()
  SQL SECURITY DEFINER
BEGIN
  DECLARE i INT DEFAULT 0;
  WHILE i < 30 AND NOT mysql.rds_emul_is_running() DO
    DO SLEEP(0.1);
    SET i = i + 1;
  END WHILE;
  IF NOT mysql.rds_emul_is_running() THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Slave has encountered an error. Run SHOW SLAVE STATUS\\G; to see the error.';
  END IF;
  SELECT 'Slave running normally.' AS Message;
END //

DROP PROCEDURE IF EXISTS mysql.rds_stop_replication //
CREATE PROCEDURE mysql.rds_stop_replication()
  SQL SECURITY DEFINER
BEGIN
  CALL mysql.rds_emul_exec('STOP SLAVE');
  INSERT INTO mysql.rds_history(called_by_user, action) VALUES (CURRENT_USER(), 'stop slave');
  SELECT 'Slave is down or disabled' AS Message;
END //

DROP PROCEDURE IF EXISTS mysql.rds_set_source_delay //
CREATE PROCEDURE mysql.rds_set_source_delay(IN delay INT)
  SQL SECURITY DEFINER
BEGIN
  IF delay IS NULL OR delay < 0 OR delay > 86400 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'For source delay the value must be between 0 and 86400 seconds.';
  END IF;
  CALL mysql.rds_emul_change_master(CONCAT('CHANGE MASTER TO MASTER_DELAY=', CAST(delay AS CHAR)));
END //

DROP PROCEDURE IF EXISTS mysql.rds_skip_repl_error //
CREATE PROCEDURE mysql.rds_skip_repl_error()
  SQL SECURITY DEFINER
BEGIN
  CALL mysql.rds_emul_exec('STOP SLAVE');
  SET GLOBAL sql_slave_skip_counter = 1;
  CALL mysql.rds_emul_exec('START SLAVE');
  SELECT 'Statement in error has been skipped' AS Message;
END //

DROP PROCEDURE IF EXISTS mysql.rds_replica_status //
CREATE PROCEDURE mysql.rds_replica_status()
  SQL SECURITY DEFINER
  SHOW SLAVE STATUS //

DELIMITER ;
