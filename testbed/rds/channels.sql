-- Multi-source replication of Amazon RDS for MySQL 8.0.35+ and 8.4: the *_for_channel procedures, emulated on stock
-- MySQL. Loaded by install.sh as root after mysql80.sql (generations mysql80 and mysql84), whose shared bodies
-- (mysql.rds_emul_*) carry every check for any channel: each procedure here is that body on the given channel, as
-- each default-channel procedure of RDS is its *_for_channel form on channel ''. The SQL is ours; behaviour follows
-- the public RDS for MySQL 8.0.41 bodies:
--   * the channel name is trimmed of spaces and compared case- and accent-insensitively; '' (or spaces) is the
--     default channel, which gets the default-channel texts and history rows;
--   * a channel's state (ON / OFF / BROKEN / NOT_EXIST) is its own, from performance_schema;
--   * set refuses a running (ON or BROKEN) channel, a 16th channel (15 others already exist) and a host:port another
--     channel already replicates from, each set body with its own wording; the read-replica marker refuses set and
--     reset;
--   * start / stop / reset / delay / skip / until / auto-position / next log of a missing channel: "The given channel
--     does not exist. Run SHOW REPLICA STATUS\G to find all existing channel names.";
--   * the waits are those of the default-channel bodies; rds_history gets 'Starting: ... channel' rows before the
--     checks and the channel actions after (the table has no channel column on RDS either); no password anywhere.
-- Not emulated: mysql.rds_replication_status (RDS's internal per-channel bookkeeping), the Multi-AZ cluster checks.
DELIMITER //

DROP FUNCTION IF EXISTS mysql.rds_replication_service_state_for_channel //
CREATE FUNCTION mysql.rds_replication_service_state_for_channel(channel VARCHAR(64))
    RETURNS ENUM('ON', 'OFF', 'BROKEN', 'NOT_EXIST') NOT DETERMINISTIC READS SQL DATA SQL SECURITY DEFINER
  RETURN mysql.rds_emul_channel_state(channel) //

DROP PROCEDURE IF EXISTS mysql.rds_set_external_source_for_channel //
CREATE PROCEDURE mysql.rds_set_external_source_for_channel(IN host VARCHAR(255), IN port INT, IN user TEXT,
    IN passwd TEXT, IN log_file_name TEXT, IN pos BIGINT UNSIGNED, IN enable_ssl_encryption TINYINT(1),
    IN channel VARCHAR(64))
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_set_master(host, port, user, passwd, log_file_name, pos, enable_ssl_encryption, NULL, 0, channel) //

DROP PROCEDURE IF EXISTS mysql.rds_set_external_source_with_delay_for_channel //
CREATE PROCEDURE mysql.rds_set_external_source_with_delay_for_channel(IN host VARCHAR(255), IN port INT, IN user TEXT,
    IN passwd TEXT, IN log_file_name TEXT, IN pos BIGINT UNSIGNED, IN enable_ssl_encryption TINYINT(1), IN delay INT,
    IN channel VARCHAR(64))
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_set_master(host, port, user, passwd, log_file_name, pos, enable_ssl_encryption, delay, 1, channel) //

DROP PROCEDURE IF EXISTS mysql.rds_set_external_source_with_auto_position_for_channel //
CREATE PROCEDURE mysql.rds_set_external_source_with_auto_position_for_channel(IN host VARCHAR(255), IN port INT,
    IN user TEXT, IN passwd TEXT, IN enable_ssl_encryption TINYINT(1), IN delay INT, IN channel VARCHAR(64))
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_set_master(host, port, user, passwd, NULL, NULL, enable_ssl_encryption, delay, 2, channel) //

DROP PROCEDURE IF EXISTS mysql.rds_start_replication_for_channel //
CREATE PROCEDURE mysql.rds_start_replication_for_channel(IN channel VARCHAR(64))
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_start(channel) //

DROP PROCEDURE IF EXISTS mysql.rds_stop_replication_for_channel //
CREATE PROCEDURE mysql.rds_stop_replication_for_channel(IN channel VARCHAR(64))
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_stop(channel) //

DROP PROCEDURE IF EXISTS mysql.rds_reset_external_source_for_channel //
CREATE PROCEDURE mysql.rds_reset_external_source_for_channel(IN channel VARCHAR(64))
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_reset(channel) //

DROP PROCEDURE IF EXISTS mysql.rds_set_source_delay_for_channel //
CREATE PROCEDURE mysql.rds_set_source_delay_for_channel(IN delay INT, IN channel VARCHAR(64))
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_set_delay(delay, channel) //

DROP PROCEDURE IF EXISTS mysql.rds_skip_repl_error_for_channel //
CREATE PROCEDURE mysql.rds_skip_repl_error_for_channel(IN channel VARCHAR(64))
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_skip_error(channel) //

DROP PROCEDURE IF EXISTS mysql.rds_start_replication_until_for_channel //
CREATE PROCEDURE mysql.rds_start_replication_until_for_channel(IN replication_log_file TEXT,
    IN replication_stop_point BIGINT, IN channel VARCHAR(64))
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_start_until(replication_log_file, replication_stop_point, NULL, 0, channel) //

DROP PROCEDURE IF EXISTS mysql.rds_start_replication_until_gtid_for_channel //
CREATE PROCEDURE mysql.rds_start_replication_until_gtid_for_channel(IN gtid TEXT, IN channel VARCHAR(64))
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_start_until(NULL, NULL, gtid, 1, channel) //

DROP PROCEDURE IF EXISTS mysql.rds_set_source_auto_position_for_channel //
CREATE PROCEDURE mysql.rds_set_source_auto_position_for_channel(IN auto_position_mode TINYINT(1), IN channel VARCHAR(64))
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_set_auto_position(auto_position_mode, channel) //

DROP PROCEDURE IF EXISTS mysql.rds_next_source_log_for_channel //
CREATE PROCEDURE mysql.rds_next_source_log_for_channel(IN curr_source_log INT, IN channel VARCHAR(64))
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_next_log(curr_source_log, channel) //

DELIMITER ;
