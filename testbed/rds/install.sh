#!/usr/bin/env bash
# Installs the emulated Amazon RDS replication procedures of one engine generation into a server that plays the RDS
# instance, by piping SQL into a root client command:
#   RDS_ADMIN_PASSWORD=... testbed/rds/install.sh <mariadb|mysql80|mysql84> -- <root client command...>
# e.g.  ... install.sh mariadb -- mariadb --no-defaults -uroot --socket=.testbed/replica/mysqld.sock
# What it installs: mysql.rds_history and mysql.rds_configuration (kept when they exist), the generation's
# procedures (every earlier emulated procedure is dropped first, so switching generation leaves nothing behind),
# and the RDS-like master user 'admin'@'127.0.0.1' with RDS's privileges for that engine (global EXECUTE reaches the
# procedures, which run as their definer: the installing root). Idempotent: run it again on the same server.
# The password comes from the environment and goes to the client on stdin only (hex-encoded), never in arguments.
# RDS_ADMIN_USER overrides the user name (default admin). Nothing the install writes goes to the binlog.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

usage() { echo "usage: RDS_ADMIN_PASSWORD=... $0 mariadb|mysql80|mysql84 -- <client command...>" >&2; exit 2; }
[ $# -ge 3 ] || usage
GEN=$1; shift
[ "$1" = "--" ] || usage
shift
case "$GEN" in
  mariadb) FILES=(common.sql mariadb.sql) ;;
  mysql80) FILES=(common.sql mysql80.sql channels.sql) ;;
  mysql84) FILES=(common.sql mysql80.sql channels.sql mysql84.sql) ;;
  *) echo "install.sh: unknown generation '$GEN' (mariadb, mysql80, mysql84)" >&2; exit 2 ;;
esac
if [ -z "${RDS_ADMIN_PASSWORD:-}" ]; then
  echo "install.sh: RDS_ADMIN_PASSWORD is empty or unset" >&2; exit 2
fi
ADMIN=${RDS_ADMIN_USER:-admin}
case "$ADMIN" in *[!A-Za-z0-9_]*|'') echo "install.sh: RDS_ADMIN_USER must be [A-Za-z0-9_]+" >&2; exit 2 ;; esac
ACCOUNT="'$ADMIN'@'127.0.0.1'"
ACCOUNT_IN_LITERAL="''$ADMIN''@''127.0.0.1''"

# Every routine name any generation (or the older single-file emulation) ever created.
all_routines() {
  sed -n -E 's/^CREATE (PROCEDURE|FUNCTION) mysql\.([A-Za-z0-9_]+).*/\2/p' "$HERE"/*.sql
  printf '%s\n' rds_emul_is_configured rds_emul_is_running rds_emul_change_master rds_emul_exec rds_emul_target \
    rds_emul_wait_running rds_emul_prepared rds_emul_start rds_emul_stop
}

hex_password() { printf '%s' "$RDS_ADMIN_PASSWORD" | od -An -v -tx1 | tr -d ' \n'; }

emit() {
  echo "SET SESSION sql_log_bin = 0;"
  echo "SET NAMES utf8mb4;"
  # procedures keep the sql_mode they were created under: one without NO_BACKSLASH_ESCAPES/ANSI_QUOTES
  echo "SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION';"
  echo "USE mysql;"
  local r
  for r in $(all_routines | sort -u); do
    echo "DROP PROCEDURE IF EXISTS mysql.$r;"
    echo "DROP FUNCTION IF EXISTS mysql.$r;"
  done
  cat "$HERE/common.sql"
  if [ "$GEN" = mariadb ]; then
    # a table left by the older emulation lacks auto_position and has a shorter action column
    echo "ALTER TABLE mysql.rds_history ADD COLUMN IF NOT EXISTS auto_position TINYINT(1) NULL AFTER master_delay,"
    echo "  MODIFY action VARCHAR(40) NULL;"
  fi
  local f
  for f in "${FILES[@]:1}"; do cat "$HERE/$f"; done

  local ident
  case "$GEN" in
    mariadb) ident="IDENTIFIED BY" ;;
    mysql80) ident="IDENTIFIED WITH mysql_native_password BY" ;;  # RDS for MySQL 8.0's default parameter group
    mysql84) ident="IDENTIFIED BY" ;;                            # caching_sha2_password
  esac
  cat <<SQL
SET @rds_emul_pw = CONVERT(X'$(hex_password)' USING utf8mb4);
SET @rds_emul_cmd = CONCAT('CREATE USER IF NOT EXISTS $ACCOUNT_IN_LITERAL $ident ', QUOTE(@rds_emul_pw));
PREPARE rds_emul_stmt FROM @rds_emul_cmd;
EXECUTE rds_emul_stmt;
SET @rds_emul_cmd = CONCAT('ALTER USER $ACCOUNT_IN_LITERAL $ident ', QUOTE(@rds_emul_pw));
PREPARE rds_emul_stmt FROM @rds_emul_cmd;
EXECUTE rds_emul_stmt;
DEALLOCATE PREPARE rds_emul_stmt;
SET @rds_emul_pw = NULL, @rds_emul_cmd = NULL;
REVOKE ALL PRIVILEGES, GRANT OPTION FROM $ACCOUNT;
SQL
  # The master user's privileges as the RDS User Guide lists them ("Master user account privileges"): no SUPER,
  # nothing that allows CHANGE MASTER / START SLAVE directly, so replication goes through the procedures.
  local common="SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS, REFERENCES, INDEX, ALTER, SHOW DATABASES,
  CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, REPLICATION SLAVE, REPLICATION CLIENT, CREATE VIEW, SHOW VIEW,
  CREATE ROUTINE, ALTER ROUTINE, CREATE USER, EVENT, TRIGGER"
  case "$GEN" in
    mariadb)
      # REPLICATION CLIENT is BINLOG MONITOR on 10.5+: no SLAVE MONITOR, so SHOW SLAVE STATUS is refused and status
      # comes from mysql.rds_replica_status. RDS for MariaDB 11.4+ adds SHOW CREATE ROUTINE (exists from 11.3).
      echo "GRANT $common ON *.* TO $ACCOUNT WITH GRANT OPTION;"
      echo "/*M!110300 GRANT SHOW CREATE ROUTINE ON *.* TO $ACCOUNT */;"
      ;;
    mysql80)
      # RDS for MySQL 8.0.36+ (there through rds_superuser_role; granted directly here). REPLICATION CLIENT lets it
      # run SHOW REPLICA STATUS; no REPLICATION_SLAVE_ADMIN, SUPER, SYSTEM_VARIABLES_ADMIN, GROUP_REPLICATION_ADMIN.
      echo "GRANT $common, CREATE ROLE, DROP ROLE ON *.* TO $ACCOUNT WITH GRANT OPTION;"
      echo "GRANT APPLICATION_PASSWORD_ADMIN, ROLE_ADMIN, SET_USER_ID, XA_RECOVER_ADMIN ON *.* TO $ACCOUNT WITH GRANT OPTION;"
      ;;
    mysql84)
      # SET_USER_ID is gone after 8.2 (SET_ANY_DEFINER replaces it); the rest as on 8.0.
      echo "GRANT $common, CREATE ROLE, DROP ROLE ON *.* TO $ACCOUNT WITH GRANT OPTION;"
      echo "GRANT APPLICATION_PASSWORD_ADMIN, ROLE_ADMIN, XA_RECOVER_ADMIN ON *.* TO $ACCOUNT WITH GRANT OPTION;"
      ;;
  esac
}

emit | "$@"
