package io.rdsreplication.provider.it;

import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Conformance of the test bed's emulated RDS replication procedures (testbed/rds/) with how Amazon RDS behaves
 * (shared/reference/rds-procedures.md): the state machine, every refusal with RDS's exact text, the waits, the
 * history rows, and a master user that can drive replication only through the procedures. Generation-specific
 * cases are skipped by the replica's flavour. Root creates the replication account on the source and reads the
 * replica's real status; the RDS-like master user calls the procedures. Every test leaves the replica with no
 * replication configured.
 */
@Tag("integration")
class RdsEmulationIT {
    static final String RUNNING = "You can't modify replication because replication is running. First call mysql.rds_stop_replication.";
    static final String DELAY_RANGE = "For source delay the value must be between 0 and 86400 inclusive.";
    static final String START_ERROR = "Slave has encountered an error. Run SHOW SLAVE STATUS\\G; to see the error.";
    static final String READ_REPLICA = "Permission Denied: This instance is a RDS Read Replica.";

    static boolean replicaMysql;
    static boolean sourceMysql;
    static String replicaVersion;
    String user;
    String password;
    String db;

    @BeforeAll
    static void flavours() throws SQLException {
        try (Connection c = TestBed.replicaRoot()) {
            replicaVersion = one(c, "SELECT VERSION()");
            replicaMysql = !replicaVersion.contains("MariaDB");
        }
        try (Connection c = TestBed.sourceRoot()) {
            sourceMysql = !one(c, "SELECT VERSION()").contains("MariaDB");
        }
    }

