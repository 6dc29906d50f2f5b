-- Tables every generation shares, in the layout of RDS for MySQL 8.0.41 (mysql.rds_history, mysql.rds_configuration).
-- Loaded by install.sh as root, inside the `mysql` schema, before the generation's procedures.
--
-- Read-replica marker: RDS itself refuses rds_set_external_* and rds_reset_external_* with
-- "Permission Denied: This instance is a RDS Read Replica." when mysql.rds_history holds a row with
-- action = 'disable set master' and master_user = 'rdsrepladmin' (and the caller is not rdsadmin@localhost).
-- The emulation uses the same marker: a test that wants an RDS read replica inserts that row as root and deletes
-- it afterwards.
CREATE TABLE IF NOT EXISTS mysql.rds_history (
  action_timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  called_by_user VARCHAR(352) NOT NULL,
  action VARCHAR(40) NULL,
  mysql_version VARCHAR(50) NOT NULL,
  master_host VARCHAR(255) NULL,
  master_port INT NULL,
  master_user VARCHAR(96) NULL,
  master_log_file VARCHAR(50) NULL,
  master_log_pos MEDIUMTEXT NULL,
  master_ssl TINYINT(1) NULL,
  master_delay INT NULL,
  auto_position TINYINT(1) NULL,
  master_gtid TEXT NULL
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS mysql.rds_configuration (
  action_timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  name VARCHAR(100) NOT NULL PRIMARY KEY,
  value VARCHAR(100) NULL,
  description VARCHAR(300) NOT NULL
) ENGINE=InnoDB;

INSERT IGNORE INTO mysql.rds_configuration(name, value, description) VALUES
  ('binlog retention hours', NULL, 'binlog retention hours specifies the duration in hours before binary logs are automatically deleted.'),
  ('source delay', '0', 'source delay specifies replication delay in seconds between current instance and its master.'),
  ('target delay', '0', 'target delay specifies replication delay in seconds between current instance and its future read-replica.');

DELIMITER //

-- One rds_history row, never binlogged (as RDS does: SET sql_log_bin=OFF around its own writes). called_by_user is
-- USER(), the login of the caller (inside SQL SECURITY DEFINER, CURRENT_USER() would be the definer).
DROP PROCEDURE IF EXISTS mysql.rds_emul_history //
CREATE PROCEDURE mysql.rds_emul_history(IN p_action VARCHAR(40), IN p_host VARCHAR(255), IN p_port INT,
    IN p_user VARCHAR(96), IN p_file VARCHAR(50), IN p_pos BIGINT UNSIGNED, IN p_ssl TINYINT, IN p_delay INT,
    IN p_auto TINYINT, IN p_gtid TEXT)
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_log_bin INT DEFAULT @@SESSION.sql_log_bin;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN SET SESSION sql_log_bin = v_log_bin; RESIGNAL; END;
  SET SESSION sql_log_bin = 0;
  INSERT INTO mysql.rds_history(called_by_user, action, mysql_version, master_host, master_port, master_user,
      master_log_file, master_log_pos, master_ssl, master_delay, auto_position, master_gtid)
    VALUES (USER(), p_action, VERSION(), p_host, p_port, p_user, p_file, p_pos, p_ssl, p_delay, p_auto, p_gtid);
  COMMIT;
  SET SESSION sql_log_bin = v_log_bin;
END //

DROP FUNCTION IF EXISTS mysql.rds_emul_is_read_replica //
CREATE FUNCTION mysql.rds_emul_is_read_replica() RETURNS TINYINT NOT DETERMINISTIC READS SQL DATA SQL SECURITY DEFINER
  RETURN (SELECT COUNT(*) FROM mysql.rds_history WHERE action = 'disable set master' AND master_user = 'rdsrepladmin') > 0
     AND USER() <> 'rdsadmin@localhost' //

DROP PROCEDURE IF EXISTS mysql.rds_emul_set_configuration_value //
CREATE PROCEDURE mysql.rds_emul_set_configuration_value(IN p_name VARCHAR(100), IN p_value VARCHAR(100))
  SQL SECURITY DEFINER
BEGIN
  DECLARE v_log_bin INT DEFAULT @@SESSION.sql_log_bin;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN SET SESSION sql_log_bin = v_log_bin; RESIGNAL; END;
  SET SESSION sql_log_bin = 0;
  UPDATE mysql.rds_configuration SET value = p_value WHERE name = p_name;
  COMMIT;
  SET SESSION sql_log_bin = v_log_bin;
END //

DROP PROCEDURE IF EXISTS mysql.rds_show_configuration //
CREATE PROCEDURE mysql.rds_show_configuration()
  SQL SECURITY DEFINER
  SELECT name, value, description FROM mysql.rds_configuration ORDER BY name //

DELIMITER ;

DELIMITER //
-- rds_set_configuration(name, value): as RDS for MySQL 8.0.41; 'source delay' goes through rds_set_source_delay.
DROP PROCEDURE IF EXISTS mysql.rds_set_configuration //
CREATE PROCEDURE mysql.rds_set_configuration(IN name VARCHAR(30), IN value INT)
  SQL SECURITY DEFINER
sp: BEGIN
  IF (SELECT COUNT(*) FROM mysql.rds_configuration c WHERE c.name = name) = 0 THEN
    SET @rds_emul_msg = CONCAT('Cannot set unknown configuration parameter ', QUOTE(name), ' using mysql.rds_set_configuration.');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = @rds_emul_msg;
  END IF;
  IF name = 'binlog retention hours' AND value NOT BETWEEN 1 AND 168 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'For binlog retention hours the value must be between 1 and 168 inclusive or be NULL';
  ELSEIF name = 'target delay' AND (value IS NULL OR value NOT BETWEEN 0 AND 86400) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'For target delay the value must be between 0 and 86400 inclusive';
  ELSEIF name = 'source delay' THEN
    CALL mysql.rds_set_source_delay(value);
    LEAVE sp;
  END IF;
  CALL mysql.rds_emul_set_configuration_value(name, value);
END //
DELIMITER ;
