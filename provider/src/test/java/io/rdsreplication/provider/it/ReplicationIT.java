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

/** ExternalMaster and ReplicationStart against the source and the RDS-like replica, through the plugin process. */
@Tag("integration")
class ReplicationIT {
    static final String EM = "rdsreplication:index:ExternalMaster";
    static final String RS = "rdsreplication:index:ReplicationStart";
    static final String USER = "repl_it";
    static final String PW = "it-pw-'\\\"-" + Long.toString(System.nanoTime(), 36);
    static ProviderProcess p;
    static String db;

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
    }

    static Map<String, Object> emInputs(Object... kv) throws Exception {
        String[] pos = TestBed.sourcePosition();
        Map<String, Object> m = new LinkedHashMap<>(Map.of("sourceHost", "127.0.0.1", "sourcePort", (double) TestBed.sourcePort(),
                "replicationUser", USER, "replicationPassword", new Secret(PW), "binlogFile", pos[0],
                "binlogPosition", Double.parseDouble(pos[1])));
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

    static String status() {
        try {
            return TestBed.replicaStatus().toString();
        } catch (Exception e) {
            return e.toString();
        }
    }

    static void sourceExec(String... sql) throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, sql);
        }
    }

    @Test
    void binlogPositionLifecycleWithDriftRepairAndPasswordRotationUnderLoad() throws Exception {
        Created em = create(p, EM, emInputs("dbInstanceIdentifier", TestBed.get("DB_INSTANCE_ID")));
        assertEquals("rds_set_external_master", em.state().get("procedure"));
        assertEquals("mariadb", em.state().get("engineFlavor"));
        assertTrue(em.id().startsWith("127.0.0.1:" + TestBed.replicaPort() + "/"), em.id());
        assertEquals("127.0.0.1", TestBed.replicaStatus().get("Master_Host"));

        Created rs = create(p, RS, Map.of("externalMasterId", em.id(), "maxLagSeconds", 5.0, "timeoutSeconds", 60.0));
        assertEquals(true, rs.state().get("ioRunning"));
        assertEquals(true, rs.state().get("sqlRunning"));
        assertTrue(((String) rs.state().get("appliedSourceLogFile")).matches(".*\\.\\d{6}"));

        sourceExec("CREATE DATABASE IF NOT EXISTS " + db, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v VARCHAR(40))",
                "INSERT INTO " + db + ".t VALUES (1, 'after start')");
        assertEquals("after start", TestBed.waitForReplica("SELECT v FROM " + db + ".t WHERE id = 1", "after start", 20));

        // nothing changed: no diff for either
        assertEquals(Provider.DiffResponse.DiffChanges.DIFF_NONE,
                p.diff(EM, em.id(), ProviderProcess.decode(p.read(EM, em.id(), em.state(), em.inputs()).getProperties()),
                        p.checked(EM, em.inputs(), em.inputs())).getChanges());

        // drift: replication stopped by hand shows on read and is started again by update
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "STOP SLAVE");
        }
        Map<String, Object> read = ProviderProcess.decode(p.read(RS, rs.id(), rs.state(), rs.inputs()).getProperties());
        assertEquals(false, read.get("ioRunning"));
        var drift = p.diff(RS, rs.id(), read, rs.inputs());
        assertEquals(Provider.DiffResponse.DiffChanges.DIFF_SOME, drift.getChanges());
        assertEquals(0, drift.getReplacesCount());
        Map<String, Object> repaired = ProviderProcess.decode(p.update(RS, rs.id(), read, rs.inputs()).getProperties());
        assertEquals(true, repaired.get("ioRunning"));
        assertEquals("Yes", TestBed.replicaStatus().get("Slave_SQL_Running"));

        // rotate the replication password while a writer keeps inserting: no row lost, none applied twice
        String pw2 = "rotated-" + PW;
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
        assertEquals(String.valueOf(n), TestBed.waitForReplica("SELECT COUNT(*) FROM " + db + ".t", String.valueOf(n), 30),
                () -> "every row written during the rotation arrived exactly once; replica status: " + status());
        assertEquals(String.valueOf(n), TestBed.waitForReplica("SELECT MAX(id) FROM " + db + ".t", String.valueOf(n), 5));
        var st = TestBed.replicaStatus();
        assertEquals("Yes", st.get("Slave_IO_Running"));
        assertEquals("Yes", st.get("Slave_SQL_Running"));
        assertEquals("0", st.get("Last_SQL_Errno"));
        assertTrue(n > 10, "the writer wrote during the rotation: " + n);

        // delete in order: stop, then reset
        p.delete(RS, rs.id(), repaired);
        st = TestBed.replicaStatus();
        assertEquals("No", st.get("Slave_IO_Running"));
        assertEquals("No", st.get("Slave_SQL_Running"));
        p.delete(EM, em.id(), emState2);
        assertTrue(TestBed.replicaStatus().isEmpty() || TestBed.replicaStatus().get("Master_Host").isEmpty(), "replication is reset");
        assertEquals("", p.read(EM, em.id(), emState2, in2).getId());
        assertEquals("", p.read(RS, rs.id(), repaired, rs.inputs()).getId());
    }

    @Test
    void mariadbGtidPosition() throws Exception {
        String gtid;
        try (Connection c = TestBed.sourceRoot()) {
            gtid = TestBed.query(c, "SELECT @@gtid_binlog_pos AS g").get(0).get("g");
        }
        Created em = create(p, EM, emInputs("binlogFile", null, "binlogPosition", null, "gtid", gtid));
        assertEquals("rds_set_external_master_gtid", em.state().get("procedure"));
        assertEquals("Slave_Pos", TestBed.replicaStatus().get("Using_Gtid"));
        Created rs = create(p, RS, Map.of("externalMasterId", em.id()));
        assertEquals(true, rs.state().get("sqlRunning"));
        sourceExec("CREATE DATABASE IF NOT EXISTS " + db, "CREATE TABLE IF NOT EXISTS " + db + ".g (id INT PRIMARY KEY)", "INSERT INTO " + db + ".g VALUES (7)");
        assertEquals("7", TestBed.waitForReplica("SELECT MAX(id) FROM " + db + ".g", "7", 20));
        p.delete(RS, rs.id(), rs.state());
        p.delete(EM, em.id(), em.state());
    }

    @Test
    void mysql84ProcedureNamesAgainstTheEmulation() throws Exception {
        try (ProviderProcess my = ProviderProcess.start(Map.of("RDSREPLICATION_ASSUME_ENGINE", "mysql:8.4.3")).configureTestBed()) {
            Created em = create(my, EM, emInputs("delaySeconds", 5.0));
            assertEquals("rds_set_external_source_with_delay", em.state().get("procedure"));
            assertEquals("mysql", em.state().get("engineFlavor"));
            assertEquals("5", TestBed.replicaStatus().get("SQL_Delay"));
            try (Connection c = TestBed.replicaRoot()) {
                assertEquals("set master", TestBed.query(c, "SELECT action FROM mysql.rds_history ORDER BY action_timestamp DESC LIMIT 1").get(0).get("action"));
            }
            // the delay changes in place
            Map<String, Object> news2 = new LinkedHashMap<>(em.inputs());
            news2.put("delaySeconds", 0.0);
            Map<String, Object> in2 = my.checked(EM, em.inputs(), news2);
            assertEquals(0, my.diff(EM, em.id(), em.state(), in2).getReplacesCount());
            Map<String, Object> s2 = ProviderProcess.decode(my.update(EM, em.id(), em.state(), in2).getProperties());
            assertEquals("rds_set_external_source", s2.get("procedure"));
            assertEquals("0", TestBed.replicaStatus().get("SQL_Delay"));
            my.delete(EM, em.id(), s2);
            assertTrue(TestBed.replicaStatus().isEmpty() || TestBed.replicaStatus().get("Master_Host").isEmpty());
        }
        // MariaDB refuses the delay, naming the field, before calling anything
        var e = assertThrows(StatusRuntimeException.class, () -> create(p, EM, emInputs("delaySeconds", 5.0)));
        assertTrue(e.getStatus().getDescription().contains("delaySeconds"), e.getMessage());
        assertTrue(TestBed.replicaStatus().isEmpty() || TestBed.replicaStatus().get("Master_Host").isEmpty());
    }

    @Test
    void startUntilAPositionOnMysql() throws Exception {
        try (ProviderProcess my = ProviderProcess.start(Map.of("RDSREPLICATION_ASSUME_ENGINE", "mysql:8.0.36")).configureTestBed()) {
            Created em = create(my, EM, emInputs());
            sourceExec("CREATE DATABASE IF NOT EXISTS " + db, "CREATE TABLE IF NOT EXISTS " + db + ".u (id INT PRIMARY KEY)",
                    "INSERT INTO " + db + ".u VALUES (1)");
            String[] stopAt = TestBed.sourcePosition();
            sourceExec("INSERT INTO " + db + ".u VALUES (2)");
            Created rs = create(my, RS, Map.of("externalMasterId", em.id(), "untilBinlogFile", stopAt[0],
                    "untilBinlogPosition", Double.parseDouble(stopAt[1]), "timeoutSeconds", 30.0));
            assertEquals(true, rs.state().get("ioRunning"));
            assertEquals("1", TestBed.waitForReplica("SELECT COUNT(*) FROM " + db + ".u", "1", 20), "stopped before row 2");
            Thread.sleep(500);
            assertEquals("1", TestBed.waitForReplica("SELECT COUNT(*) FROM " + db + ".u", "1", 1));
            assertEquals("No", TestBed.replicaStatus().get("Slave_SQL_Running"));
            // a stopped SQL thread is what was asked for: no drift
            var read = ProviderProcess.decode(my.read(RS, rs.id(), rs.state(), rs.inputs()).getProperties());
            assertEquals(Provider.DiffResponse.DiffChanges.DIFF_NONE, my.diff(RS, rs.id(), read, rs.inputs()).getChanges());
            my.delete(RS, rs.id(), rs.state());
            my.delete(EM, em.id(), em.state());
        }
    }

    static String startFailure(Map<String, Object> emNews) throws Exception {
        Created em = create(p, EM, emNews);
        try {
            var e = assertThrows(StatusRuntimeException.class, () -> create(p, RS, Map.of("externalMasterId", em.id(), "timeoutSeconds", 20.0)));
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
        String msg = startFailure(emInputs("binlogFile", "source-bin.000999", "binlogPosition", 4.0));
        assertTrue(msg.contains("the source no longer has binlog") && msg.contains("take a new snapshot"), msg);
    }

    @Test
    void diagnosesEqualServerIds() throws Exception {
        // point the replica at itself: both have server_id 2
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "CREATE USER IF NOT EXISTS '" + USER + "'@'127.0.0.1' IDENTIFIED BY 'self'",
                    "GRANT REPLICATION SLAVE ON *.* TO '" + USER + "'@'127.0.0.1'");
        }
        try {
            String msg = startFailure(emInputs("sourcePort", (double) TestBed.replicaPort(), "replicationPassword", new Secret("self")));
            assertTrue(msg.contains("same server_id"), msg);
        } finally {
            try (Connection c = TestBed.replicaRoot()) {
                TestBed.exec(c, "DROP USER IF EXISTS '" + USER + "'@'127.0.0.1'");
            }
        }
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

    @Test
    void preflightRefusesAnInstanceWithoutAutomatedBackups() throws Exception {
        String id = TestBed.unique("nobackup");
        try (RdsClient rds = TestBed.rds()) {
            rds.createDBInstance(b -> b.dbInstanceIdentifier(id).dbInstanceClass("db.t3.micro").engine("mariadb")
                    .engineVersion("10.11.9").masterUsername("admin").masterUserPassword("unused-pw").allocatedStorage(20)
                    .backupRetentionPeriod(0));
            var e = assertThrows(StatusRuntimeException.class, () -> create(p, EM, emInputs("dbInstanceIdentifier", id)));
            assertTrue(e.getStatus().getDescription().contains("automated backups are off"), e.getMessage());
            assertTrue(TestBed.replicaStatus().isEmpty() || TestBed.replicaStatus().get("Master_Host").isEmpty(), "nothing was configured");
        }
    }
}