    @BeforeEach
    void account() throws SQLException {
        resetAsRoot();
        user = TestBed.unique("emrepl");
        password = "pw'\\-" + UUID.randomUUID().toString().substring(0, 12);
        db = TestBed.unique("emdb");
        try (Connection c = TestBed.sourceRoot()) {
            try (PreparedStatement ps = c.prepareStatement("CREATE USER '" + user + "'@'127.0.0.1' IDENTIFIED BY ?")) {
                ps.setString(1, password);
                ps.execute();
            }
            TestBed.exec(c, "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + user + "'@'127.0.0.1'");
        }
    }

    @AfterEach
    void cleanUp() throws SQLException {
        resetAsRoot();
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "DELETE FROM mysql.rds_history WHERE action = 'disable set master' AND master_user = 'rdsrepladmin'",
                    "DROP DATABASE IF EXISTS " + db);
        }
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "DROP USER IF EXISTS '" + user + "'@'127.0.0.1'", "DROP DATABASE IF EXISTS " + db);
        }
    }

    // ---- every engine ----------------------------------------------------------------------------------------

    @Test
    void notConfiguredRefusals() throws Exception {
        long mark = historyMark();
        try (Connection adm = TestBed.replicaAdmin()) {
            assertRefused(adm, "CALL mysql.rds_start_replication()",
                    "You can't start replication because the replica isn't configured. First call mysql.rds_set_external_master.");
            assertRefused(adm, "CALL mysql.rds_stop_replication()",
                    "You can't stop replication because the replica isn't configured. First call mysql.rds_set_external_master.");
            assertRefused(adm, "CALL mysql.rds_reset_external_master()",
                    "You can't reset replication because replication isn't configured. First run mysql.rds_set_external_master.");
            assertRefused(adm, "CALL mysql.rds_set_source_delay(10)",
                    "You can't set replication delay because the replica isn't configured. First call mysql.rds_set_external_master.");
            assertRefused(adm, "CALL mysql.rds_skip_repl_error()",
                    "You can't skip a replication error because the replica isn't configured. First call mysql.rds_set_external_master.");
        }
        // refused calls still leave their 'Starting: ...' row, by the caller
        assertEquals(List.of("Starting: start slave", "Starting: stop slave", "Starting: reset slave",
                "Starting: set source delay", "Starting: skip_repl_error"), actionsSince(mark));
        assertEquals(List.of("admin@127.0.0.1"), callersSince(mark));
    }

    @Test
    void fullCycleReplicatesAndRefusesWhatRdsRefuses() throws Exception {
        long mark = historyMark();
        try (Connection adm = TestBed.replicaAdmin()) {
            assertEquals(null, message(adm, setMaster("rds_set_external_master", password, "")));
            Map<String, String> st = status();
            assertEquals("127.0.0.1", col(st, "Source_Host", "Master_Host"));
            assertEquals(String.valueOf(TestBed.sourcePort()), col(st, "Source_Port", "Master_Port"));
            assertEquals(user, col(st, "Source_User", "Master_User"));
            if (replicaMysql) assertEquals("0", st.get("Auto_Position"));
            else assertEquals("No", st.get("Using_Gtid"));

            long t0 = System.nanoTime();
            assertEquals("Replication started. Slave is now running normally.", message(adm, "CALL mysql.rds_start_replication()"));
            assertTrue(System.nanoTime() - t0 >= 2_900_000_000L, "start waits SLEEP(1) + SLEEP(2) as RDS does");
            assertEquals("Yes", col(status(), "Replica_IO_Running", "Slave_IO_Running"));
            assertEquals("Yes", col(status(), "Replica_SQL_Running", "Slave_SQL_Running"));

            try (Connection src = TestBed.sourceRoot()) {
                TestBed.exec(src, "CREATE DATABASE " + db, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v VARCHAR(20))",
                        "INSERT INTO " + db + ".t VALUES (1, 'via-rds-procs')");
            }
            assertEquals("via-rds-procs", TestBed.waitForReplica("SELECT v FROM " + db + ".t WHERE id = 1", "via-rds-procs", 60));

            assertRefused(adm, "CALL mysql.rds_start_replication()",
                    "Replication may already be running. Call rds_stop_replication to stop replication");
            assertRefused(adm, setMaster("rds_set_external_master", password, ""), RUNNING);
            assertRefused(adm, setMaster("rds_set_external_master_with_delay", password, ", 0"), RUNNING);
            assertRefused(adm, "CALL mysql.rds_set_source_delay(5)",
                    "You can't set replication delay because replication is running. First call mysql.rds_stop_replication.");
            assertRefused(adm, "CALL mysql.rds_skip_repl_error()", "Slave is running normally.  No errors detected to skip.");

            t0 = System.nanoTime();
            assertEquals("Slave is now down or disabled", message(adm, "CALL mysql.rds_stop_replication()"));
            assertTrue(System.nanoTime() - t0 >= 2_900_000_000L, "stop takes about 3 s as on RDS");
            assertEquals("No", col(status(), "Replica_IO_Running", "Slave_IO_Running"));
            assertRefused(adm, "CALL mysql.rds_stop_replication()",
                    "Slave is already stopped or may not be configured. Run SHOW SLAVE STATUS\\G;");
            assertRefused(adm, "CALL mysql.rds_skip_repl_error()", "Slave is down or disabled.");

            assertEquals("Slave has been reset", message(adm, "CALL mysql.rds_reset_external_master()"));
            assertTrue(status().isEmpty() || col(status(), "Source_Host", "Master_Host").isEmpty(), "no channel after reset");
        }
        assertEquals(List.of("Starting: set master", "set master", "Starting: start slave", "start slave",
                "Starting: start slave", "Starting: set master", "Starting: set master", "Starting: set source delay",
                "Starting: skip_repl_error", "Starting: stop slave", "stop slave", "Starting: stop slave",
                "Starting: skip_repl_error", "Starting: reset slave", "reset slave"), actionsSince(mark));
        try (Connection c = TestBed.replicaRoot()) {
            assertEquals("0", one(c, "SELECT COUNT(*) FROM mysql.rds_history WHERE CONCAT_WS('|', called_by_user, action, "
                    + "master_host, master_user, master_log_file, master_gtid) LIKE " + literal("%" + password + "%")),
                    "no password in mysql.rds_history");
            assertEquals(user, one(c, "SELECT master_user FROM mysql.rds_history WHERE action = 'set master' "
                    + "ORDER BY action_timestamp DESC LIMIT 1"));
        }
    }

    @Test
    void resetStopsRunningReplicationItself() throws Exception {
        try (Connection adm = TestBed.replicaAdmin()) {
            message(adm, setMaster("rds_set_external_master", password, ""));
            message(adm, "CALL mysql.rds_start_replication()");
            long t0 = System.nanoTime();
            assertEquals("Slave has been reset", message(adm, "CALL mysql.rds_reset_external_master()"));
            assertTrue(System.nanoTime() - t0 >= 1_900_000_000L, "reset waits after stopping, as RDS does");
        }
        assertTrue(status().isEmpty() || col(status(), "Source_Host", "Master_Host").isEmpty());
    }

    @Test
    void brokenWhenOnlyTheSqlThreadRuns() throws Exception {
        try (Connection adm = TestBed.replicaAdmin()) {
            message(adm, setMaster("rds_set_external_master", password, ""));
            message(adm, "CALL mysql.rds_start_replication()");
            try (Connection root = TestBed.replicaRoot()) {
                TestBed.exec(root, replicaMysql ? "STOP REPLICA SQL_THREAD" : "STOP SLAVE SQL_THREAD");
            }
            assertRefused(adm, "CALL mysql.rds_start_replication()", "Replication might be running. First call mysql.rds_stop_replication.");
            assertRefused(adm, setMaster("rds_set_external_master", password, ""), RUNNING);
            // BROKEN without an applier error: nothing to skip, said as a message, not refused
            assertEquals("The replica SQL thread is running for the specified channel without encountering errors. "
                    + "Run SHOW REPLICA STATUS FOR CHANNEL '';", message(adm, "CALL mysql.rds_skip_repl_error()"));
            // stop then start repairs it
            assertEquals("Slave is now down or disabled", message(adm, "CALL mysql.rds_stop_replication()"));
            assertEquals("Replication started. Slave is now running normally.", message(adm, "CALL mysql.rds_start_replication()"));
        }
    }

    @Test
    void wrongPasswordStartFailsAndLeavesTheThreadsBroken() throws Exception {
        long mark = historyMark();
        try (Connection adm = TestBed.replicaAdmin()) {
            message(adm, setMaster("rds_set_external_master", "not-" + password, ""));
            assertRefused(adm, "CALL mysql.rds_start_replication()", START_ERROR);
            // nothing rolled back: the SQL thread still runs, so the state is BROKEN
            assertEquals("Yes", col(status(), "Replica_SQL_Running", "Slave_SQL_Running"));
            assertFalse("Yes".equals(col(status(), "Replica_IO_Running", "Slave_IO_Running")));
            assertRefused(adm, "CALL mysql.rds_start_replication()", "Replication might be running. First call mysql.rds_stop_replication.");
            assertEquals("Slave is now down or disabled", message(adm, "CALL mysql.rds_stop_replication()"));
        }
        // the failed start wrote its 'Starting' row and no 'start slave'
        List<String> actions = actionsSince(mark);
        assertEquals(List.of("Starting: set master", "set master", "Starting: start slave", "Starting: start slave",
                "Starting: stop slave", "stop slave"), actions);
    }

    @Test
    void skipReplErrorSkipsOneFailedEvent() throws Exception {
        if (replicaMysql) {
            // RDS's recipe (sql_replica_skip_counter = 1, stop, start) does not get past a failed GTID transaction on
            // MySQL 8.0 with gtid_mode=ON (seen on 8.0.31: same transaction fails again); RDS points GTID replicas to
            // rds_skip_transaction_with_gtid instead, which the emulation does not have.
            try (Connection root = TestBed.replicaRoot()) {
                assumeTrue("OFF".equals(one(root, "SELECT @@GLOBAL.gtid_mode")), "skip counter needs gtid_mode=OFF on MySQL");
            }
        }
        try (Connection adm = TestBed.replicaAdmin()) {
            message(adm, setMaster("rds_set_external_master", password, ""));
            message(adm, "CALL mysql.rds_start_replication()");
            try (Connection src = TestBed.sourceRoot()) {
                TestBed.exec(src, "CREATE DATABASE " + db, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v VARCHAR(20))");
            }
            TestBed.waitForReplica("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + db + "'", "1", 60);
            try (Connection root = TestBed.replicaRoot()) {
                TestBed.exec(root, "INSERT INTO " + db + ".t VALUES (1, 'replica-only')");
            }
            try (Connection src = TestBed.sourceRoot()) {
                TestBed.exec(src, "INSERT INTO " + db + ".t VALUES (1, 'conflict')", "INSERT INTO " + db + ".t VALUES (2, 'after')");
            }
            assertEquals("No", waitStatus("Replica_SQL_Running", "Slave_SQL_Running", "No", 60));
            List<String> messages = messages(adm, "CALL mysql.rds_skip_repl_error()");
            assertEquals(List.of("Statement in error has been skipped", "Slave is now running normally"), messages);
            assertEquals("after", TestBed.waitForReplica("SELECT v FROM " + db + ".t WHERE id = 2", "after", 60));
            try (Connection root = TestBed.replicaRoot()) {
                assertEquals("replica-only", one(root, "SELECT v FROM " + db + ".t WHERE id = 1"));
            }
        }
    }

    @Test
    void delayIsCheckedSetKeptAndCleared() throws Exception {
        try (Connection adm = TestBed.replicaAdmin()) {
            assertRefused(adm, setMaster("rds_set_external_master_with_delay", password, ", 86401"), DELAY_RANGE);
            assertRefused(adm, setMaster("rds_set_external_master_with_delay", password, ", -1"), DELAY_RANGE);
            assertTrue(status().isEmpty() || col(status(), "Source_Host", "Master_Host").isEmpty(), "a refused set configures nothing");

            message(adm, setMaster("rds_set_external_master_with_delay", password, ", 3600"));
            assertEquals("3600", status().get("SQL_Delay"));
            // the plain form does not touch the delay
            message(adm, setMaster("rds_set_external_master", password, ""));
            assertEquals("3600", status().get("SQL_Delay"));
            assertRefused(adm, "CALL mysql.rds_set_source_delay(86401)", DELAY_RANGE);
            assertRefused(adm, "CALL mysql.rds_set_source_delay(NULL)", DELAY_RANGE);
            assertEquals("source delay is set successfully.", message(adm, "CALL mysql.rds_set_source_delay(0)"));
            assertEquals("0", status().get("SQL_Delay"));
            message(adm, "CALL mysql.rds_set_configuration('source delay', 120)");
            assertEquals("120", status().get("SQL_Delay"));
            message(adm, setMaster("rds_set_external_master_with_delay", password, ", 0"));
            assertEquals("0", status().get("SQL_Delay"));
            try (Connection c = TestBed.replicaRoot()) {
                assertEquals("0", one(c, "SELECT value FROM mysql.rds_configuration WHERE name = 'source delay'"));
            }
            assertRefused(adm, "CALL mysql.rds_set_configuration('no such thing', 1)",
                    "Cannot set unknown configuration parameter 'no such thing' using mysql.rds_set_configuration.");
            assertRefused(adm, "CALL mysql.rds_set_configuration('binlog retention hours', 169)",
                    "For binlog retention hours the value must be between 1 and 168 inclusive or be NULL");
        }
    }

    @Test
    void readReplicaRefusesSetAndReset() throws Exception {
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "INSERT INTO mysql.rds_history(called_by_user, action, mysql_version, master_user) "
                    + "VALUES ('rdsadmin@localhost', 'disable set master', VERSION(), 'rdsrepladmin')");
        }
        try (Connection adm = TestBed.replicaAdmin()) {
            assertRefused(adm, setMaster("rds_set_external_master", password, ""), READ_REPLICA);
            assertRefused(adm, setMaster("rds_set_external_master_with_delay", password, ", 10"), READ_REPLICA);
            assertRefused(adm, "CALL mysql.rds_reset_external_master()", READ_REPLICA);
        }
    }

    @Test
    void masterUserCannotDriveReplicationDirectly() throws Exception {
        try (Connection adm = TestBed.replicaAdmin()) {
            String change = replicaMysql ? "CHANGE REPLICATION SOURCE TO SOURCE_HOST = 'x'" : "CHANGE MASTER TO MASTER_HOST = 'x'";
            String start = replicaMysql ? "START REPLICA" : "START SLAVE";
            String stop = replicaMysql ? "STOP REPLICA" : "STOP SLAVE";
            for (String sql : List.of(change, start, stop, "SET GLOBAL read_only = 0")) {
                SQLException e = assertThrows(SQLException.class, () -> TestBed.exec(adm, sql), sql);
                assertTrue(e.getErrorCode() == 1227, sql + ": " + e.getErrorCode() + " " + e.getMessage());
            }
            assertEquals("0", one(adm, "SELECT COUNT(*) FROM mysql.rds_history WHERE 1 = 0"), "the master user reads rds_history");
            if (replicaMysql) {
                // RDS for MySQL: REPLICATION CLIENT, so SHOW REPLICA STATUS works for the master user; no rds_replica_status
                TestBed.query(adm, "SHOW REPLICA STATUS");
                SQLException e = assertThrows(SQLException.class, () -> TestBed.exec(adm, "CALL mysql.rds_replica_status()"));
                assertEquals(1305, e.getErrorCode());
            } else {
                // RDS for MariaDB 10.5+: no SLAVE MONITOR; status only through mysql.rds_replica_status
                SQLException e = assertThrows(SQLException.class, () -> TestBed.exec(adm, "SHOW SLAVE STATUS"));
                assertEquals(1227, e.getErrorCode());
                message(adm, setMaster("rds_set_external_master", password, ""));
                List<Map<String, String>> rows = resultRows(adm, "CALL mysql.rds_replica_status()");
                assertEquals(1, rows.size());
                assertEquals(user, col(rows.get(0), "Source_User", "Master_User"));
                String[] v = replicaVersion.split("[.-]");
                boolean hasSlaveStatusTable = Integer.parseInt(v[0]) > 11 || Integer.parseInt(v[0]) == 11 && Integer.parseInt(v[1]) >= 6;
                if (hasSlaveStatusTable) {
                    // RDS's documented names, from information_schema.SLAVE_STATUS
                    for (String k : List.of("Replica_IO_State", "Source_Host", "Replica_IO_Running", "Replica_SQL_Running",
                            "Relay_Source_Log_File", "Exec_Source_Log_Pos", "Source_SSL_Allowed", "Seconds_Behind_Master",
                            "Using_Gtid", "Gtid_IO_Pos", "SQL_Delay")) {
                        assertTrue(rows.get(0).containsKey(k), k + " in " + rows.get(0).keySet());
                    }
                    assertFalse(rows.get(0).containsKey("Slave_IO_Running"));
                } else {
                    // before 11.6 a procedure cannot rename SHOW's columns: the server's own names
                    assertTrue(rows.get(0).containsKey("Slave_IO_Running"), rows.get(0).keySet().toString());
                }
            }
        }
    }

    // ---- MariaDB only ----------------------------------------------------------------------------------------

    @Test
    void mariadbGtidSetReplicatesAndMysqlOnlyProceduresAreAbsent() throws Exception {
        assumeFalse(replicaMysql, "RDS for MariaDB procedures");
        assumeFalse(sourceMysql, "MariaDB GTIDs need a MariaDB source");
        String gtid;
        try (Connection src = TestBed.sourceRoot()) {
            gtid = one(src, "SELECT @@gtid_binlog_pos");
        }
        try (Connection adm = TestBed.replicaAdmin()) {
            for (String absent : List.of("rds_set_external_master_with_auto_position('h', 1, 'u', 'p', 0, 0)",
                    "rds_start_replication_until('f', 4)", "rds_start_replication_until_gtid('x')",
                    "rds_set_external_source_gtid_purged('3e11fa47-71ca-11e1-9e33-c80aa9429562', 1, 2)",
                    "rds_set_external_source('h', 1, 'u', 'p', 'f', 4, 0)", "rds_next_master_log(1)")) {
                SQLException e = assertThrows(SQLException.class, () -> TestBed.exec(adm, "CALL mysql." + absent));
                assertEquals(1305, e.getErrorCode(), absent);
            }
            message(adm, "CALL mysql.rds_set_external_master_gtid('127.0.0.1', " + TestBed.sourcePort() + ", "
                    + literal(user) + ", " + literal(password) + ", " + literal(gtid) + ", 0)");
            assertEquals("Slave_Pos", status().get("Using_Gtid"));
            message(adm, "CALL mysql.rds_start_replication()");
            try (Connection src = TestBed.sourceRoot()) {
                TestBed.exec(src, "CREATE DATABASE " + db, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY)", "INSERT INTO " + db + ".t VALUES (7)");
            }
            assertEquals("7", TestBed.waitForReplica("SELECT id FROM " + db + ".t", "7", 60));
            message(adm, "CALL mysql.rds_stop_replication()");
            // GTID + delay: the _gtid form, then rds_set_source_delay
            assertEquals("source delay is set successfully.", message(adm, "CALL mysql.rds_set_source_delay(60)"));
            assertEquals("60", status().get("SQL_Delay"));
        }
    }

    // ---- MySQL only ------------------------------------------------------------------------------------------

    @Test
    void mysqlUntilRefusedForMultiThreadedReplicas() throws Exception {
        assumeTrue(replicaMysql, "RDS for MySQL procedures");
        String workers;
        try (Connection root = TestBed.replicaRoot()) {
            workers = one(root, "SELECT @@GLOBAL.replica_parallel_workers");
            TestBed.exec(root, "SET GLOBAL replica_parallel_workers = 4");
        }
        try (Connection adm = TestBed.replicaAdmin()) {
            message(adm, setMaster("rds_set_external_master", password, ""));
            String[] pos = sourcePosition();
            assertRefused(adm, "CALL mysql.rds_start_replication_until(" + literal(pos[0]) + ", " + pos[1] + ")",
                    "rds_start_replication_until is not supported for multi-threaded slaves");
            assertRefused(adm, "CALL mysql.rds_start_replication_until_gtid('3e11fa47-71ca-11e1-9e33-c80aa9429562:1-3')",
                    "rds_start_replication_until_gtid is not supported for multi-threaded slaves");
            try (Connection root = TestBed.replicaRoot()) {
                TestBed.exec(root, "SET GLOBAL replica_parallel_workers = 1");
            }
            assertRefused(adm, "CALL mysql.rds_start_replication_until(" + literal(pos[0]) + ", 0)",
                    "Invalid input: replication_stop_point cannot be NULL, less than or equal to 0");
            long far = Long.parseLong(pos[1]) + 1_000_000;   // beyond anything written: the SQL thread keeps running
            assertEquals("Replication started until MASTER_LOG_FILE = " + literal(pos[0]) + " and MASTER_LOG_POS = " + far,
                    message(adm, "CALL mysql.rds_start_replication_until(" + literal(pos[0]) + ", " + far + ")"));
            assertRefused(adm, "CALL mysql.rds_start_replication_until(" + literal(pos[0]) + ", " + pos[1] + ")",
                    "Replication may already be running. Call rds_stop_replication to stop replication");
        } finally {
            try (Connection root = TestBed.replicaRoot()) {
                resetAsRoot();
                TestBed.exec(root, "SET GLOBAL replica_parallel_workers = " + Integer.parseInt(workers));
            }
        }
    }

    @Test
    void mysqlAutoPositionAndGtidPurged() throws Exception {
        assumeTrue(replicaMysql && sourceMysql, "RDS for MySQL GTID procedures with a MySQL source");
        try (Connection root = TestBed.replicaRoot(); Connection src = TestBed.sourceRoot()) {
            assumeTrue("ON".equals(one(root, "SELECT @@GLOBAL.gtid_mode")) && "ON".equals(one(src, "SELECT @@GLOBAL.gtid_mode")),
                    "gtid_mode=ON on both servers");
        }
        String foreign = UUID.randomUUID().toString();
        // as after a consistent copy: the replica already holds everything the source executed so far
        try (Connection root = TestBed.replicaRoot(); Connection src = TestBed.sourceRoot()) {
            String missing = one(root, "SELECT GTID_SUBTRACT(" + literal(one(src, "SELECT @@GLOBAL.gtid_executed"))
                    + ", @@GLOBAL.gtid_executed)");
            if (!missing.isEmpty()) TestBed.exec(root, "SET GLOBAL gtid_purged = " + literal("+" + missing));
        }
        try (Connection adm = TestBed.replicaAdmin()) {
            assertRefused(adm, "CALL mysql.rds_set_external_source_gtid_purged('not-a-uuid', 1, 2)", "Invalid input value for server_uuid");
            assertRefused(adm, "CALL mysql.rds_set_external_source_gtid_purged(" + literal(foreign) + ", 0, 2)",
                    "Invalid input value for start_pos. The value of start_pos should be greater than or equal to 1");
            message(adm, "CALL mysql.rds_set_external_source_gtid_purged(" + literal(foreign) + ", 1, 5)");
            try (Connection root = TestBed.replicaRoot()) {
                assertTrue(one(root, "SELECT GTID_SUBSET(" + literal(foreign + ":1-5") + ", @@GLOBAL.gtid_purged)").equals("1"));
            }
            assertRefused(adm, "CALL mysql.rds_set_external_master_with_auto_position('127.0.0.1', " + TestBed.sourcePort() + ", "
                    + literal(user) + ", " + literal(password) + ", 1, 86401)", DELAY_RANGE);
            message(adm, "CALL mysql.rds_set_external_master_with_auto_position('127.0.0.1', " + TestBed.sourcePort() + ", "
                    + literal(user) + ", " + literal(password) + ", 1, 0)");
            assertEquals("1", status().get("Auto_Position"));
            message(adm, "CALL mysql.rds_start_replication()");
            assertRefused(adm, "CALL mysql.rds_set_external_source_gtid_purged(" + literal(UUID.randomUUID().toString()) + ", 1, 2)",
                    "You can't modify gtid_purged because replication is already running.");
            try (Connection src = TestBed.sourceRoot()) {
                TestBed.exec(src, "CREATE DATABASE " + db, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY)", "INSERT INTO " + db + ".t VALUES (9)");
            }
            assertEquals("9", TestBed.waitForReplica("SELECT id FROM " + db + ".t", "9", 60));
            message(adm, "CALL mysql.rds_stop_replication()");
            // the plain set turns auto-position off again
            message(adm, setMaster("rds_set_external_master", password, ""));
            assertEquals("0", status().get("Auto_Position"));
        }
    }

    @Test
    void mysql84SourceNamesBesideTheOldOnes() throws Exception {
        assumeTrue(replicaMysql, "RDS for MySQL procedures");
        String[] v = replicaVersion.split("[.-]");
        boolean is84 = Integer.parseInt(v[0]) > 8 || Integer.parseInt(v[0]) == 8 && Integer.parseInt(v[1]) >= 4;
        try (Connection adm = TestBed.replicaAdmin()) {
            if (!is84) {
                // generation mysql80: the 8.4 names do not exist
                SQLException e = assertThrows(SQLException.class, () -> TestBed.exec(adm, "CALL mysql.rds_reset_external_source()"));
                assertEquals(1305, e.getErrorCode());
                return;
            }
            message(adm, setMaster("rds_set_external_source_with_delay", password, ", 45"));
            assertEquals("45", status().get("SQL_Delay"));
            assertEquals("0", status().get("Auto_Position"));
            message(adm, setMaster("rds_set_external_source", password, ""));
            assertEquals("45", status().get("SQL_Delay"), "the plain form keeps the delay");
            message(adm, setMaster("rds_set_external_master", password, ""));   // the old name is still there
            assertEquals("Replication started. Slave is now running normally.", message(adm, "CALL mysql.rds_start_replication()"));
            assertRefused(adm, setMaster("rds_set_external_source", password, ""), RUNNING);
            assertEquals("Slave has been reset", message(adm, "CALL mysql.rds_reset_external_source()"));
            assertTrue(status().isEmpty());
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    String setMaster(String proc, String pw, String extraArgs) throws SQLException {
        String[] pos = sourcePosition();
        int ssl = sourceMysql ? 1 : 0;   // caching_sha2_password needs TLS; a MariaDB source here has no client certs
        return "CALL mysql." + proc + "('127.0.0.1', " + TestBed.sourcePort() + ", " + literal(user) + ", " + literal(pw)
                + ", " + literal(pos[0]) + ", " + pos[1] + ", " + ssl + extraArgs + ")";
    }

    static String[] sourcePosition() throws SQLException {
        try (Connection c = TestBed.sourceRoot()) {
            List<Map<String, String>> rows;
            try {
                rows = TestBed.query(c, "SHOW BINARY LOG STATUS");
            } catch (SQLException e) {
                rows = TestBed.query(c, "SHOW MASTER STATUS");
            }
            return new String[]{rows.get(0).get("File"), rows.get(0).get("Position")};
        }
    }

    static String literal(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    static void resetAsRoot() throws SQLException {
        try (Connection c = TestBed.replicaRoot()) {
            if (replicaMysql) {
                TestBed.exec(c, "STOP REPLICA", "RESET REPLICA ALL");
            } else {
                TestBed.exec(c, "STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL gtid_slave_pos = ''");
            }
        }
    }

    /** The replica's real status row, read as root (empty when nothing is configured). */
    static Map<String, String> status() throws SQLException {
        try (Connection c = TestBed.replicaRoot()) {
            List<Map<String, String>> rows = TestBed.query(c, replicaMysql ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS");
            return rows.isEmpty() ? Map.of() : rows.get(0);
        }
    }

    static String waitStatus(String name, String oldName, String expected, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        String last = null;
        while (System.nanoTime() < end) {
            last = col(status(), name, oldName);
            if (expected.equals(last)) return last;
            Thread.sleep(200);
        }
        return last;
    }

    static String col(Map<String, String> row, String name, String oldName) {
        String v = row.containsKey(name) ? row.get(name) : row.get(oldName);
        return v == null ? "" : v;
    }

    static String one(Connection c, String sql) throws SQLException {
        List<Map<String, String>> rows = TestBed.query(c, sql);
        return rows.isEmpty() ? null : rows.get(0).values().iterator().next();
    }

    static void assertRefused(Connection c, String sql, String text) {
        SQLException e = assertThrows(SQLException.class, () -> TestBed.exec(c, sql), sql);
        assertEquals(1644, e.getErrorCode(), sql + ": " + e.getMessage());
        assertEquals("45000", e.getSQLState(), sql);
        assertEquals(text, e.getMessage(), sql);
    }

    /** Calls and returns the first column of the first row of the first result set (null when none). */
    static String message(Connection c, String sql) throws SQLException {
        List<String> m = messages(c, sql);
        return m.isEmpty() ? null : m.get(0);
    }

    /** Calls and returns the first column of the first row of every result set. */
    static List<String> messages(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            boolean rs = st.execute(sql);
            while (true) {
                if (rs) {
                    try (ResultSet r = st.getResultSet()) {
                        if (r.next()) out.add(r.getString(1));
                    }
                } else if (st.getUpdateCount() == -1) {
                    break;
                }
                rs = st.getMoreResults();
            }
        }
        return out;
    }

    static List<Map<String, String>> resultRows(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            assertTrue(st.execute(sql), sql + " returns a result set");
            List<Map<String, String>> out = new ArrayList<>();
            try (ResultSet r = st.getResultSet()) {
                var md = r.getMetaData();
                while (r.next()) {
                    Map<String, String> row = new java.util.LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) row.put(md.getColumnLabel(i), r.getString(i));
                    out.add(row);
                }
            }
            return out;
        }
    }

    static long historyMark() throws SQLException {
        try (Connection c = TestBed.replicaRoot()) {
            String n = one(c, "SELECT COUNT(*) FROM mysql.rds_history");
            assertNotNull(n);
            return Long.parseLong(n);
        }
    }

    /** Actions written to mysql.rds_history since {@code mark} rows, in order. */
    static List<String> actionsSince(long mark) throws SQLException {
        return columnSince(mark, "action");
    }

    /** Distinct callers since {@code mark}. */
    static List<String> callersSince(long mark) throws SQLException {
        return columnSince(mark, "called_by_user").stream().distinct().toList();
    }

    static List<String> columnSince(long mark, String column) throws SQLException {
        try (Connection c = TestBed.replicaRoot()) {
            List<String> out = new ArrayList<>();
            long i = 0;
            for (Map<String, String> r : TestBed.query(c, "SELECT " + column + " AS v FROM mysql.rds_history")) {
                if (i++ >= mark) out.add(r.get("v"));
            }
            return out;
        }
    }
}
