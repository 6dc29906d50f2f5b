package io.rdsreplication.provider.it;

import io.rdsreplication.provider.testing.Scratch;
import io.rdsreplication.provider.testing.ProviderProcess;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SourceSnapshot's rows go into the RDS instance as LOAD DATA LOCAL from memory where the instance allows it
 * (local_infile = 1), as INSERTs where it does not; either way the copy is exact, value for value, including
 * the characters LOAD DATA's text format treats specially. Every pair.
 */
class SnapshotLoadDataIT {
    static final String SS = "rdsreplication:index:SourceSnapshot";
    static ProviderProcess p;
    static String db;
    static String localInfileBefore;

    @BeforeAll
    static void start() throws Exception {
        p = ProviderProcess.start(Map.of(), "-v=5").configureTestBed(); // progress messages go to its log too
        db = TestBed.unique("lddb");
        try (Connection c = TestBed.replicaRoot()) {
            localInfileBefore = TestBed.query(c, "SELECT @@GLOBAL.local_infile AS v").get(0).get("v");
        }
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0", "CREATE DATABASE " + db + " CHARACTER SET utf8mb4",
                    "CREATE TABLE " + db + ".vals (id INT PRIMARY KEY, i BIGINT, u BIGINT UNSIGNED, d DECIMAL(30,10), f FLOAT, g DOUBLE,"
                            + " dt DATETIME(6), ts TIMESTAMP(6) NULL, da DATE, ti TIME(3), y YEAR, j JSON, b LONGBLOB, vb VARBINARY(300),"
                            + " t MEDIUMTEXT CHARACTER SET utf8mb4, l VARCHAR(40) CHARACTER SET latin1, c CHAR(5), e ENUM('a','b c'), s SET('x','y'),"
                            + " gen INT AS (id * 2) VIRTUAL)",
                    // one column: an empty string is an empty line of LOAD DATA's text
                    "CREATE TABLE " + db + ".one (v VARCHAR(10) NOT NULL)",
                    "CREATE TABLE " + db + ".big (id BIGINT PRIMARY KEY, note VARCHAR(200), KEY (note))");
            String[] texts = {"tab\there", "new\nline", "cr\rhere", "back\\slash", "\\N", "\\", "", "nul\0byte", "end\\", "\\t not a tab",
                    "emoji 🐬 ünïcødé 日本語", "'quote' \"dq\"", "\u001a ctrl-z", "ends with tab\t", "\t"};
            byte[] all = new byte[256];
            for (int i = 0; i < 256; i++) all[i] = (byte) i;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + db + ".vals (id, i, u, d, f, g, dt, ts, da, ti, y, j, b, vb, t, l, c, e, s)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int id = 1; id <= 300; id++) {
                    String t = texts[id % texts.length];
                    ps.setInt(1, id);
                    ps.setLong(2, id % 2 == 0 ? Long.MIN_VALUE : Long.MAX_VALUE);
                    ps.setString(3, "18446744073709551615");
                    ps.setString(4, "-12345678901234567890.0123456789");
                    ps.setFloat(5, 1.2345678f * id);
                    ps.setDouble(6, id % 3 == 0 ? 1e-300 * id : 0.1 + 0.2 * id);
                    ps.setString(7, "2024-02-29 23:59:59.123456");
                    ps.setString(8, "2038-01-19 03:14:07.999999");
                    ps.setString(9, "1000-01-01");
                    ps.setString(10, "-838:59:58.999");
                    ps.setInt(11, 2155);
                    ps.setString(12, "{\"k\": [1, 2.5, \"é🐬\\t\\n\"], \"n\": null}");
                    ps.setBytes(13, id % 5 == 0 ? new byte[0] : all);
                    ps.setBytes(14, new byte[]{9, 10, 13, 0, 92, 78, (byte) id});
                    ps.setString(15, t);
                    ps.setString(16, "café " + (id % 7 == 0 ? "\t\\" : ""));
                    ps.setString(17, id % 2 == 0 ? "" : "ab");
                    ps.setString(18, id % 2 == 0 ? "b c" : "a");
                    ps.setString(19, id % 3 == 0 ? "" : "x,y");
                    ps.execute();
                }
            }
            TestBed.exec(c, "INSERT INTO " + db + ".vals (id) VALUES (0)", // a row of NULLs
                    "INSERT INTO " + db + ".one VALUES (''), ('a'), (''), ('\\\\N')",
                    // a row of 20 MiB of bytes: bigger than a LOAD DATA packet, and a row of 12 MiB of text
                    "INSERT INTO " + db + ".vals (id, b, t) VALUES (1000, RANDOM_BYTES(1024) , REPEAT('x\\ty\\n', 3 * 1024 * 1024))",
                    "UPDATE " + db + ".vals SET b = REPEAT(b, 20 * 1024) WHERE id = 1000");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + db + ".big VALUES (?, ?)")) {
                for (int i = 1; i <= 20_000; i++) {
                    ps.setLong(1, i);
                    ps.setString(2, "row " + i + " of many, batched " + (i % 97));
                    ps.addBatch();
                    if (i % 1000 == 0) ps.executeBatch();
                }
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0", "DROP DATABASE IF EXISTS " + db);
        }
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "DROP DATABASE IF EXISTS " + db, "SET GLOBAL local_infile = " + localInfileBefore);
        }
        p.close();
    }

    static Map<String, String> checksums(Connection c) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String t : List.of("vals", "one", "big")) {
            out.put(t, TestBed.query(c, "CHECKSUM TABLE " + db + "." + t + " EXTENDED").get(0).get("Checksum"));
        }
        out.put("one's empty strings", TestBed.query(c, "SELECT COUNT(*) AS n FROM " + db + ".one WHERE v = ''").get(0).get("n"));
        return out;
    }

    static long loadStatements() throws Exception {
        try (Connection c = TestBed.replicaRoot()) {
            return Long.parseLong(TestBed.query(c, "SHOW GLOBAL STATUS LIKE 'Com_load'").get(0).get("Value"));
        }
    }

    void copyExactly(boolean localInfile) throws Exception {
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "SET GLOBAL local_infile = " + (localInfile ? 1 : 0));
        }
        long loads = loadStatements();
        int logAt = p.log().length();
        var created = p.create(SS, p.checked(SS, Map.of(), Map.of("databases", List.of(db), "parallelism", 2.0, "overwrite", true)), false);
        Map<String, Object> snap = ProviderProcess.decode(created.getProperties());
        assertEquals(20_000.0 + 302 + 4, snap.get("rowsCopied"));
        Map<String, String> src;
        try (Connection c = TestBed.sourceRoot()) {
            src = checksums(c);
        }
        try (Connection c = TestBed.replicaRoot()) {
            assertEquals(src, checksums(c), "source and RDS instance tables are equal (CHECKSUM TABLE), local_infile = " + localInfile);
        }
        assertEquals("2", src.get("one's empty strings"));
        long used = loadStatements() - loads;
        String log = p.log().substring(logAt);
        if (localInfile) {
            assertTrue(used >= 3, "the rows went as LOAD DATA (" + used + " statements)");
            assertFalse(log.contains("local_infile = 0"), log);
        } else {
            assertEquals(0, used, "no LOAD DATA reached the instance");
            assertTrue(log.contains("has local_infile = 0"), "the user is told why the copy is slower: " + log);
        }
    }

    @Test
    void rowsGoAsLoadDataWhereTheInstanceAllowsItValueForValue() throws Exception {
        copyExactly(true);
    }

    @Test
    void rowsGoAsInsertsWhereTheInstanceRefusesLoadDataLocalValueForValue() throws Exception {
        copyExactly(false);
    }

    /**
     * The copy's writer connections answer a server's request for a local file from memory only: a LOAD DATA
     * LOCAL that names a real file of this machine loads nothing from it (what a rogue server or a man in the
     * middle would ask for).
     */
    @Test
    void aServerCannotReadLocalFilesThroughTheCopysConnections() throws Exception {
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "SET GLOBAL local_infile = 1", "CREATE TABLE IF NOT EXISTS " + db + ".stolen (line TEXT)", "DELETE FROM " + db + ".stolen");
        }
        java.nio.file.Path secret = Scratch.file("rdsrepl-local", ".txt");
        java.nio.file.Files.writeString(secret, "a local secret\nsecond line\n");
        try {
            var cls = Class.forName("io.rdsreplication.provider.resources.sourcesnapshot.LoadData");
            var props = (Map<?, ?>) invoke(cls, "connectProperties");
            Properties pr = new Properties();
            pr.setProperty("user", TestBed.get("REPLICA_ROOT_USER"));
            pr.setProperty("password", TestBed.get("REPLICA_ROOT_PASSWORD"));
            props.forEach((k, v) -> pr.setProperty((String) k, (String) v));
            try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + TestBed.replicaPort() + "/", pr);
                 Statement st = c.createStatement()) {
                // before arming: LOCAL is confined to an empty private directory
                String load = "LOAD DATA LOCAL INFILE '" + secret + "' INTO TABLE " + db + ".stolen";
                try {
                    st.executeUpdate(load);
                } catch (java.sql.SQLException refused) {
                    // the driver refuses a path outside that directory
                }
                var arm = cls.getDeclaredMethod("arm", Connection.class);
                arm.setAccessible(true);
                arm.invoke(null, c); // as the copy arms its writers
                assertEquals(0, st.executeUpdate(load), "an armed connection answers from memory, not from the named file");
            }
            try (Connection c = TestBed.replicaRoot()) {
                assertEquals("0", TestBed.query(c, "SELECT COUNT(*) AS n FROM " + db + ".stolen").get(0).get("n"));
            }
        } finally {
            java.nio.file.Files.deleteIfExists(secret);
        }
    }

    static Object invoke(Class<?> cls, String method) throws Exception {
        var m = cls.getDeclaredMethod(method);
        m.setAccessible(true);
        return m.invoke(null);
    }
}
