-- Generation `mysql84`: RDS for MySQL 8.4's *_source names, loaded by install.sh after mysql80.sql (whose bodies use
-- only 8.4-valid statements), so both naming generations exist, as on RDS's initial 8.4 release. For MySQL 8.4 / 9.x.
-- Messages are those of the 8.0.41 bodies (no 8.4 bodies are public).
DELIMITER //

DROP PROCEDURE IF EXISTS mysql.rds_set_external_source //
CREATE PROCEDURE mysql.rds_set_external_source(IN host VARCHAR(255), IN port INT, IN user TEXT, IN passwd TEXT,
    IN name TEXT, IN pos BIGINT UNSIGNED, IN enable_ssl_encryption TINYINT(1))
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_set_master(host, port, user, passwd, name, pos, enable_ssl_encryption, NULL, 0, '') //

DROP PROCEDURE IF EXISTS mysql.rds_set_external_source_with_delay //
CREATE PROCEDURE mysql.rds_set_external_source_with_delay(IN host VARCHAR(255), IN port INT, IN user TEXT,
    IN passwd TEXT, IN name TEXT, IN pos BIGINT UNSIGNED, IN enable_ssl_encryption TINYINT(1), IN delay INT)
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_set_master(host, port, user, passwd, name, pos, enable_ssl_encryption, delay, 1, '') //

DROP PROCEDURE IF EXISTS mysql.rds_set_external_source_with_auto_position //
CREATE PROCEDURE mysql.rds_set_external_source_with_auto_position(IN host VARCHAR(255), IN port INT, IN user TEXT,
    IN passwd TEXT, IN enable_ssl_encryption TINYINT(1), IN delay INT)
  SQL SECURITY DEFINER
  CALL mysql.rds_emul_set_master(host, port, user, passwd, NULL, NULL, enable_ssl_encryption, delay, 2, '') //

DROP PROCEDURE IF EXISTS mysql.rds_reset_external_source //
CREATE PROCEDURE mysql.rds_reset_external_source()
  SQL SECURITY DEFINER
  CALL mysql.rds_reset_external_master() //

DROP PROCEDURE IF EXISTS mysql.rds_next_source_log //
CREATE PROCEDURE mysql.rds_next_source_log(IN curr_source_log INT)
  SQL SECURITY DEFINER
  CALL mysql.rds_next_master_log(curr_source_log) //

DROP PROCEDURE IF EXISTS mysql.rds_set_source_auto_position //
CREATE PROCEDURE mysql.rds_set_source_auto_position(IN auto_position_mode TINYINT(1))
  SQL SECURITY DEFINER
  CALL mysql.rds_set_master_auto_position(auto_position_mode) //

DELIMITER ;
