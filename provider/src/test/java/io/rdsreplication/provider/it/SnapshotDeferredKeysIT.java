package io.rdsreplication.provider.it;

import io.rdsreplication.provider.testing.ProviderProcess;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Big tables are created on the RDS instance without their plain secondary keys, which are added once their
 * rows are in; the user sees the same tables as on the source, keys, key options and rows. Here every table
 * counts as big (RDSREPLICATION_COPY_DEFER_KEYS_BYTES=0). Every pair.
 */
class SnapshotDeferredKeysIT {
    static final String SS = "rdsreplication:index:SourceSnapshot";
    static final List<String> TABLES = List.of("k1", "k2", "par", "child", "empty");
    static ProviderProcess p;
    static String db;

    @BeforeAll
    static void start() throws Exception {
        p = ProviderProcess.start(Map.of("RDSREPLICATION_COPY_DEFER_KEYS_BYTES", "0")).configureTestBed();
        db = TestBed.unique("dkdb");
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0", "CREATE DATABASE " + db,
                    "CREATE TABLE " + db + ".k1 (id BIGINT PRIMARY KEY, a INT, b VARCHAR(20), c TEXT, UNIQUE KEY ub (b), KEY ka (a),"
                            + " KEY `k``ab` (a, b) COMMENT 'two, columns', KEY kc (c(10)), FULLTEXT KEY fc (c))",
                    // the AUTO_INCREMENT column is not the primary key's first: its own key must stay at CREATE
                    "CREATE TABLE " + db + ".k2 (id INT NOT NULL AUTO_INCREMENT, x INT NOT NULL, PRIMARY KEY (x, id), KEY (id), KEY kx (x))",
                    "CREATE TABLE " + db + ".par (id INT PRIMARY KEY, code INT, KEY kcode (code))",
                    "CREATE TABLE " + db + ".child (id INT PRIMARY KEY, pcode INT, KEY kp (pcode),"
                            + " CONSTRAINT fkp FOREIGN KEY (pcode) REFERENCES par (code))",
                    "CREATE TABLE " + db + ".empty (id INT PRIMARY KEY, v INT, KEY kv (v))");
            TestBed.exec(c, SnapshotEngines.isMysql(c) ? "SET SESSION cte_max_recursion_depth = 100000" : "SET SESSION max_recursive_iterations = 100000");
            fill(c, "k1", "seq, seq % 7, CONCAT('b', seq), CONCAT('text of row ', seq)", 30000);
            fill(c, "k2 (x)", "seq % 13", 5000);
            fill(c, "par", "seq, seq * 10", 100);
            fill(c, "child", "seq, (seq % 100 + 1) * 10", 1000);
        }
    }

    static void fill(Connection c, String table, String select, int n) throws Exception {
        TestBed.exec(c, "INSERT INTO " + db + "." + table + " WITH RECURSIVE s (seq) AS (SELECT 1 UNION ALL SELECT seq + 1 FROM s WHERE seq < "
                + n + ") SELECT " + select + " FROM s");
    }

    @AfterAll
    static void stop() throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0", "DROP DATABASE IF EXISTS " + db);
        }
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "DROP DATABASE IF EXISTS " + db);
        }
        p.close();
    }

    /** SHOW CREATE TABLE of each table, without the AUTO_INCREMENT counter; and CHECKSUM TABLE. */
    static Map<String, String> tables(Connection c) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String t : TABLES) {
            out.put(t, TestBed.query(c, "SHOW CREATE TABLE " + db + "." + t).get(0).get("Create Table").replaceAll(" AUTO_INCREMENT=\\d+", ""));
            out.put(t + " checksum", TestBed.query(c, "CHECKSUM TABLE " + db + "." + t + " EXTENDED").get(0).get("Checksum"));
        }
        return out;
    }

    static long alters() throws Exception {
        try (Connection c = TestBed.replicaRoot()) {
            return Long.parseLong(TestBed.query(c, "SHOW GLOBAL STATUS LIKE 'Com_alter_table'").get(0).get("Value"));
        }
    }

    @Test
    void theKeysOfBigTablesAreAddedAfterTheirRowsAndTheTablesEndUpAsOnTheSource() throws Exception {
        long before = alters();
        var created = p.create(SS, p.checked(SS, Map.of(), Map.of("databases", List.of(db), "parallelism", 3.0, "overwrite", true)), false);
        Map<String, Object> snap = ProviderProcess.decode(created.getProperties());
        assertEquals(30000.0 + 5000 + 100 + 1000, snap.get("rowsCopied"));
        // k1, k2 and the empty table had keys left out; par (a foreign key points to it) and child (has one) did not
        assertEquals(3, alters() - before, "one ALTER TABLE … ADD KEY per table whose keys were left out");
        Map<String, String> src;
        try (Connection c = TestBed.sourceRoot()) {
            src = tables(c);
        }
        try (Connection c = TestBed.replicaRoot()) {
            Map<String, String> dst = tables(c);
            for (String k : src.keySet()) assertEquals(src.get(k), dst.get(k), k + ": the same on the RDS instance as on the source");
        }
        assertTrue(src.get("k1").contains("KEY `k``ab` (`a`,`b`) COMMENT 'two, columns'"), src.get("k1"));
    }
}
