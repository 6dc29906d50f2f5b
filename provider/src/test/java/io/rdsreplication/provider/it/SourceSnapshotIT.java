package io.rdsreplication.provider.it;

import io.grpc.StatusRuntimeException;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.testing.ProviderProcess;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import pulumirpc.Provider;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SourceSnapshot: an exact copy from one consistent point while the source keeps taking writes. */
@Tag("integration")
class SourceSnapshotIT {
    static final String SS = "rdsreplication:index:SourceSnapshot";
    static final String EM = "rdsreplication:index:ExternalMaster";
    static final String RS = "rdsreplication:index:ReplicationStart";
    static ProviderProcess p;
    static String db;
    static final String USER = "repl_ss";
    static final String PW = "ss-pw-" + Long.toString(System.nanoTime(), 36);

    @BeforeAll
    static void start() throws Exception {
        SnapshotEngines.resetReplica();
        p = ProviderProcess.start().configureTestBed();
        db = TestBed.unique("ssdb");
        try (Connection c = TestBed.replicaRoot()) {
            // what an RDS user sets in the DB parameter group to create triggers and routines without SUPER
            TestBed.exec(c, "SET GLOBAL log_bin_trust_function_creators = 1");
        }
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0", "DROP USER IF EXISTS '" + USER + "'@'127.0.0.1'",
                    "CREATE USER '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + PW + "'",
                    "GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO '" + USER + "'@'127.0.0.1'");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        SnapshotEngines.resetReplica();
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0", "DROP DATABASE IF EXISTS " + db, "DROP USER IF EXISTS '" + USER + "'@'127.0.0.1'");
        }
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "DROP DATABASE IF EXISTS " + db, "SET GLOBAL log_bin_trust_function_creators = 0");
        }
        p.close();
    }

    static void fillSource() throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "CREATE DATABASE " + db + " CHARACTER SET utf8mb4",
                    "CREATE TABLE " + db + ".types (id INT PRIMARY KEY, i BIGINT, u BIGINT UNSIGNED, d DECIMAL(30,10), f FLOAT, g DOUBLE,"
                            + " dt DATETIME(6), ts TIMESTAMP(6) NULL, da DATE, ti TIME(3), y YEAR, j JSON, b LONGBLOB,"
                            + " t TEXT CHARACTER SET utf8mb4, l VARCHAR(20) CHARACTER SET latin1, bit5 BIT(5), flag TINYINT(1),"
                            + " gen INT AS (id * 2) VIRTUAL)",
                    "CREATE TABLE " + db + ".writes (id INT PRIMARY KEY, v VARCHAR(40))",
                    "CREATE TABLE " + db + ".audit (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(40))",
                    "CREATE VIEW " + db + ".v AS SELECT id, t FROM " + db + ".types",
                    "CREATE PROCEDURE " + db + ".p() SELECT 1",
                    "CREATE TRIGGER " + db + ".tr AFTER INSERT ON " + db + ".writes FOR EACH ROW INSERT INTO " + db + ".audit (note) VALUES ('w')");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + db + ".types (id, i, u, d, f, g, dt, ts, da, ti, y, j, b, t, l, bit5, flag)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, b'10101', ?)")) {
                byte[] all = new byte[256];
                for (int i = 0; i < 256; i++) all[i] = (byte) i;
                for (int id = 1; id <= 500; id++) {
                    ps.setInt(1, id);
                    ps.setLong(2, id % 2 == 0 ? Long.MIN_VALUE : Long.MAX_VALUE);
                    ps.setString(3, "18446744073709551615");
                    ps.setString(4, "12345678901234567890.0123456789");
                    ps.setFloat(5, 1.2345678f * id);
                    ps.setDouble(6, 0.1 + 0.2 * id);
                    ps.setString(7, "2024-02-29 23:59:59.123456");
                    ps.setString(8, "2038-01-19 03:14:07.999999");
                    ps.setString(9, "1000-01-01");
                    ps.setString(10, "-838:59:58.999");
                    ps.setInt(11, 2155);
                    ps.setString(12, "{\"k\": [1, 2.5, \"é🐬\"], \"n\": null}");
                    ps.setBytes(13, all);
                    ps.setString(14, "emoji 🐬 ünïcødé 日本語 'quote' \\ backslash");
                    ps.setString(15, "café");
                    ps.setInt(16, 2);
                    ps.execute();
                }
                TestBed.exec(c, "INSERT INTO " + db + ".types (id) VALUES (0)"); // a row of NULLs
            }
            // one row near max_allowed_packet (64 MiB on the test bed): 24 MiB of bytes
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + db + ".types (id, b) VALUES (1000, ?)")) {
                byte[] big = new byte[24 * 1024 * 1024];
                new java.util.Random(7).nextBytes(big);
                ps.setBytes(1, big);
                ps.execute();
            }
        }
    }

    static Map<String, String> checksums(Connection c) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String t : List.of("types", "writes", "audit")) {
            out.put(t, TestBed.query(c, "CHECKSUM TABLE " + db + "." + t + " EXTENDED").get(0).get("Checksum"));
        }
        return out;
    }

    @Test
    void exactCopyWhileTheSourceKeepsWritingThenReplicationFromTheSnapshot() throws Exception {
        fillSource();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        List<Long> stalls = new ArrayList<>();
        Thread writer = new Thread(() -> {
            try (Connection c = TestBed.sourceRoot(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + db + ".writes VALUES (?, 'during copy')")) {
                for (int i = 1; i < 100_000 && !stop.get(); i++) {
                    long t0 = System.nanoTime();
                    ps.setInt(1, i);
                    ps.execute();
                    synchronized (stalls) {
                        stalls.add((System.nanoTime() - t0) / 1_000_000);
                    }
                    written.set(i);
                    Thread.sleep(1);
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        writer.start();
        Thread.sleep(200);
        Map<String, Object> in = p.checked(SS, Map.of(), Map.of("databases", List.of(db), "parallelism", 2.0));
        var created = p.create(SS, in, false);
        Map<String, Object> snap = ProviderProcess.decode(created.getProperties());
        Thread.sleep(200);
        assertTrue(written.get() > 0);
        assertEquals(3.0, snap.get("tablesCopied"));
        assertTrue((Double) snap.get("rowsCopied") >= 502, snap.toString());
        assertTrue((Double) snap.get("lockMillis") < 1000, "commits blocked for " + snap.get("lockMillis") + " ms");

        // replicate from the snapshot: rows written during and after the copy arrive exactly once. MySQL: by GTID
        // auto-position from the snapshot's GTID set (read with the coordinates under the lock); MariaDB: through
        // ExternalMaster and ReplicationStart from the binlog coordinates
        boolean mysql = SnapshotEngines.replicaIsMysql();
        Provider.CreateResponse emCreated = null;
        Provider.CreateResponse rs = null;
        if (mysql) {
            assertTrue(((String) snap.get("gtid")).matches("[0-9a-f-]{36}:[0-9:-]+(,[0-9a-f-]{36}:[0-9:-]+)*"), "MySQL GTID set: " + snap.get("gtid"));
            SnapshotEngines.replicateFrom(snap, USER, PW);
        } else {
            Map<String, Object> em = p.checked(EM, Map.of(), Map.of("sourceHost", "127.0.0.1", "sourcePort", (double) TestBed.sourcePort(),
                    "replicationUser", USER, "replicationPassword", new Secret(PW), "binlogFile", snap.get("binlogFile"),
                    "binlogPosition", snap.get("binlogPosition")));
            emCreated = p.create(EM, em, false);
            rs = p.create(RS, p.checked(RS, Map.of(), Map.of("externalMasterId", emCreated.getId())), false);
        }
        Thread.sleep(500);
        stop.set(true);
        writer.join(30_000);
        int n = written.get();
        assertEquals(String.valueOf(n), TestBed.waitForReplica("SELECT COUNT(*) FROM " + db + ".writes", String.valueOf(n), 60));
        assertEquals(String.valueOf(n), TestBed.waitForReplica("SELECT COUNT(*) FROM " + db + ".audit", String.valueOf(n), 30),
                "the trigger's rows replicated, not doubled by the copy");
        Map<String, String> src;
        Map<String, String> dst;
        try (Connection c = TestBed.sourceRoot()) {
            src = checksums(c);
        }
        try (Connection c = TestBed.replicaRoot()) {
            dst = checksums(c);
            assertEquals("1", TestBed.query(c, "SELECT COUNT(*) FROM " + db + ".v WHERE id = 1").get(0).values().iterator().next());
            assertEquals(1, TestBed.query(c, "SELECT 1 FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '" + db + "'").size());
        }
        assertEquals(src, dst, "source and replica tables are equal (CHECKSUM TABLE)");
        long worst;
        synchronized (stalls) {
            worst = stalls.stream().mapToLong(Long::longValue).max().orElse(0);
        }
        assertTrue(worst < 5000, "a writer waited " + worst + " ms during the copy");

        if (mysql) {
            SnapshotEngines.resetReplica();
        } else {
            p.delete(RS, rs.getId(), ProviderProcess.decode(rs.getProperties()));
            p.delete(EM, emCreated.getId(), ProviderProcess.decode(emCreated.getProperties()));
        }
        p.delete(SS, created.getId(), snap);
        try (Connection c = TestBed.replicaRoot()) {
            assertFalse(TestBed.query(c, "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + db + "'").isEmpty(),
                    "delete leaves the copied data");
        }
        // the database now exists on the replica: a new copy is refused unless overwrite
        var e = assertThrows(StatusRuntimeException.class, () -> p.create(SS, in, false));
        assertTrue(e.getStatus().getDescription().contains("overwrite"), e.getMessage());
    }

    /** getSourceStatus reads what the server says, with the statement its version has, on either flavour. */
    @Test
    void getSourceStatusMatchesTheServer() throws Exception {
        var r = p.invoke("rdsreplication:index:getSourceStatus", Map.of());
        assertEquals(0, r.getFailuresCount(), r.getFailuresList().toString());
        Map<String, Object> out = ProviderProcess.decode(r.getReturn());
        try (Connection c = TestBed.sourceRoot()) {
            Map<String, String> st = SnapshotEngines.binlogStatus(c);
            assertEquals(st.get("File"), out.get("binlogFile"));
            assertEquals(Double.parseDouble(st.get("Position")), out.get("binlogPosition"));
            String gtid = SnapshotEngines.isMysql(c) ? st.get("Executed_Gtid_Set").replace("\n", "")
                    : TestBed.query(c, "SELECT @@GLOBAL.gtid_binlog_pos AS g").get(0).get("g");
            assertEquals(gtid, out.get("gtid"));
            assertEquals(SnapshotEngines.version(c), out.get("version"));
            assertEquals(Boolean.TRUE, out.get("logBin"));
        }
    }

    @Test
    void checkAndCreateRefuseBadDatabases() {
        var r = p.check(SS, Map.of(), Map.of("databases", List.of("mysql", "a/b", "x".repeat(65))));
        assertEquals(3, r.getFailuresCount());
        assertTrue(r.getFailuresList().stream().allMatch(f -> f.getProperty().equals("databases")));
        Map<String, Object> in = p.checked(SS, Map.of(), Map.of("databases", List.of("no_such_db_" + System.nanoTime())));
        var e = assertThrows(StatusRuntimeException.class, () -> p.create(SS, in, false));
        assertTrue(e.getStatus().getDescription().contains("does not exist on the source"), e.getMessage());
    }
}
