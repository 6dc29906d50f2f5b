-- Generation `mysql80`: the replication procedures of Amazon RDS for MySQL 8.0 (8.0.41 bodies as reference), emulated
-- on stock MySQL 8.0.23+ (and, under the 8.4 names added by mysql84.sql, on 8.4/9.x: every statement inside is
-- 8.4-valid: CHANGE REPLICATION SOURCE TO, START/STOP REPLICA, RESET REPLICA ALL). Loaded by install.sh as root
-- after common.sql. Checks, messages, waits and history rows follow shared/reference/rds-procedures.md and the
-- public RDS 8.0.41 bodies; the SQL is ours. No Multi-AZ cluster checks (no semi-sync here).
-- As on RDS, each default-channel procedure is its *_for_channel form on channel '': the shared bodies below
-- (mysql.rds_emul_*) take the channel, carry every check (so none of them lets the master user start, stop or
-- change replication past RDS's checks), and speak RDS's texts for the default channel or a named one. The public
-- *_for_channel names are in channels.sql, loaded after this file.
-- Present: rds_set_external_master, _with_delay, _with_auto_position, rds_set_external_source_gtid_purged,
-- rds_start_replication, _until, _until_gtid, rds_stop_replication, rds_reset_external_master, rds_set_source_delay,
-- rds_skip_repl_error, rds_next_master_log, rds_set_master_auto_position, rds_set_configuration.
-- Absent as on RDS for MySQL: rds_replica_status (the master user runs SHOW REPLICA STATUS: it has REPLICATION CLIENT).
DELIMITER //

-- A channel name as RDS's bodies compare them: the given name trimmed of spaces, quoted (so NULL names no channel),
-- under utf8mb4_0900_ai_ci (case- and accent-insensitive; the server itself matches channel names case-insensitively).
DROP FUNCTION IF EXISTS mysql.rds_emul_same_channel //
CREATE FUNCTION mysql.rds_emul_same_channel(p_name VARCHAR(64) CHARACTER SET utf8mb4, p_channel VARCHAR(64) CHARACTER SET utf8mb4)
    RETURNS TINYINT DETERMINISTIC NO SQL SQL SECURITY DEFINER
  RETURN IFNULL(QUOTE(p_name) COLLATE utf8mb4_0900_ai_ci = QUOTE(TRIM(p_channel)) COLLATE utf8mb4_0900_ai_ci, 0) //

-- 1 when the given channel is the default one ('' once trimmed).
DROP FUNCTION IF EXISTS mysql.rds_emul_is_default //
CREATE FUNCTION mysql.rds_emul_is_default(p_channel VARCHAR(64) CHARACTER SET utf8mb4)
    RETURNS TINYINT DETERMINISTIC NO SQL SQL SECURITY DEFINER
  RETURN mysql.rds_emul_same_channel('', p_channel) //

-- The FOR CHANNEL clause of a statement for the given channel, as RDS writes it (a NULL channel gives FOR CHANNEL
-- NULL, which the server refuses as a syntax error, as on RDS).
DROP FUNCTION IF EXISTS mysql.rds_emul_for_channel //
CREATE FUNCTION mysql.rds_emul_for_channel(p_channel VARCHAR(64) CHARACTER SET utf8mb4)
    RETURNS TEXT CHARACTER SET utf8mb4 DETERMINISTIC NO SQL SQL SECURITY DEFINER
  RETURN CONCAT(' FOR CHANNEL ', QUOTE(TRIM(p_channel))) //

-- RDS's state of a channel (rds_replication_service_state_for_channel), from performance_schema's service states:
--   ON: connection (I/O) ON and applier (SQL) ON; OFF: both OFF; BROKEN: any other mix (CONNECTING included);
--   NOT_EXIST: no such channel.
DROP FUNCTION IF EXISTS mysql.rds_emul_channel_state //
CREATE FUNCTION mysql.rds_emul_channel_state(p_channel VARCHAR(64) CHARACTER SET utf8mb4) RETURNS VARCHAR(9)
    NOT DETERMINISTIC READS SQL DATA SQL SECURITY DEFINER
BEGIN
  DECLARE v_state VARCHAR(9);
  SELECT IFNULL(MAX(CASE WHEN c.SERVICE_STATE = 'ON' AND a.SERVICE_STATE = 'ON' THEN 'ON'
                         WHEN c.SERVICE_STATE = 'OFF' AND a.SERVICE_STATE = 'OFF' THEN 'OFF'
                         ELSE 'BROKEN' END), 'NOT_EXIST')
    INTO v_state
    FROM performance_schema.replication_connection_status c
    JOIN performance_schema.replication_applier_status a USING (CHANNEL_NAME)
    WHERE mysql.rds_emul_same_channel(c.CHANNEL_NAME, p_channel);
  RETURN v_state;
END //

-- The default channel's state.
DROP FUNCTION IF EXISTS mysql.rds_emul_state //
CREATE FUNCTION mysql.rds_emul_state() RETURNS VARCHAR(9) NOT DETERMINISTIC READS SQL DATA SQL SECURITY DEFINER
  RETURN mysql.rds_emul_channel_state('') //

-- The shared body of the set procedures (rds_set_external_source_*for_channel; the default-channel names call it
-- with ''): checks in RDS's order, then CHANGE REPLICATION SOURCE and history.
--   p_kind 0: plain (coordinates, SOURCE_AUTO_POSITION = 0, SOURCE_DELAY not named, so an existing delay is kept);
--          1: _with_delay (coordinates and delay); 2: _with_auto_position (GTID auto-position and delay).
-- The three RDS bodies word the channel-limit and same-source refusals differently: each kind keeps its own text.
DROP PROCEDURE IF EXISTS mysql.rds_emul_set_master //
CREATE PROCEDURE mysql.rds_emul_set_master(IN p_host VARCHAR(255), IN p_port INT, IN p_user TEXT, IN p_passwd TEXT,
    IN p_file TEXT, IN p_pos BIGINT UNSIGNED, IN p_ssl TINYINT, IN p_delay INT, IN p_kind TINYINT,
    IN p_channel VARCHAR(64) CHARACTER SET utf8mb4)
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_default TINYINT DEFAULT mysql.rds_emul_is_default(p_channel);
  DECLARE v_state VARCHAR(9) DEFAULT mysql.rds_emul_channel_state(p_channel);
  DECLARE v_auto TINYINT DEFAULT IF(p_kind = 2, 1, 0);
  DECLARE v_others INT;
  DECLARE v_same_source INT;
  DECLARE v_msg VARCHAR(512);
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN SET @rds_emul_cmd = NULL; RESIGNAL; END;  -- never leave a password behind
  -- every other channel counts towards RDS's 15, and no other channel may already replicate from host:port
  SELECT COUNT(*) INTO v_others FROM performance_schema.replication_connection_status
    WHERE NOT mysql.rds_emul_same_channel(CHANNEL_NAME, p_channel);
  SELECT COUNT(*) INTO v_same_source FROM performance_schema.replication_connection_configuration
    WHERE CONVERT(HOST USING utf8mb4) COLLATE utf8mb4_0900_ai_ci = CONVERT(p_host USING utf8mb4) COLLATE utf8mb4_0900_ai_ci
      AND PORT = p_port AND NOT mysql.rds_emul_same_channel(CHANNEL_NAME, p_channel);
  CALL mysql.rds_emul_history(CONCAT('Starting: set ', IF(v_default, 'master', 'channel'), IF(p_kind = 2, ' AP', '')),
      TRIM(p_host), p_port, TRIM(p_user), TRIM(p_file), p_pos, p_ssl, p_delay, v_auto, NULL);
  IF p_kind > 0 AND p_delay NOT BETWEEN 0 AND 86400 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'For source delay the value must be between 0 and 86400 inclusive.';
  END IF;
  IF mysql.rds_emul_is_read_replica() THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Permission Denied: This instance is a RDS Read Replica.';
  END IF;
  IF v_state IN ('ON', 'BROKEN') THEN
    SET v_msg = IF(v_default,
      'You can''t modify replication because replication is running. First call mysql.rds_stop_replication.',
      'You can''t modify the given channel because replication is running. First call mysql.rds_stop_replication_for_channel.');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  END IF;
  IF v_others >= 15 THEN
    SET v_msg = CASE p_kind WHEN 0 THEN 'Maximum 15 channels are allowed in multi-source replication on RDS.'
                            WHEN 1 THEN 'Maximum 15 channels are allowed in multi source replication on RDS'
                            ELSE 'Maximum 15 channels are allowed in multi source replication on RDS.' END;
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  END IF;
  IF v_same_source > 0 THEN
    SET v_msg = CASE p_kind
      WHEN 0 THEN CONCAT('Configuring multiple channels to replicate from the host: ', p_host, ' and port: ', p_port, ' is not supported.')
      WHEN 1 THEN CONCAT('Use multiple channels to replicate from the host: ', p_host, ' and port: ', p_port, ' is not supported')
      ELSE CONCAT('Use multiple channels to replicate from the host: ', p_host, ' and port: ', p_port, ' is not supported.') END;
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  END IF;
  SET @rds_emul_cmd = CONCAT('CHANGE REPLICATION SOURCE TO SOURCE_HOST = ', QUOTE(TRIM(p_host)),
      ', SOURCE_PORT = ', p_port,
      ', SOURCE_USER = ', QUOTE(TRIM(p_user)),
      ', SOURCE_PASSWORD = ', QUOTE(TRIM(p_passwd)),
      IF(p_kind = 2, '', CONCAT(', SOURCE_LOG_FILE = ', QUOTE(TRIM(p_file)), ', SOURCE_LOG_POS = ', p_pos)),
      ', SOURCE_SSL = ', p_ssl,
      ', SOURCE_AUTO_POSITION = ', v_auto,
      IF(p_kind = 0 OR p_delay IS NULL, '', CONCAT(', SOURCE_DELAY = ', p_delay)),
      mysql.rds_emul_for_channel(p_channel));
  PREPARE rds_emul_stmt FROM @rds_emul_cmd;
  SET @rds_emul_cmd = NULL;
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  CALL mysql.rds_emul_history(CASE WHEN p_kind = 2 THEN IF(v_default, 'set master with AP', 'set channel with AP')
                                   ELSE IF(v_default, 'set master', 'set channel source') END,
      TRIM(p_host), p_port, TRIM(p_user), TRIM(p_file), p_pos, p_ssl, p_delay, v_auto, NULL);
  -- rds_configuration's 'source delay' follows the default channel only
  IF p_kind > 0 AND v_default AND p_delay IS NOT NULL THEN
    CALL mysql.rds_emul_set_configuration_value('source delay', p_delay);
  END IF;
END //

DROP PROCEDURE IF EXISTS mysql.rds_set_external_master //
CREATE PROCEDURE mysql.rds_set_external_master(IN host VARCHAR(255), IN port INT, IN user TEXT, IN passwd TEXT,
    IN name TEXT, IN pos BIGINT UNSIGNED, IN enable_ssl_encryption TINYINT(1))
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_set_master(host, port, user, passwd, name, pos, enable_ssl_encryption, NULL, 0, '') //

DROP PROCEDURE IF EXISTS mysql.rds_set_external_master_with_delay //
CREATE PROCEDURE mysql.rds_set_external_master_with_delay(IN host VARCHAR(255), IN port INT, IN user TEXT,
    IN passwd TEXT, IN name TEXT, IN pos BIGINT UNSIGNED, IN enable_ssl_encryption TINYINT(1), IN delay INT)
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_set_master(host, port, user, passwd, name, pos, enable_ssl_encryption, delay, 1, '') //

DROP PROCEDURE IF EXISTS mysql.rds_set_external_master_with_auto_position //
CREATE PROCEDURE mysql.rds_set_external_master_with_auto_position(IN host VARCHAR(255), IN port INT, IN user TEXT,
    IN passwd TEXT, IN enable_ssl_encryption TINYINT(1), IN delay INT)
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_set_master(host, port, user, passwd, NULL, NULL, enable_ssl_encryption, delay, 2, '') //

-- rds_start_replication(_for_channel): SLEEP(1), START, SLEEP(2), then the channel's state decides. A failed start
-- leaves the threads as they are (BROKEN): RDS rolls nothing back.
DROP PROCEDURE IF EXISTS mysql.rds_emul_start //
CREATE PROCEDURE mysql.rds_emul_start(IN p_channel VARCHAR(64) CHARACTER SET utf8mb4)
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_default TINYINT DEFAULT mysql.rds_emul_is_default(p_channel);
  DECLARE v_state VARCHAR(9) DEFAULT mysql.rds_emul_channel_state(p_channel);
  DECLARE v_quoted TEXT CHARACTER SET utf8mb4 DEFAULT QUOTE(TRIM(p_channel));
  DECLARE v_msg VARCHAR(512);
  CALL mysql.rds_emul_history(IF(v_default, 'Starting: start slave', 'Starting: start channel'),
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  IF v_state = 'ON' THEN
    SET v_msg = IF(v_default, 'Replication may already be running. Call rds_stop_replication to stop replication',
      CONCAT('Replication may already be running for channel. Run SHOW REPLICA STATUS FOR CHANNEL ', v_quoted, '\\G .'));
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  ELSEIF v_state = 'NOT_EXIST' THEN
    SET v_msg = IF(v_default,
      'You can''t start replication because the replica isn''t configured. First call mysql.rds_set_external_master.',
      'The given channel does not exist. Run SHOW REPLICA STATUS\\G to find all existing channel names.');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  ELSEIF v_state = 'BROKEN' THEN
    SET v_msg = IF(v_default, 'Replication might be running. First call mysql.rds_stop_replication.',
      'The replication on given channel might be running. First call mysql.rds_stop_replication_for_channel.');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  END IF;
  DO SLEEP(1);
  IF @@GLOBAL.sql_replica_skip_counter <> 0 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'Another session currently running the procedure mysql.rds_skip_repl_error_for_channel. Consider retrying the procedure call.';
  END IF;
  SET @rds_emul_cmd = CONCAT('START REPLICA', mysql.rds_emul_for_channel(p_channel));
  PREPARE rds_emul_stmt FROM @rds_emul_cmd;
  SET @rds_emul_cmd = NULL;
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  DO SLEEP(2);
  IF mysql.rds_emul_channel_state(p_channel) = 'ON' THEN
    CALL mysql.rds_emul_history(IF(v_default, 'start slave', 'start channel'), NULL, NULL, NULL, NULL, NULL, NULL, NULL,
        NULL, NULL);
    SELECT IF(v_default, 'Replication started. Slave is now running normally.',
        CONCAT('Replication started for channel ', v_quoted, ' and replication is now running normally.')) AS Message;
  ELSE
    SET v_msg = IF(v_default, 'Slave has encountered an error. Run SHOW SLAVE STATUS\\G; to see the error.',
      CONCAT('Start replication failed. To see the error, run SHOW REPLICA STATUS FOR CHANNEL ', v_quoted, '\\G .'));
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  END IF;
END //

DROP PROCEDURE IF EXISTS mysql.rds_start_replication //
CREATE PROCEDURE mysql.rds_start_replication()
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_start('') //

-- The shared body of the _until procedures (p_by_gtid 0: coordinates; 1: SQL_AFTER_GTIDS). The _gtid form's texts
-- differ slightly from the coordinates form's, as in RDS's two bodies.
DROP PROCEDURE IF EXISTS mysql.rds_emul_start_until //
CREATE PROCEDURE mysql.rds_emul_start_until(IN p_file TEXT, IN p_pos BIGINT, IN p_gtid TEXT, IN p_by_gtid TINYINT,
    IN p_channel VARCHAR(64) CHARACTER SET utf8mb4)
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_default TINYINT DEFAULT mysql.rds_emul_is_default(p_channel);
  DECLARE v_state VARCHAR(9) DEFAULT mysql.rds_emul_channel_state(p_channel);
  DECLARE v_quoted TEXT CHARACTER SET utf8mb4 DEFAULT QUOTE(TRIM(p_channel));
  DECLARE v_msg VARCHAR(512);
  CALL mysql.rds_emul_history(IF(v_default, 'Starting: start slave until', 'Starting: start channel until'), NULL, NULL,
      NULL, SUBSTRING(p_file, 1, 50), p_pos, NULL, NULL, NULL, p_gtid);
  IF v_state = 'NOT_EXIST' THEN
    SET v_msg = IF(v_default,
      'You can''t start replication because the replica isn''t configured. First call mysql.rds_set_external_master.',
      'The given channel does not exist. Run SHOW REPLICA STATUS\\G to find all existing channel names.');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  ELSEIF v_state IN ('ON', 'BROKEN') THEN
    SET v_msg = CASE
      WHEN v_default THEN 'Replication may already be running. Call rds_stop_replication to stop replication'
      WHEN p_by_gtid THEN 'Replication may already be running. Call rds_stop_replication_for_channel to stop replication.'
      ELSE 'Replication may already be running. Call rds_stop_replication_for_channel procedure to stop replication.' END;
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  ELSEIF @@GLOBAL.replica_parallel_workers > 1 THEN
    SET v_msg = CASE
      WHEN v_default AND p_by_gtid THEN 'rds_start_replication_until_gtid is not supported for multi-threaded slaves'
      WHEN v_default THEN 'rds_start_replication_until is not supported for multi-threaded slaves'
      WHEN p_by_gtid THEN 'rds_start_replication_until_gtid_for_channel is not supported for multi-threaded replicas.'
      ELSE 'rds_start_replication_until_for_channel is not supported in multi-threaded replica environment.' END;
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  ELSEIF p_by_gtid AND p_gtid IS NULL THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Invalid input: gtid cannot be NULL';
  ELSEIF NOT p_by_gtid AND (p_pos IS NULL OR p_pos <= 0) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Invalid input: replication_stop_point cannot be NULL, less than or equal to 0';
  END IF;
  IF @@GLOBAL.sql_replica_skip_counter > 0 THEN
    SET v_msg = IF(p_by_gtid,
      'Another session currently running the procedure mysql.rds_skip_repl_error_for_channel. Consider to retry the procedure call.',
      'Another session currently running the procedure mysql.rds_skip_repl_error_for_channel. Consider retrying the procedure call.');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  END IF;
  IF p_by_gtid THEN
    SET @rds_emul_cmd = CONCAT('START REPLICA UNTIL SQL_AFTER_GTIDS = ', QUOTE(p_gtid), mysql.rds_emul_for_channel(p_channel));
  ELSE
    SET @rds_emul_cmd = CONCAT('START REPLICA UNTIL SOURCE_LOG_FILE = ', QUOTE(TRIM(p_file)),
        ', SOURCE_LOG_POS = ', p_pos, mysql.rds_emul_for_channel(p_channel));
  END IF;
  PREPARE rds_emul_stmt FROM @rds_emul_cmd;
  SET @rds_emul_cmd = NULL;
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  DO SLEEP(2);
  IF mysql.rds_emul_channel_state(p_channel) = 'ON' THEN
    CALL mysql.rds_emul_history(IF(v_default, 'start slave until', 'start channel until'), NULL, NULL, NULL,
        SUBSTRING(p_file, 1, 50), p_pos, NULL, NULL, NULL, p_gtid);
    IF p_by_gtid THEN
      SELECT CONCAT('Replication started until SQL_AFTER_GTIDS = ', QUOTE(p_gtid),
          IF(v_default, '', CONCAT(' for channel ', v_quoted))) AS Message;
    ELSEIF v_default THEN
      SELECT CONCAT('Replication started until MASTER_LOG_FILE = ', QUOTE(TRIM(p_file)), ' and MASTER_LOG_POS = ', p_pos)
        AS Message;
    ELSE
      SELECT CONCAT('Replication started until SOURCE_LOG_FILE = ', QUOTE(TRIM(p_file)), ' and SOURCE_LOG_POS = ', p_pos,
          ' for channel ', v_quoted) AS Message;
    END IF;
  ELSE
    SET v_msg = IF(v_default, 'Slave has encountered an error. Run SHOW SLAVE STATUS\\G; to see the error.',
      CONCAT('Replication for specified channel encountered an error. Run SHOW REPLICA STATUS FOR CHANNEL ', v_quoted));
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  END IF;
END //

DROP PROCEDURE IF EXISTS mysql.rds_start_replication_until //
CREATE PROCEDURE mysql.rds_start_replication_until(IN replication_log_file TEXT, IN replication_stop_point BIGINT)
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_start_until(replication_log_file, replication_stop_point, NULL, 0, '') //

DROP PROCEDURE IF EXISTS mysql.rds_start_replication_until_gtid //
CREATE PROCEDURE mysql.rds_start_replication_until_gtid(IN gtid TEXT)
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_start_until(NULL, NULL, gtid, 1, '') //

-- rds_stop_replication(_for_channel): SLEEP(1), STOP, SLEEP(2), about 3 s as on RDS.
DROP PROCEDURE IF EXISTS mysql.rds_emul_stop //
CREATE PROCEDURE mysql.rds_emul_stop(IN p_channel VARCHAR(64) CHARACTER SET utf8mb4)
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_default TINYINT DEFAULT mysql.rds_emul_is_default(p_channel);
  DECLARE v_state VARCHAR(9) DEFAULT mysql.rds_emul_channel_state(p_channel);
  DECLARE v_quoted TEXT CHARACTER SET utf8mb4 DEFAULT QUOTE(TRIM(p_channel));
  DECLARE v_msg VARCHAR(512);
  CALL mysql.rds_emul_history(IF(v_default, 'Starting: stop slave', 'Starting: stop channel'),
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  IF v_state = 'OFF' THEN
    SET v_msg = IF(v_default, 'Slave is already stopped or may not be configured. Run SHOW SLAVE STATUS\\G;',
      'Replication is already stopped for the given channel. Run SHOW REPLICA STATUS\\G .');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  ELSEIF v_state = 'NOT_EXIST' THEN
    SET v_msg = IF(v_default,
      'You can''t stop replication because the replica isn''t configured. First call mysql.rds_set_external_master.',
      'The given channel does not exist. Run SHOW REPLICA STATUS\\G to find all existing channel names.');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  END IF;
  DO SLEEP(1);
  SET @rds_emul_cmd = CONCAT('STOP REPLICA', mysql.rds_emul_for_channel(p_channel));
  PREPARE rds_emul_stmt FROM @rds_emul_cmd;
  SET @rds_emul_cmd = NULL;
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  DO SLEEP(2);
  IF mysql.rds_emul_channel_state(p_channel) = 'OFF' THEN
    CALL mysql.rds_emul_history(IF(v_default, 'stop slave', 'stop channel'), NULL, NULL, NULL, NULL, NULL, NULL, NULL,
        NULL, NULL);
    SELECT IF(v_default, 'Slave is now down or disabled',
        CONCAT('Replication for channel ', v_quoted, ' is down or disabled.')) AS Message;
  ELSE
    SET v_msg = IF(v_default, 'Slave has encountered an error. Run SHOW SLAVE STATUS\\G; to see the error.',
      CONCAT('Stop replication failed. To see the error, run SHOW REPLICA STATUS FOR CHANNEL ', v_quoted, '\\G .'));
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  END IF;
END //

DROP PROCEDURE IF EXISTS mysql.rds_stop_replication //
CREATE PROCEDURE mysql.rds_stop_replication()
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_stop('') //

-- rds_reset_external_master / _source(_for_channel): stops the channel itself when it runs (SLEEP(2) after), then
-- RESET REPLICA ALL for that channel only.
DROP PROCEDURE IF EXISTS mysql.rds_emul_reset //
CREATE PROCEDURE mysql.rds_emul_reset(IN p_channel VARCHAR(64) CHARACTER SET utf8mb4)
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_default TINYINT DEFAULT mysql.rds_emul_is_default(p_channel);
  DECLARE v_state VARCHAR(9) DEFAULT mysql.rds_emul_channel_state(p_channel);
  DECLARE v_quoted TEXT CHARACTER SET utf8mb4 DEFAULT QUOTE(TRIM(p_channel));
  DECLARE v_msg VARCHAR(512);
  CALL mysql.rds_emul_history(IF(v_default, 'Starting: reset slave', 'Starting: reset replica for channel'),
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  IF mysql.rds_emul_is_read_replica() THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Permission Denied: This instance is a RDS Read Replica.';
  END IF;
  IF v_state = 'NOT_EXIST' THEN
    SET v_msg = IF(v_default,
      'You can''t reset replication because replication isn''t configured. First run mysql.rds_set_external_master.',
      'The given channel does not exist. Run SHOW REPLICA STATUS\\G to find all existing channel names.');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  ELSEIF v_state <> 'OFF' THEN
    SET @rds_emul_cmd = CONCAT('STOP REPLICA', mysql.rds_emul_for_channel(p_channel));
    PREPARE rds_emul_stmt FROM @rds_emul_cmd;
    SET @rds_emul_cmd = NULL;
    EXECUTE rds_emul_stmt;
    DEALLOCATE PREPARE rds_emul_stmt;
    DO SLEEP(2);
  END IF;
  SET @rds_emul_cmd = CONCAT('RESET REPLICA ALL', mysql.rds_emul_for_channel(p_channel));
  PREPARE rds_emul_stmt FROM @rds_emul_cmd;
  SET @rds_emul_cmd = NULL;
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  CALL mysql.rds_emul_history(IF(v_default, 'reset slave', 'reset replica for channel'), NULL, NULL, NULL, NULL, NULL,
      NULL, NULL, NULL, NULL);
  SELECT IF(v_default, 'Slave has been reset', CONCAT('Replication has been reset for channel ', v_quoted)) AS message;
END //

DROP PROCEDURE IF EXISTS mysql.rds_reset_external_master //
CREATE PROCEDURE mysql.rds_reset_external_master()
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_reset('') //

-- rds_set_source_delay(_for_channel): only on a stopped channel; rds_configuration's 'source delay' follows the
-- default channel only.
DROP PROCEDURE IF EXISTS mysql.rds_emul_set_delay //
CREATE PROCEDURE mysql.rds_emul_set_delay(IN p_delay INT, IN p_channel VARCHAR(64) CHARACTER SET utf8mb4)
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_default TINYINT DEFAULT mysql.rds_emul_is_default(p_channel);
  DECLARE v_state VARCHAR(9) DEFAULT mysql.rds_emul_channel_state(p_channel);
  DECLARE v_quoted TEXT CHARACTER SET utf8mb4 DEFAULT QUOTE(TRIM(p_channel));
  DECLARE v_msg VARCHAR(512);
  CALL mysql.rds_emul_history(IF(v_default, 'Starting: set source delay', 'Starting: set source delay channel'),
      NULL, NULL, NULL, NULL, NULL, NULL, p_delay, NULL, NULL);
  IF p_delay IS NULL OR p_delay NOT BETWEEN 0 AND 86400 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'For source delay the value must be between 0 and 86400 inclusive.';
  END IF;
  IF v_state = 'NOT_EXIST' THEN
    SET v_msg = IF(v_default,
      'You can''t set replication delay because the replica isn''t configured. First call mysql.rds_set_external_master.',
      'The given channel does not exist. Run SHOW REPLICA STATUS\\G to find all existing channel names.');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  ELSEIF v_state IN ('ON', 'BROKEN') THEN
    SET v_msg = IF(v_default,
      'You can''t set replication delay because replication is running. First call mysql.rds_stop_replication.',
      'You can''t set replication delay for the given channel when replication is running. First call rds_stop_replication_for_channel.');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  END IF;
  SET @rds_emul_cmd = CONCAT('CHANGE REPLICATION SOURCE TO SOURCE_DELAY = ', p_delay, mysql.rds_emul_for_channel(p_channel));
  PREPARE rds_emul_stmt FROM @rds_emul_cmd;
  SET @rds_emul_cmd = NULL;
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  IF v_default THEN
    CALL mysql.rds_emul_set_configuration_value('source delay', p_delay);
    CALL mysql.rds_emul_history('set source delay', NULL, NULL, NULL, NULL, NULL, NULL, p_delay, NULL, NULL);
    SELECT 'source delay is set successfully.' AS Message;
  ELSE
    CALL mysql.rds_emul_history('source delay channel', NULL, NULL, NULL, NULL, NULL, NULL, p_delay, NULL, NULL);
    SELECT CONCAT('source delay is set successfully for channel ', v_quoted) AS Message;
  END IF;
END //

DROP PROCEDURE IF EXISTS mysql.rds_set_source_delay //
CREATE PROCEDURE mysql.rds_set_source_delay(IN delay INT)
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_set_delay(delay, '') //

-- rds_skip_repl_error(_for_channel): skips one event only when the channel is BROKEN with an applier error
-- (sql_replica_skip_counter = 1, stop, SLEEP(2), start, SLEEP(2)). A named channel that fails again gets a message,
-- not an error, as in RDS's body.
DROP PROCEDURE IF EXISTS mysql.rds_emul_skip_error //
CREATE PROCEDURE mysql.rds_emul_skip_error(IN p_channel VARCHAR(64) CHARACTER SET utf8mb4)
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_default TINYINT DEFAULT mysql.rds_emul_is_default(p_channel);
  DECLARE v_state VARCHAR(9) DEFAULT mysql.rds_emul_channel_state(p_channel);
  DECLARE v_quoted TEXT CHARACTER SET utf8mb4 DEFAULT QUOTE(TRIM(p_channel));
  DECLARE v_msg VARCHAR(512);
  DECLARE v_error INT;
  SELECT IFNULL(MAX(LAST_ERROR_NUMBER), 0) INTO v_error FROM performance_schema.replication_applier_status_by_worker
    WHERE mysql.rds_emul_same_channel(CHANNEL_NAME, p_channel);
  CALL mysql.rds_emul_history(IF(v_default, 'Starting: skip_repl_error', 'Starting: skip_repl_err_ch'),
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  IF v_state = 'NOT_EXIST' THEN
    SET v_msg = IF(v_default,
      'You can''t skip a replication error because the replica isn''t configured. First call mysql.rds_set_external_master.',
      'The given channel does not exist. Run SHOW REPLICA STATUS\\G to find all existing channel names.');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  ELSEIF v_state = 'ON' THEN
    SET v_msg = IF(v_default, 'Slave is running normally.  No errors detected to skip.',
      CONCAT('Replication is running normally and no errors detected to skip for channel ', v_quoted));
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  ELSEIF v_state = 'OFF' THEN
    SET v_msg = IF(v_default, 'Slave is down or disabled.', CONCAT('Replication is down or disabled for channel ', v_quoted));
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  END IF;
  IF v_error = 0 THEN
    SELECT IF(v_default,
        'The replica SQL thread is running for the specified channel without encountering errors. Run SHOW REPLICA STATUS FOR CHANNEL '''';',
        CONCAT('Replica SQL_Thread running normally for specified channel. Run SHOW REPLICA STATUS FOR CHANNEL ', v_quoted, ';'))
      AS Message;
  ELSE
    IF @@GLOBAL.sql_replica_skip_counter <> 0 THEN
      SET v_msg = IF(v_default,
        'A mysql.rds_skip_repl_error procedure is in progress. Wait a few seconds before calling mysql.rds_skip_repl_error again.',
        'Another skip_repl_error procedure is in progress. Wait a few seconds before calling mysql.rds_skip_repl_error_for_channel again.');
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
    END IF;
    SET GLOBAL sql_replica_skip_counter = 1;
    SET @rds_emul_cmd = CONCAT('STOP REPLICA', mysql.rds_emul_for_channel(p_channel));
    PREPARE rds_emul_stmt FROM @rds_emul_cmd;
    EXECUTE rds_emul_stmt;
    DEALLOCATE PREPARE rds_emul_stmt;
    DO SLEEP(2);
    SET @rds_emul_cmd = CONCAT('START REPLICA', mysql.rds_emul_for_channel(p_channel));
    PREPARE rds_emul_stmt FROM @rds_emul_cmd;
    SET @rds_emul_cmd = NULL;
    EXECUTE rds_emul_stmt;
    DEALLOCATE PREPARE rds_emul_stmt;
    DO SLEEP(2);
    SELECT IF(v_default, 'Statement in error has been skipped',
        CONCAT('Statement in error has been skipped for channel ', v_quoted)) AS Message;
    IF mysql.rds_emul_channel_state(p_channel) = 'ON' THEN
      SELECT IF(v_default, 'Slave is now running normally', CONCAT('Replication is running normally for channel ', v_quoted))
        AS Message;
      CALL mysql.rds_emul_history(IF(v_default, 'skip_repl_error:OK', 'skip_repl_err_ch:OK'), NULL, NULL, NULL, NULL,
          NULL, NULL, NULL, NULL, NULL);
    ELSE
      CALL mysql.rds_emul_history(IF(v_default, 'skip_repl_error:ERR', 'skip_repl_err_ch:ERR'), NULL, NULL, NULL, NULL,
          NULL, NULL, NULL, NULL, NULL);
      IF v_default THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Slave has encountered a new error. Please use SHOW SLAVE STATUS to see the error.';
      END IF;
      SELECT CONCAT('Replication for specified channel encountered a new error. Run SHOW REPLICA STATUS FOR CHANNEL ',
          v_quoted, ';') AS Message;
    END IF;
  END IF;
END //

DROP PROCEDURE IF EXISTS mysql.rds_skip_repl_error //
CREATE PROCEDURE mysql.rds_skip_repl_error()
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_skip_error('') //

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
-- channel's next file is named mysql-bin-changelog.NNNNNN (RDS's own binlog name), whatever the source calls it; a
-- named channel's keeps the base name of the file it reads now (mysql.slave_master_info).
DROP PROCEDURE IF EXISTS mysql.rds_emul_next_log //
CREATE PROCEDURE mysql.rds_emul_next_log(IN p_curr INT, IN p_channel VARCHAR(64) CHARACTER SET utf8mb4)
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_default TINYINT DEFAULT mysql.rds_emul_is_default(p_channel);
  DECLARE v_state VARCHAR(9) DEFAULT mysql.rds_emul_channel_state(p_channel);
  DECLARE v_quoted TEXT CHARACTER SET utf8mb4 DEFAULT QUOTE(TRIM(p_channel));
  DECLARE v_msg VARCHAR(512);
  DECLARE v_base TEXT;
  DECLARE v_file TEXT;
  SELECT MAX(SUBSTRING(Master_log_name, 1, CHAR_LENGTH(Master_log_name) - 6)) INTO v_base FROM mysql.slave_master_info
    WHERE mysql.rds_emul_same_channel(Channel_name, p_channel);
  SET v_file = CONCAT(IF(v_default, 'mysql-bin-changelog.', v_base), LPAD(1 + p_curr, 6, '0'));
  CALL mysql.rds_emul_history(IF(v_default, 'Starting: next_master_log', 'Starting: next_channel_log'), NULL, NULL, NULL,
      SUBSTRING(v_file, 1, 50), 4, NULL, NULL, NULL, NULL);
  IF v_state = 'NOT_EXIST' THEN
    SET v_msg = IF(v_default,
      'You can''t set the log file name because the replica isn''t configured. First call mysql.rds_set_external_master.',
      'The given channel does not exist. Run SHOW REPLICA STATUS\\G to find all existing channel names.');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  ELSEIF v_state = 'ON' THEN
    SET v_msg = IF(v_default, 'Slave is running normally.  No errors detected to skip.',
      CONCAT('Replication is running normally and no errors detected to skip for channel - ', v_quoted));
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  ELSEIF v_state = 'OFF' THEN
    SET v_msg = IF(v_default, 'Slave is down or disabled.', CONCAT('Replication is down or disabled for channel ', v_quoted));
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  END IF;
  IF @@GLOBAL.sql_replica_skip_counter <> 0 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'Another session currently running the procedure mysql.rds_skip_repl_error_for_channel. Consider to retry the procedure call.';
  END IF;
  SET @rds_emul_cmd = CONCAT('STOP REPLICA', mysql.rds_emul_for_channel(p_channel));
  PREPARE rds_emul_stmt FROM @rds_emul_cmd;
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  DO SLEEP(2);
  SET @rds_emul_cmd = CONCAT('CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE = ', QUOTE(v_file),
      ', SOURCE_LOG_POS = 4', mysql.rds_emul_for_channel(p_channel));
  PREPARE rds_emul_stmt FROM @rds_emul_cmd;
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  SET @rds_emul_cmd = CONCAT('START REPLICA', mysql.rds_emul_for_channel(p_channel));
  PREPARE rds_emul_stmt FROM @rds_emul_cmd;
  SET @rds_emul_cmd = NULL;
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  DO SLEEP(2);
  SELECT IF(v_default, 'Master Log Position has been set to start of next log',
      CONCAT('Replication Log Position has been set to start from the next binary log for channel - ', v_quoted)) AS Message;
  IF mysql.rds_emul_channel_state(p_channel) = 'ON' THEN
    SELECT IF(v_default, 'Slave is now running normally', CONCAT('Replication is now running normally for channel ', v_quoted))
      AS Message;
    CALL mysql.rds_emul_history(IF(v_default, 'next_master_log:OK', 'next_channel_log:OK'), NULL, NULL, NULL,
        SUBSTRING(v_file, 1, 50), 4, NULL, NULL, NULL, NULL);
  ELSE
    CALL mysql.rds_emul_history(IF(v_default, 'next_master_log:ERR', 'next_channel_log:ERR'), NULL, NULL, NULL,
        SUBSTRING(v_file, 1, 50), 4, NULL, NULL, NULL, NULL);
    SET v_msg = IF(v_default, 'Slave has encountered a new error. Please use SHOW SLAVE STATUS to see the error.',
      CONCAT('Replication on mentioned channel encountered a new error. Run SHOW REPLICA STATUS FOR CHANNEL ', v_quoted));
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  END IF;
END //

DROP PROCEDURE IF EXISTS mysql.rds_next_master_log //
CREATE PROCEDURE mysql.rds_next_master_log(IN curr_master_log INT)
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_next_log(curr_master_log, '') //

-- Switch GTID auto-positioning on an existing channel: stop, change, start (no running check, as on RDS).
DROP PROCEDURE IF EXISTS mysql.rds_emul_set_auto_position //
CREATE PROCEDURE mysql.rds_emul_set_auto_position(IN p_mode TINYINT, IN p_channel VARCHAR(64) CHARACTER SET utf8mb4)
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_default TINYINT DEFAULT mysql.rds_emul_is_default(p_channel);
  DECLARE v_state VARCHAR(9) DEFAULT mysql.rds_emul_channel_state(p_channel);
  DECLARE v_quoted TEXT CHARACTER SET utf8mb4 DEFAULT QUOTE(TRIM(p_channel));
  DECLARE v_msg VARCHAR(512);
  -- RDS records the mode for the default channel only
  CALL mysql.rds_emul_history(IF(v_default, 'Starting: set_master_AP', 'Starting: set_channel_AP'), NULL, NULL, NULL,
      NULL, NULL, NULL, NULL, IF(v_default, p_mode, NULL), NULL);
  IF v_state = 'NOT_EXIST' THEN
    SET v_msg = IF(v_default,
      'You can''t modify auto_position mode because the replica isn''t configured. First call mysql.rds_set_external_master.',
      'The given channel does not exist. Run SHOW REPLICA STATUS\\G to find all existing channel names.');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  END IF;
  SET @rds_emul_cmd = CONCAT('STOP REPLICA', mysql.rds_emul_for_channel(p_channel));
  PREPARE rds_emul_stmt FROM @rds_emul_cmd;
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  SET @rds_emul_cmd = CONCAT('CHANGE REPLICATION SOURCE TO SOURCE_AUTO_POSITION = ', p_mode,
      mysql.rds_emul_for_channel(p_channel));
  PREPARE rds_emul_stmt FROM @rds_emul_cmd;
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  SET @rds_emul_cmd = CONCAT('START REPLICA', mysql.rds_emul_for_channel(p_channel));
  PREPARE rds_emul_stmt FROM @rds_emul_cmd;
  SET @rds_emul_cmd = NULL;
  EXECUTE rds_emul_stmt;
  DEALLOCATE PREPARE rds_emul_stmt;
  DO SLEEP(2);
  SELECT IF(v_default, CONCAT('Master Auto Position has been set to ', p_mode, '.'),
      CONCAT('Source Auto Position has been set to ', p_mode, ' for channel ', v_quoted, '.')) AS Message;
  IF mysql.rds_emul_channel_state(p_channel) = 'ON' THEN
    SELECT IF(v_default, 'Slave is running normally', CONCAT('Replication is running normally for channel ', v_quoted))
      AS Message;
    CALL mysql.rds_emul_history(IF(v_default, 'set_master_AP:OK', 'set_channel_AP:OK'), NULL, NULL, NULL, NULL, NULL,
        NULL, NULL, IF(v_default, p_mode, NULL), NULL);
  ELSE
    CALL mysql.rds_emul_history(IF(v_default, 'set_master_AP:ERR', 'set_channel_AP:ERR'), NULL, NULL, NULL, NULL, NULL,
        NULL, NULL, IF(v_default, p_mode, NULL), NULL);
    SET v_msg = IF(v_default, 'Slave has encountered a new error. Please use SHOW SLAVE STATUS to see the error.',
      CONCAT('Replication for specified channel encountered a new error.Run SHOW REPLICA STATUS FOR CHANNEL ', v_quoted));
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  END IF;
END //

DROP PROCEDURE IF EXISTS mysql.rds_set_master_auto_position //
CREATE PROCEDURE mysql.rds_set_master_auto_position(IN auto_position_mode TINYINT(1))
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_set_auto_position(auto_position_mode, '') //

DELIMITER ;
