package io.rdsreplication.provider.it;

import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.testing.ProviderProcess;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import pulumirpc.Provider;
import software.amazon.awssdk.services.rds.RdsClient;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ExternalMaster and ReplicationStart against the source and the RDS-like replica of whatever engine pair the test
 * bed runs (its emulated mysql.rds_* procedures refuse as RDS does), through the plugin process.
 */
@Tag("integration")
class ReplicationIT {
    static final String EM = "rdsreplication:index:ExternalMaster";
    static final String RS = "rdsreplication:index:ReplicationStart";
    static final String USER = "repl_it";
    /** Quotes and a backslash, and at most 32 characters with the rotation prefix (MySQL's limit). */
    static final String PW = "pw-'\\\"-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    static ProviderProcess p;
    static String db;

    /** MySQL 8.4 and later: the `*_source*` procedure names. */
    static boolean sourceNames() {
        String v = TestBed.env().getOrDefault("REPLICA_VERSION", "");
        return TestBed.replicaIsMysql() && (v.startsWith("8.4") || v.matches("^(9|[1-9][0-9])\\..*"));
    }

    static String proc(String masterName) {
        return sourceNames() ? masterName.replace("external_master", "external_source") : masterName;
    }

    @BeforeAll
    static void start() throws Exception {
        p = ProviderProcess.start(Map.of(), "-v=9").configureTestBed();
        db = TestBed.unique("repit");
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "DROP USER IF EXISTS '" + USER + "'@'127.0.0.1'");
            try (PreparedStatement ps = c.prepareStatement("CREATE USER '" + USER + "'@'127.0.0.1' IDENTIFIED BY ?")) {
                ps.setString(1, PW);
                ps.execute();
            }
            TestBed.exec(c, "GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO '" + USER + "'@'127.0.0.1'");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        TestBed.resetReplica();
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "DROP USER IF EXISTS '" + USER + "'@'127.0.0.1'", "DROP DATABASE IF EXISTS " + db);
        }
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "DROP DATABASE IF EXISTS " + db);
        }
        assertFalse(p.log().contains(PW), "the replication password reached the provider log");
        p.close();
    }

    @BeforeEach
    void clean() throws Exception {
        TestBed.resetReplica();
        // the account's password as created (a test rotates it), kept off the binlog
        try (Connection c = TestBed.sourceRoot(); PreparedStatement ps = c.prepareStatement("ALTER USER '" + USER + "'@'127.0.0.1' IDENTIFIED BY ?")) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0");
            ps.setString(1, PW);
            ps.execute();
        }
        // every test starts from the same data on both sides: the database exists on neither
        sourceExec("DROP DATABASE IF EXISTS " + db);
        replicaExec("DROP DATABASE IF EXISTS " + db);
    }

    static Map<String, Object> emInputs(Object... kv) throws Exception {
        String[] pos = TestBed.sourcePosition();
        Map<String, Object> m = new LinkedHashMap<>(Map.of("sourceHost", "127.0.0.1", "sourcePort", (double) TestBed.sourcePort(),
                "replicationUser", USER, "replicationPassword", new Secret(PW), "binlogFile", pos[0],
                "binlogPosition", Double.parseDouble(pos[1])));
        // MySQL's default caching_sha2_password needs an encrypted link (the 2061 diagnosis otherwise)
        if (TestBed.sourceIsMysql()) m.put("sslEncryption", true);
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) m.remove((String) kv[i]);
            else m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    record Created(String id, Map<String, Object> state, Map<String, Object> inputs) {
    }

    static Created create(ProviderProcess pp, String type, Map<String, Object> news) {
        Map<String, Object> in = pp.checked(type, Map.of(), news);
        var r = pp.create(type, in, false);
        return new Created(r.getId(), ProviderProcess.decode(r.getProperties()), in);
    }

    /** Check, then Update, of {@code c} with some inputs changed; returns the new state and inputs. */
    static Created update(String type, Created c, Object... kv) {
        Map<String, Object> news = new LinkedHashMap<>(c.inputs());
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) news.remove((String) kv[i]);
            else news.put((String) kv[i], kv[i + 1]);
        }
        Map<String, Object> in = p.checked(type, c.inputs(), news);
        return new Created(c.id(), ProviderProcess.decode(p.update(type, c.id(), c.state(), in).getProperties()), in);
    }

    static String status() {
        try {
            return TestBed.replicaStatus().toString();
        } catch (Exception e) {
            return e.toString();
        }
    }

    static String st(String column) throws Exception {
        return TestBed.replicaStatus().get(column);
    }

    static boolean notConfigured() throws Exception {
        var s = TestBed.replicaStatus();
        return s.isEmpty() || s.get("Master_Host") == null || s.get("Master_Host").isEmpty();
    }

    static void sourceExec(String... sql) throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, sql);
        }
    }

    static void replicaExec(String... sql) throws Exception {
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, sql);
        }
    }

    /** Rows in mysql.rds_history: proof of which procedure calls were (not) made. */
    static int history() throws Exception {
        try (Connection c = TestBed.replicaRoot()) {
            return Integer.parseInt(TestBed.query(c, "SELECT COUNT(*) AS n FROM mysql.rds_history").get(0).get("n"));
        }
    }

    static String lastHistory() throws Exception {
        try (Connection c = TestBed.replicaRoot()) {
            var rows = TestBed.query(c, "SELECT action FROM mysql.rds_history ORDER BY action_timestamp DESC LIMIT 1");
            return rows.isEmpty() ? "" : rows.get(0).get("action");
        }
    }

    static void table(String name) throws Exception {
        sourceExec("CREATE DATABASE IF NOT EXISTS " + db, "CREATE TABLE IF NOT EXISTS " + db + "." + name + " (id INT PRIMARY KEY, v VARCHAR(40))");
    }

    static Created runningReplication(Object... emKv) throws Exception {
        Created em = create(p, EM, emInputs(emKv));
        create(p, RS, Map.of("externalMasterId", em.id(), "timeoutSeconds", 60.0));
        assertEquals("Yes", st("Slave_IO_Running"), ReplicationIT::status);
        assertEquals("Yes", st("Slave_SQL_Running"), ReplicationIT::status);
        return em;
    }

    @Test
    void binlogPositionLifecycleWithDriftRepairAndPasswordRotationUnderLoad() throws Exception {
        Created em = create(p, EM, emInputs("dbInstanceIdentifier", TestBed.get("DB_INSTANCE_ID")));
        assertEquals(proc("rds_set_external_master"), em.state().get("procedure"));
        assertEquals(TestBed.replicaIsMysql() ? "mysql" : "mariadb", em.state().get("engineFlavor"));
        assertTrue(em.id().startsWith("127.0.0.1:" + TestBed.replicaPort() + "/"), em.id());
        assertEquals("127.0.0.1", st("Master_Host"));

        Created rs = create(p, RS, Map.of("externalMasterId", em.id(), "maxLagSeconds", 5.0, "timeoutSeconds", 60.0));
        assertEquals(true, rs.state().get("ioRunning"));
        assertEquals(true, rs.state().get("sqlRunning"));
        assertTrue(((String) rs.state().get("appliedSourceLogFile")).matches(".*\\.\\d{6}"));

        table("t");
        sourceExec("INSERT INTO " + db + ".t VALUES (1, 'after start')");
        assertEquals("after start", TestBed.waitForReplica("SELECT v FROM " + db + ".t WHERE id = 1", "after start", 30));

        // nothing changed: no diff for either
        assertEquals(Provider.DiffResponse.DiffChanges.DIFF_NONE,
                p.diff(EM, em.id(), ProviderProcess.decode(p.read(EM, em.id(), em.state(), em.inputs()).getProperties()),
                        p.checked(EM, em.inputs(), em.inputs())).getChanges());

        // drift: replication stopped by hand (both threads) shows on read and is started again by update
        replicaExec("STOP REPLICA");
        Map<String, Object> read = ProviderProcess.decode(p.read(RS, rs.id(), rs.state(), rs.inputs()).getProperties());
        assertEquals(false, read.get("ioRunning"));
        var drift = p.diff(RS, rs.id(), read, rs.inputs());
        assertEquals(Provider.DiffResponse.DiffChanges.DIFF_SOME, drift.getChanges());
        assertEquals(0, drift.getReplacesCount());
        Map<String, Object> repaired = ProviderProcess.decode(p.update(RS, rs.id(), read, rs.inputs()).getProperties());
        assertEquals(true, repaired.get("ioRunning"));
        assertEquals("Yes", st("Slave_SQL_Running"));

        // rotate the replication password while a writer keeps inserting: no row lost, none applied twice
        String pw2 = "rot-" + PW;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger(1);
        Thread writer = new Thread(() -> {
            try (Connection c = TestBed.sourceRoot(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + db + ".t VALUES (?, 'load')")) {
                for (int i = 2; i < 3000 && !stop.get(); i++) {
                    ps.setInt(1, i);
                    ps.execute();
                    written.set(i);
                    Thread.sleep(2);
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        writer.start();
        Thread.sleep(300);
        try (Connection c = TestBed.sourceRoot(); PreparedStatement ps = c.prepareStatement("ALTER USER '" + USER + "'@'127.0.0.1' IDENTIFIED BY ?")) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0"); // as ReplicationUser does: account changes stay off the binlog
            ps.setString(1, pw2);
            ps.execute();
        }
        Map<String, Object> news2 = new LinkedHashMap<>(em.inputs());
        news2.put("replicationPassword", new Secret(pw2));
        Map<String, Object> in2 = p.checked(EM, em.inputs(), news2);
        var d = p.diff(EM, em.id(), em.state(), in2);
        assertEquals(Provider.PropertyDiff.Kind.UPDATE, d.getDetailedDiffOrThrow("replicationPassword").getKind());
        assertEquals(0, d.getReplacesCount());
        Map<String, Object> emState2 = ProviderProcess.decode(p.update(EM, em.id(), em.state(), in2).getProperties());
        Thread.sleep(300);
        stop.set(true);
        writer.join(30_000);
        int n = written.get();
        assertEquals(String.valueOf(n), TestBed.waitForReplica("SELECT COUNT(*) FROM " + db + ".t", String.valueOf(n), 60),
                () -> "every row written during the rotation arrived exactly once; replica status: " + status());
        assertEquals(String.valueOf(n), TestBed.waitForReplica("SELECT MAX(id) FROM " + db + ".t", String.valueOf(n), 5));
        var s = TestBed.replicaStatus();
        assertEquals("Yes", s.get("Slave_IO_Running"));
        assertEquals("Yes", s.get("Slave_SQL_Running"));
        assertEquals("0", s.get("Last_SQL_Errno"));
        assertTrue(n > 10, "the writer wrote during the rotation: " + n);

        // delete in order: stop, then reset
        p.delete(RS, rs.id(), repaired);
        s = TestBed.replicaStatus();
        assertEquals("No", s.get("Slave_IO_Running"));
        assertEquals("No", s.get("Slave_SQL_Running"));
        p.delete(EM, em.id(), emState2);
        assertTrue(notConfigured(), "replication is reset");
        assertEquals("", p.read(EM, em.id(), emState2, in2).getId());
        assertEquals("", p.read(RS, rs.id(), repaired, rs.inputs()).getId());
    }

    /** RDS refuses rds_start_replication on a half-running replica: the repair stops it first, then starts it. */
    @Test
    void brokenReplicaIsRepairedByStopThenStart() throws Exception {
        Created em = create(p, EM, emInputs());
        Created rs = create(p, RS, Map.of("externalMasterId", em.id(), "timeoutSeconds", 60.0));
        table("b");
        replicaExec("STOP REPLICA SQL_THREAD");
        sourceExec("INSERT INTO " + db + ".b VALUES (1, 'while broken')");
        assertEquals("Yes", st("Slave_IO_Running"));
        assertEquals("No", st("Slave_SQL_Running"));
        // what RDS itself says to a plain start now
        try (Connection c = TestBed.connect(TestBed.replicaPort(), TestBed.get("REPLICA_ADMIN_USER"), TestBed.get("REPLICA_ADMIN_PASSWORD"))) {
            var e = assertThrows(java.sql.SQLException.class, () -> TestBed.exec(c, "CALL mysql.rds_start_replication()"));
            assertTrue(e.getMessage().contains("Replication might be running"), e.getMessage());
        }
        Map<String, Object> read = ProviderProcess.decode(p.read(RS, rs.id(), rs.state(), rs.inputs()).getProperties());
        assertEquals(true, read.get("ioRunning"));
        assertEquals(false, read.get("sqlRunning"));
        assertEquals(Provider.DiffResponse.DiffChanges.DIFF_SOME, p.diff(RS, rs.id(), read, rs.inputs()).getChanges());
        Map<String, Object> repaired = ProviderProcess.decode(p.update(RS, rs.id(), read, rs.inputs()).getProperties());
        assertEquals(true, repaired.get("sqlRunning"), ReplicationIT::status);
        assertEquals("while broken", TestBed.waitForReplica("SELECT v FROM " + db + ".b WHERE id = 1", "while broken", 30));
        p.delete(RS, rs.id(), repaired);
        p.delete(EM, em.id(), em.state());
    }

    /** Replication stopped by hand: destroy still works, and deleting twice changes nothing. */
    @Test
    void deleteToleratesAStoppedReplicaAndRunsTwice() throws Exception {
        Created em = create(p, EM, emInputs());
        Created rs = create(p, RS, Map.of("externalMasterId", em.id(), "timeoutSeconds", 60.0));
        try (Connection c = TestBed.connect(TestBed.replicaPort(), TestBed.get("REPLICA_ADMIN_USER"), TestBed.get("REPLICA_ADMIN_PASSWORD"))) {
            TestBed.exec(c, "CALL mysql.rds_stop_replication()");
        }
        p.delete(RS, rs.id(), rs.state());
        p.delete(RS, rs.id(), rs.state());
        assertEquals("No", st("Slave_IO_Running"));
        p.delete(EM, em.id(), em.state());
        p.delete(EM, em.id(), em.state());
        assertTrue(notConfigured());
    }

    /** Plain rds_set_external_master keeps an existing delay: set, changed and cleared must reach the replica. */
    @Test
    void delayIsSetChangedAndCleared() throws Exception {
        Created em = create(p, EM, emInputs("delaySeconds", 60.0));
        assertEquals(proc("rds_set_external_master_with_delay"), em.state().get("procedure"));
        assertEquals("60", st("SQL_Delay"));
        Created rs = create(p, RS, Map.of("externalMasterId", em.id(), "timeoutSeconds", 60.0));
        Created em2 = update(EM, em, "delaySeconds", 30.0);
        assertEquals("30", st("SQL_Delay"));
        assertEquals("Yes", st("Slave_SQL_Running"), "replication was running and runs again");
        Created em3 = update(EM, em2, "delaySeconds", null);
        assertEquals("0", st("SQL_Delay"), "removing delaySeconds clears the delay on the replica");
        assertEquals("Yes", st("Slave_IO_Running"));
        // and a refresh shows no drift
        var read = p.read(EM, em.id(), em3.state(), em3.inputs());
        assertEquals(Provider.DiffResponse.DiffChanges.DIFF_NONE,
                p.diff(EM, em.id(), ProviderProcess.decode(read.getProperties()), em3.inputs()).getChanges());
        p.delete(RS, rs.id(), rs.state());
        p.delete(EM, em.id(), em3.state());
    }

    @Test
    void mariadbGtidPositionWithDelay() throws Exception {
        assumeTrue(!TestBed.sourceIsMysql() && !TestBed.replicaIsMysql(), "MariaDB GTID positions need a MariaDB source and instance");
        String gtid;
        try (Connection c = TestBed.sourceRoot()) {
            gtid = TestBed.query(c, "SELECT @@gtid_binlog_pos AS g").get(0).get("g");
        }
        Created em = create(p, EM, emInputs("binlogFile", null, "binlogPosition", null, "gtid", gtid, "delaySeconds", 2.0));
        assertEquals("rds_set_external_master_gtid", em.state().get("procedure"));
        assertEquals("Slave_Pos", st("Using_Gtid"));
        assertEquals("2", st("SQL_Delay"), "_gtid takes no delay: rds_set_source_delay set it");
        Created rs = create(p, RS, Map.of("externalMasterId", em.id(), "timeoutSeconds", 60.0));
        assertEquals(true, rs.state().get("sqlRunning"));
        table("g");
        sourceExec("INSERT INTO " + db + ".g VALUES (7, 'gtid')");
        assertEquals("7", TestBed.waitForReplica("SELECT MAX(id) FROM " + db + ".g", "7", 30));
        Created em2 = update(EM, em, "delaySeconds", null);
        assertEquals("0", st("SQL_Delay"));
        assertEquals("Slave_Pos", st("Using_Gtid"));
        p.delete(RS, rs.id(), rs.state());
        p.delete(EM, em.id(), em2.state());
    }

    /** An update the engine cannot do is refused before replication is stopped. */
    @Test
    void refusedUpdateLeavesReplicationRunning() throws Exception {
        Created em = runningReplication();
        int before = history();
        var e = assertThrows(StatusRuntimeException.class, () -> update(EM, em, "binlogFile", null, "binlogPosition", null,
                TestBed.replicaIsMysql() ? "gtid" : "autoPosition", TestBed.replicaIsMysql() ? "0-1-5" : true));
        assertTrue(e.getStatus().getDescription().contains(TestBed.replicaIsMysql() ? "gtid" : "autoPosition"), e.getMessage());
        assertEquals(before, history(), "no procedure was called");
        assertEquals("Yes", st("Slave_IO_Running"));
        assertEquals("Yes", st("Slave_SQL_Running"));
    }

    /**
     * The starting position is consumed once: a lagging replica (SQL thread stopped, rows written on the source) and a
     * position input that moved to the source's current coordinates re-point nothing; repairing replication then
     * delivers every row exactly once.
     */
    @Test
    void laggingReplicaNeverSkipsEvents() throws Exception {
        Created em = create(p, EM, emInputs());
        Created rs = create(p, RS, Map.of("externalMasterId", em.id(), "timeoutSeconds", 60.0));
        table("lag");
        sourceExec("INSERT INTO " + db + ".lag VALUES (0, 'before')");
        assertEquals("0", TestBed.waitForReplica("SELECT MAX(id) FROM " + db + ".lag", "0", 30));
        replicaExec("STOP REPLICA SQL_THREAD");
        for (int i = 1; i <= 50; i++) sourceExec("INSERT INTO " + db + ".lag VALUES (" + i + ", 'lagging')");
        // the program's position input now says the source's current coordinates (getSourceStatus after the writes)
        Map<String, Object> moved = emInputs();
        Map<String, Object> in = p.checked(EM, em.inputs(), moved);
        var d = p.diff(EM, em.id(), em.state(), in);
        assertEquals(Provider.DiffResponse.DiffChanges.DIFF_NONE, d.getChanges(), d.toString());
        // refresh + up: the broken replica is repaired from where it stopped
        Map<String, Object> read = ProviderProcess.decode(p.read(RS, rs.id(), rs.state(), rs.inputs()).getProperties());
        p.update(RS, rs.id(), read, rs.inputs());
        assertEquals("51", TestBed.waitForReplica("SELECT COUNT(*) FROM " + db + ".lag", "51", 60), ReplicationIT::status);
        assertEquals("1275", TestBed.waitForReplica("SELECT SUM(id) FROM " + db + ".lag", "1275", 5), "every row once");
        assertEquals("0", st("Last_SQL_Errno"));
        p.delete(RS, rs.id(), rs.state());
        p.delete(EM, em.id(), em.state());
    }

    @Test
    void startUntilIsRefusedOnAMultiThreadedReplicaThenRunsWithOneWorker() throws Exception {
        assumeTrue(TestBed.replicaIsMysql(), "replication until a position is RDS for MySQL only");
        Created em = create(p, EM, emInputs());
        table("u");
        sourceExec("INSERT INTO " + db + ".u VALUES (1, 'a')");
        String[] stopAt = TestBed.sourcePosition();
        sourceExec("INSERT INTO " + db + ".u VALUES (2, 'b')");
        Map<String, Object> until = Map.of("externalMasterId", em.id(), "untilBinlogFile", stopAt[0],
                "untilBinlogPosition", Double.parseDouble(stopAt[1]), "timeoutSeconds", 60.0);
        String workers;
        try (Connection c = TestBed.replicaRoot()) {
            workers = TestBed.query(c, "SELECT @@GLOBAL.replica_parallel_workers AS w").get(0).get("w");
        }
        assertTrue(Integer.parseInt(workers) > 1, "the test bed keeps MySQL's default of several workers, as RDS's parameter group: " + workers);
        int before = history();
        var e = assertThrows(StatusRuntimeException.class, () -> create(p, RS, until));
        assertTrue(e.getStatus().getDescription().contains("untilBinlogFile")
                && e.getStatus().getDescription().contains("parameter group"), e.getMessage());
        assertEquals(before, history(), "refused before calling rds_start_replication_until");
        replicaExec("SET GLOBAL replica_parallel_workers = 1");
        try {
            Created rs = create(p, RS, until);
            assertEquals(true, rs.state().get("ioRunning"));
            assertEquals("1", TestBed.waitForReplica("SELECT COUNT(*) FROM " + db + ".u", "1", 30), "stopped before row 2");
            Thread.sleep(1000);
            assertEquals("1", TestBed.waitForReplica("SELECT COUNT(*) FROM " + db + ".u", "1", 1));
            assertEquals("No", st("Slave_SQL_Running"));
            // a stopped SQL thread is what was asked for: no drift
            var read = ProviderProcess.decode(p.read(RS, rs.id(), rs.state(), rs.inputs()).getProperties());
            assertEquals(Provider.DiffResponse.DiffChanges.DIFF_NONE, p.diff(RS, rs.id(), read, rs.inputs()).getChanges());
            p.delete(RS, rs.id(), rs.state());
            p.delete(EM, em.id(), em.state());
        } finally {
            TestBed.resetReplica();
            replicaExec("SET GLOBAL replica_parallel_workers = " + workers);
        }
    }

    /**
     * A copy made elsewhere, then GTID auto-positioning: without rds_set_external_source_gtid_purged the replica would
     * ask for (and re-apply) every transaction the copy already holds.
     */
    @Test
    void autoPositionAfterACopyRecordsTheCopysGtidsAsPurged() throws Exception {
        assumeTrue(TestBed.sourceIsMysql() && TestBed.replicaIsMysql(), "MySQL GTID auto-positioning");
        table("a");
        sourceExec("INSERT INTO " + db + ".a VALUES (1, 'copied'), (2, 'copied')");
        String set;
        try (Connection c = TestBed.sourceRoot()) {
            set = TestBed.query(c, "SELECT @@GLOBAL.gtid_executed AS g").get(0).get("g");
        }
        // the "copy": the same rows on the replica, written outside replication
        replicaExec("SET SESSION sql_log_bin = 0", "CREATE DATABASE " + db,
                "CREATE TABLE " + db + ".a (id INT PRIMARY KEY, v VARCHAR(40))", "INSERT INTO " + db + ".a VALUES (1, 'copied'), (2, 'copied')");
        Created em = create(p, EM, emInputs("binlogFile", null, "binlogPosition", null, "gtid", set));
        assertEquals(proc("rds_set_external_master_with_auto_position"), em.state().get("procedure"));
        assertEquals("1", st("Auto_Position"));
        try (Connection c = TestBed.replicaRoot()) {
            String executed = TestBed.query(c, "SELECT GTID_SUBSET('" + set.replace("\n", "") + "', @@GLOBAL.gtid_executed) AS s").get(0).get("s");
            assertEquals("1", executed, "the copy's GTIDs are recorded on the replica");
        }
        Created rs = create(p, RS, Map.of("externalMasterId", em.id(), "timeoutSeconds", 60.0));
        sourceExec("INSERT INTO " + db + ".a VALUES (3, 'replicated')");
        assertEquals("3", TestBed.waitForReplica("SELECT COUNT(*) FROM " + db + ".a", "3", 30), ReplicationIT::status);
        assertEquals("0", st("Last_SQL_Errno"), "nothing applied twice (no duplicate key)");
        p.delete(RS, rs.id(), rs.state());
        p.delete(EM, em.id(), em.state());
    }

    @Test
    void aLongReplicationPasswordIsRefusedForMysqlBeforeAnyCall() throws Exception {
        assumeTrue(TestBed.replicaIsMysql(), "MySQL refuses replication passwords over 32 characters (error 3056)");
        int before = history();
        var e = assertThrows(StatusRuntimeException.class, () -> create(p, EM, emInputs("replicationPassword", new Secret("x".repeat(33)))));
        assertTrue(e.getStatus().getDescription().contains("replicationPassword") && e.getStatus().getDescription().contains("32"), e.getMessage());
        assertEquals(before, history());
        assertTrue(notConfigured());
    }

    /** A procedure that reports success but does nothing (old RDS bodies answered with a result row) is caught. */
    @Test
    void aProcedureThatDoesNotDoWhatItSaysIsCaught() throws Exception {
        Created em = create(p, EM, emInputs());
        String original;
        try (Connection c = TestBed.replicaRoot()) {
            original = TestBed.query(c, "SHOW CREATE PROCEDURE mysql.rds_set_source_delay").get(0).get("Create Procedure");
            TestBed.exec(c, "DROP PROCEDURE mysql.rds_set_source_delay",
                    "CREATE DEFINER=CURRENT_USER PROCEDURE mysql.rds_set_source_delay(delay INT) SELECT 'Delay set' AS Message");
        }
        try {
            var e = assertThrows(StatusRuntimeException.class, () -> update(EM, em, "delaySeconds", 45.0));
            assertTrue(e.getStatus().getDescription().contains("delay"), e.getMessage());
        } finally {
            try (Connection c = TestBed.replicaRoot()) {
                TestBed.exec(c, "DROP PROCEDURE IF EXISTS mysql.rds_set_source_delay", "USE mysql", original);
                TestBed.exec(c, "GRANT EXECUTE ON PROCEDURE mysql.rds_set_source_delay TO '" + TestBed.get("REPLICA_ADMIN_USER") + "'@'127.0.0.1'");
            }
        }
        p.delete(EM, em.id(), em.state());
    }

    static String startFailure(Map<String, Object> emNews) throws Exception {
        Created em = create(p, EM, emNews);
        try {
            var e = assertThrows(StatusRuntimeException.class, () -> create(p, RS, Map.of("externalMasterId", em.id(), "timeoutSeconds", 30.0)));
            var status = StatusProto.fromThrowable(e);
            assertTrue(status != null && status.getDetailsCount() == 1, "ErrorResourceInitFailed detail: " + e);
            var init = status.getDetails(0).unpack(Provider.ErrorResourceInitFailed.class);
            assertEquals("127.0.0.1:" + TestBed.replicaPort(), init.getId(), "the half-made resource is reported");
            assertFalse(e.getMessage().contains(PW));
            return e.getStatus().getDescription();
        } finally {
            p.delete(RS, "127.0.0.1:" + TestBed.replicaPort(), em.inputs());
            p.delete(EM, em.id(), em.state());
        }
    }

    @Test
    void diagnosesWrongPassword() throws Exception {
        String msg = startFailure(emInputs("replicationPassword", new Secret("wrong-password")));
        assertTrue(msg.contains("the replication user's password is wrong"), msg);
    }

    @Test
    void diagnosesUnreachableSource() throws Exception {
        String msg = startFailure(emInputs("sourcePort", 1.0));
        assertTrue(msg.contains("check the security group and the source's firewall"), msg);
    }

    @Test
    void diagnosesPurgedBinlog() throws Exception {
        String file = TestBed.sourcePosition()[0].replaceAll("\\d{6}$", "000999");
        String msg = startFailure(emInputs("binlogFile", file, "binlogPosition", 4.0));
        assertTrue(msg.contains("the source no longer has binlog") && msg.contains("take a new snapshot"), msg);
    }

    @Test
    void diagnosesEqualServerIds() throws Exception {
        // point the replica at itself: both have server_id 2
        replicaExec("CREATE USER IF NOT EXISTS '" + USER + "'@'127.0.0.1' IDENTIFIED BY 'self'",
                "GRANT REPLICATION SLAVE ON *.* TO '" + USER + "'@'127.0.0.1'");
        try {
            String msg = startFailure(emInputs("sourcePort", (double) TestBed.replicaPort(), "replicationPassword", new Secret("self"),
                    "sslEncryption", TestBed.replicaIsMysql()));
            assertTrue(msg.contains("same server_id"), msg);
        } finally {
            replicaExec("DROP USER IF EXISTS '" + USER + "'@'127.0.0.1'");
        }
    }

    @Test
    void startingWithoutConfigurationSaysWhatToDo() throws Exception {
        var e = assertThrows(StatusRuntimeException.class, () -> create(p, RS, Map.of("externalMasterId", "x", "timeoutSeconds", 10.0)));
        assertTrue(e.getStatus().getDescription().contains("ExternalMaster resource must exist first"), e.getMessage());
    }

    @Test
    void alreadyConfiguredReplicaIsRefusedAndCanBeImported() throws Exception {
        Created em = create(p, EM, emInputs());
        var e = assertThrows(StatusRuntimeException.class, () -> create(p, EM, emInputs()));
        assertTrue(e.getStatus().getDescription().contains("pulumi import " + EM), e.getMessage());
        var imported = p.read(EM, "127.0.0.1:" + TestBed.replicaPort(), Map.of(), Map.of());
        assertEquals("127.0.0.1:" + TestBed.replicaPort(), imported.getId());
        Map<String, Object> in = ProviderProcess.decode(imported.getInputs());
        assertEquals(USER, in.get("replicationUser"));
        assertEquals((double) TestBed.sourcePort(), in.get("sourcePort"));
        var d = p.diff(EM, imported.getId(), ProviderProcess.decode(imported.getProperties()), p.checked(EM, in, emInputs()));
        assertEquals(Provider.DiffResponse.DiffChanges.DIFF_NONE, d.getChanges(), d.toString());
        p.delete(EM, em.id(), em.state());
    }

    /** RDS marks a read replica in mysql.rds_history; its procedures then refuse, and the provider names the cause. */
    @Test
    void anRdsReadReplicaIsRecognisedAndNamed() throws Exception {
        String marker = "FROM mysql.rds_history WHERE action = 'disable set master' AND master_user = 'rdsrepladmin'";
        replicaExec("INSERT INTO mysql.rds_history (called_by_user, action, mysql_version, master_user) VALUES ('rdsadmin@localhost', 'disable set master', VERSION(), 'rdsrepladmin')");
        try {
            var e = assertThrows(StatusRuntimeException.class, () -> create(p, EM, emInputs()));
            String msg = e.getStatus().getDescription();
            assertTrue(msg.contains("RDS read replica") && msg.contains("promote it first"), msg);
            assertTrue(notConfigured());
        } finally {
            replicaExec("DELETE " + marker);
        }
    }

    @Test
    void preflightRefusesAnInstanceWithoutAutomatedBackups() throws Exception {
        String id = TestBed.unique("nobackup");
        try (RdsClient rds = TestBed.rds()) {
            rds.createDBInstance(b -> b.dbInstanceIdentifier(id).dbInstanceClass("db.t3.micro").engine("mariadb")
                    .engineVersion("10.11.9").masterUsername("admin").masterUserPassword("unused-pw").allocatedStorage(20)
                    .backupRetentionPeriod(0));
            var e = assertThrows(StatusRuntimeException.class, () -> create(p, EM, emInputs("dbInstanceIdentifier", id)));
            assertTrue(e.getStatus().getDescription().contains("automated backups are off"), e.getMessage());
            assertTrue(notConfigured(), "nothing was configured");
        }
    }

    /** Whether the replica has RDS's multi-source procedures (RDS for MySQL 8.0.35+, 8.4; the test bed's MySQL generations). */
    static boolean hasChannels() throws Exception {
        try (Connection c = TestBed.replicaRoot()) {
            return !TestBed.query(c, "SELECT 1 AS x FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'mysql' "
                    + "AND ROUTINE_NAME = 'rds_set_external_source_for_channel'").isEmpty();
        }
    }

    /**
     * A named channel: where the RDS instance has no multi-source procedures (RDS for MariaDB, older MySQL) it is
     * refused naming the field before any procedure is called; where it has them, the channel is configured, started
     * and read on its own (the default channel stays unconfigured), and delete removes that channel only.
     */
    @Test
    void aNamedChannelIsItsOwnReplicationOrRefusedByName() throws Exception {
        if (!TestBed.replicaIsMysql() || !hasChannels()) {
            int before = history();
            var e = assertThrows(StatusRuntimeException.class, () -> create(p, EM, emInputs("channel", "it_a")));
            assertTrue(e.getStatus().getDescription().contains("channel"), e.getMessage());
            assertTrue(e.getStatus().getDescription().contains(TestBed.replicaIsMysql() ? "8.0.35" : "MariaDB"), e.getMessage());
            assertEquals(before, history(), "nothing was called on the RDS instance");
            assertTrue(notConfigured(), ReplicationIT::status);
            return;
        }
        Created em = create(p, EM, emInputs("channel", "it_a"));
        table("ch"); // after the starting position: replicated
        assertEquals("rds_set_external_source_for_channel", em.state().get("procedure"));
        assertTrue(em.id().contains("#it_a"), em.id());
        Created rs = create(p, RS, Map.of("externalMasterId", em.id(), "channel", "it_a", "timeoutSeconds", 60.0));
        assertEquals(true, rs.state().get("ioRunning"));
        var row = TestBed.channelStatus("it_a");
        assertEquals("Yes", row.get("Replica_IO_Running"), row::toString);
        assertEquals("Yes", row.get("Replica_SQL_Running"), row::toString);
        assertTrue(TestBed.channelStatus("").isEmpty(), "the default channel stays unconfigured");
        sourceExec("INSERT INTO " + db + ".ch VALUES (1, 'one')");
        assertEquals("1", TestBed.waitForReplica("SELECT COUNT(*) FROM " + db + ".ch", "1", 60));
        // read: the channel's own row; the default channel's reader sees nothing configured
        var read = p.read(EM, em.id(), em.state(), em.inputs());
        assertEquals(em.id(), read.getId());
        assertEquals("it_a", ProviderProcess.decode(read.getInputs()).get("channel"));
        var d = p.diff(EM, em.id(), ProviderProcess.decode(read.getProperties()), p.checked(EM, em.inputs(), em.inputs()));
        assertEquals(Provider.DiffResponse.DiffChanges.DIFF_NONE, d.getChanges(), d.toString());
        // import by host:port#channel
        var imported = p.read(EM, "127.0.0.1:" + TestBed.replicaPort() + "#it_a", Map.of(), Map.of());
        assertEquals(USER, ProviderProcess.decode(imported.getInputs()).get("replicationUser"));
        // another configuration on the same channel is refused with the import id to use
        var e = assertThrows(StatusRuntimeException.class, () -> create(p, EM, emInputs("channel", "it_a")));
        assertTrue(e.getStatus().getDescription().contains(TestBed.replicaPort() + "#it_a"), e.getMessage());
        p.delete(RS, rs.id(), rs.state());
        assertEquals("No", TestBed.channelStatus("it_a").get("Replica_IO_Running"));
        p.delete(EM, em.id(), em.state());
        assertTrue(TestBed.channelStatus("it_a").isEmpty(), "delete resets the channel");
    }
}
