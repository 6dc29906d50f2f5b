package io.rdsreplication.provider.it;

import com.google.protobuf.Empty;
import io.grpc.StatusRuntimeException;
import io.rdsreplication.provider.testing.ProviderProcess;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import pulumirpc.Provider;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SourceSnapshot never re-copies behind the user's back, and never leaves the source locked or read-only:
 * credentials change in place; Cancel stops a copy that is stuck; a SIGKILLed plugin in a readOnly copy leaves
 * the source writable; an interrupted copy is finished by the next create; a copy under running replication
 * is refused. The copies are held at a known point by a FLUSH TABLES WITH READ LOCK the test takes on the
 * replica (the copy's first DROP DATABASE waits on it), so nothing here depends on timing.
 */
@Tag("integration")
class SourceSnapshotSafetyIT {
    static final String SS = "rdsreplication:index:SourceSnapshot";
    static final String COPIER = "ss_copier";
    static final String COPIER_PW = "cp-" + Long.toString(System.nanoTime(), 36);
    static final String REPL = "ss_repl";
    static final String REPL_PW = "rp-" + Long.toString(System.nanoTime(), 36);
    static final List<String> DBS = new java.util.ArrayList<>();

    @BeforeAll
    static void users() throws Exception {
        SnapshotEngines.resetReplica();
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0", "DROP USER IF EXISTS '" + COPIER + "'@'127.0.0.1'",
                    "CREATE USER '" + COPIER + "'@'127.0.0.1' IDENTIFIED BY '" + COPIER_PW + "'",
                    "GRANT ALL PRIVILEGES ON *.* TO '" + COPIER + "'@'127.0.0.1'",
                    "DROP USER IF EXISTS '" + REPL + "'@'127.0.0.1'",
                    "CREATE USER '" + REPL + "'@'127.0.0.1' IDENTIFIED BY '" + REPL_PW + "'",
                    "GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO '" + REPL + "'@'127.0.0.1'");
        }
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "SET GLOBAL log_bin_trust_function_creators = 1");
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        SnapshotEngines.resetReplica();
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0", "SET GLOBAL read_only = OFF");
            for (String db : DBS) TestBed.exec(c, "DROP DATABASE IF EXISTS " + db);
            TestBed.exec(c, "DROP USER IF EXISTS '" + COPIER + "'@'127.0.0.1'", "DROP USER IF EXISTS '" + REPL + "'@'127.0.0.1'");
        }
        try (Connection c = TestBed.replicaRoot()) {
            for (String db : DBS) TestBed.exec(c, "DROP DATABASE IF EXISTS " + db);
            TestBed.exec(c, "SET GLOBAL log_bin_trust_function_creators = 0");
        }
    }

    /** A provider whose source connection is the copier account (so its sessions can be counted on the source). */
    static ProviderProcess provider() throws Exception {
        Map<String, Object> cfg = ProviderProcess.testBedConfig();
        cfg.put("source", copierConnection());
        return ProviderProcess.start().configure(cfg);
    }

    /** TLS preferred: MySQL's default caching_sha2_password needs TLS (the provider never fetches a server's RSA key). */
    static Map<String, Object> copierConnection() {
        Map<String, Object> c = new LinkedHashMap<>(ProviderProcess.connection(TestBed.sourcePort(), COPIER, COPIER_PW));
        c.put("tls", "preferred");
        return c;
    }

    /** A source database with rows, a view, a procedure and a trigger; also an empty one on the replica if asked. */
    static String database(boolean alsoOnReplica) throws Exception {
        String db = TestBed.unique("ssx");
        DBS.add(db);
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "CREATE DATABASE " + db,
                    "CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v VARCHAR(40))",
                    "CREATE TABLE " + db + ".audit (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(40))",
                    "CREATE TRIGGER " + db + ".tr AFTER INSERT ON " + db + ".t FOR EACH ROW INSERT INTO " + db + ".audit (note) VALUES ('t')");
            StringBuilder sb = new StringBuilder("INSERT INTO " + db + ".t VALUES ");
            for (int i = 1; i <= 300; i++) sb.append(i == 1 ? "" : ", ").append("(").append(i).append(", 'row ").append(i).append("')");
            TestBed.exec(c, sb.toString());
        }
        if (alsoOnReplica) {
            try (Connection c = TestBed.replicaRoot()) {
                TestBed.exec(c, "CREATE DATABASE " + db, "CREATE TABLE " + db + ".only_here (id INT PRIMARY KEY)",
                        "INSERT INTO " + db + ".only_here VALUES (42)");
            }
        }
        return db;
    }

    static String checksum(Connection c, String table) throws SQLException {
        return TestBed.query(c, "CHECKSUM TABLE " + table + " EXTENDED").get(0).get("Checksum");
    }

    static boolean exists(Connection c, String db, String table) throws SQLException {
        return !TestBed.query(c, "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + db + "' AND TABLE_NAME = '"
                + table + "'").isEmpty();
    }

    static void assertCopied(String db) throws Exception {
        try (Connection s = TestBed.sourceRoot(); Connection r = TestBed.replicaRoot()) {
            for (String t : List.of("t", "audit")) {
                assertEquals(checksum(s, db + "." + t), checksum(r, db + "." + t), db + "." + t + " equal on both sides");
            }
            assertFalse(exists(r, db, "_rdsreplication_copy_incomplete"), "no incomplete-copy marker left");
        }
    }

    static void awaitNoSessions(String user, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Map<String, String>> left = List.of();
        while (System.nanoTime() < end) {
            left = SnapshotEngines.sessionsOf(user);
            if (left.isEmpty()) return;
            Thread.sleep(100);
        }
        throw new AssertionError("sessions of the copy still on the source: " + left);
    }

    static String readOnly() throws SQLException {
        try (Connection c = TestBed.sourceRoot()) {
            return TestBed.query(c, "SELECT @@GLOBAL.read_only AS r").get(0).get("r");
        }
    }

    /**
     * A write on the source, run in the background: it waits while the source is locked (its connection waits
     * up to 10 minutes for an answer, longer than any lock the tests expect to see released).
     */
    static CompletableFuture<Void> writer(String db) {
        return CompletableFuture.runAsync(() -> {
            java.util.Properties props = new java.util.Properties();
            props.setProperty("user", TestBed.get("SOURCE_ROOT_USER"));
            props.setProperty("password", TestBed.get("SOURCE_ROOT_PASSWORD"));
            props.setProperty("sslMode", "DISABLED");
            props.setProperty("connectTimeout", "5000");
            props.setProperty("socketTimeout", "600000");
            try (Connection c = java.sql.DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + TestBed.sourcePort() + "/", props)) {
                TestBed.exec(c, "INSERT INTO " + db + ".t VALUES (100000, 'written while the copy held the source')");
            } catch (SQLException e) {
                throw new RuntimeException(e);
            }
        });
    }

    static final String LOCK_WAIT = "STATE LIKE 'Waiting for%lock%'";

    @Test
    void credentialsAndKnobsChangeInPlaceAndNeverCopyAgain() throws Exception {
        String db = database(false);
        try (ProviderProcess p = provider()) {
            Map<String, Object> in = new LinkedHashMap<>(p.checked(SS, Map.of(), Map.of("databases", List.of(db),
                    "source", copierConnection(),
                    "replica", ProviderProcess.connection(TestBed.replicaPort(), TestBed.get("REPLICA_ADMIN_USER"),
                            TestBed.get("REPLICA_ADMIN_PASSWORD")))));
            var created = p.create(SS, in, false);
            Map<String, Object> state = ProviderProcess.decode(created.getProperties());
            assertCopied(db);
            try (Connection r = TestBed.replicaRoot()) {
                TestBed.exec(r, "INSERT INTO " + db + ".t VALUES (777777, 'replica only')");
            }

            // new passwords, a new user name and TLS mode on both connections, and every knob
            Map<String, Object> news = new LinkedHashMap<>(in);
            Map<String, Object> src = new LinkedHashMap<>(ProviderProcess.connection(TestBed.sourcePort(), "someone_else", "new-source-pw"));
            src.put("tls", "required");
            Map<String, Object> rep = new LinkedHashMap<>(ProviderProcess.connection(TestBed.replicaPort(), "admin2", "new-replica-pw"));
            news.put("source", src);
            news.put("replica", rep);
            news.put("parallelism", 3.0);
            news.put("lockMode", "readOnly");
            news.put("overwrite", true);
            news.put("copyRoutines", false);
            news = p.checked(SS, state, news);
            Provider.DiffResponse d = p.diff(SS, created.getId(), state, news);
            assertEquals(Provider.DiffResponse.DiffChanges.DIFF_SOME, d.getChanges());
            assertEquals(0, d.getReplacesCount(), "credentials, TLS and knobs never replace: " + d.getReplacesList());
            assertTrue(d.getDetailedDiffMap().containsKey("source.password") && d.getDetailedDiffMap().containsKey("replica.username")
                    && d.getDetailedDiffMap().containsKey("lockMode"), d.getDetailedDiffMap().keySet().toString());
            p.update(SS, created.getId(), state, news);
            try (Connection r = TestBed.replicaRoot()) {
                assertEquals(1, TestBed.query(r, "SELECT 1 FROM " + db + ".t WHERE id = 777777").size(), "nothing copied again");
            }

            // what does replace: another set of databases, or another server on either side
            Map<String, Object> moved = new LinkedHashMap<>(news);
            Map<String, Object> otherSource = new LinkedHashMap<>(src);
            otherSource.put("host", "203.0.113.10");
            moved.put("source", otherSource);
            Provider.DiffResponse dm = p.diff(SS, created.getId(), state, moved);
            assertEquals(List.of("source"), dm.getReplacesList());
            assertEquals(Provider.PropertyDiff.Kind.UPDATE_REPLACE, dm.getDetailedDiffOrThrow("source.host").getKind());
            Map<String, Object> otherPort = new LinkedHashMap<>(news);
            Map<String, Object> rp = new LinkedHashMap<>(rep);
            rp.put("port", 3307.0);
            otherPort.put("replica", rp);
            Provider.DiffResponse dp = p.diff(SS, created.getId(), state, otherPort);
            assertEquals(List.of("replica"), dp.getReplacesList());
            assertEquals(Provider.PropertyDiff.Kind.UPDATE_REPLACE, dp.getDetailedDiffOrThrow("replica.port").getKind());
            Map<String, Object> more = new LinkedHashMap<>(news);
            more.put("databases", List.of(db, "another"));
            assertEquals(List.of("databases"), p.diff(SS, created.getId(), state, more).getReplacesList());
            // the same databases in another order are the same copy
            Map<String, Object> two = new LinkedHashMap<>(state);
            two.put("databases", List.of("a", "b"));
            Map<String, Object> swapped = new LinkedHashMap<>(two);
            swapped.put("databases", List.of("b", "a"));
            assertEquals(Provider.DiffResponse.DiffChanges.DIFF_NONE, p.diff(SS, created.getId(), two, swapped).getChanges());
        }
    }

    @Test
    void cancelStopsAStuckReadOnlyCopyAndReleasesTheSource() throws Exception {
        String db = database(true);
        try (ProviderProcess p = provider(); Connection replicaLock = TestBed.replicaRoot()) {
            Map<String, Object> in = p.checked(SS, Map.of(), Map.of("databases", List.of(db), "lockMode", "readOnly",
                    "overwrite", true, "parallelism", 2.0));
            TestBed.exec(replicaLock, "FLUSH TABLES WITH READ LOCK");
            CompletableFuture<Provider.CreateResponse> create = CompletableFuture.supplyAsync(() -> p.create(SS, in, false));
            // the copy holds the source (a write waits) and is stuck on the replica (its DROP DATABASE waits)
            TestBed.awaitRows(true, "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '" + TestBed.get("REPLICA_ADMIN_USER")
                    + "' AND " + LOCK_WAIT, 60);
            CompletableFuture<Void> w = writer(db);
            TestBed.awaitRows(false, "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'INSERT INTO " + db + "%' AND " + LOCK_WAIT, 60);
            assertFalse(w.isDone(), "the source is held while the copy runs");

            p.stub.cancel(Empty.getDefaultInstance());
            // the replica's lock is still held: the create can only end because Cancel stopped it
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> create.get(60, TimeUnit.SECONDS));
            String msg = ((StatusRuntimeException) e.getCause()).getStatus().getDescription();
            assertTrue(msg.contains("cancelled"), msg);
            w.get(60, TimeUnit.SECONDS); // the source takes writes again
            awaitNoSessions(COPIER, 60);
            assertEquals("0", readOnly(), "the source is not read-only");
            TestBed.exec(replicaLock, "UNLOCK TABLES");
        }
        try (Connection r = TestBed.replicaRoot()) {
            assertEquals(1, TestBed.query(r, "SELECT 1 FROM " + db + ".only_here").size(), "the cancelled copy dropped nothing");
        }
        // the next create finishes the job
        try (ProviderProcess p = provider()) {
            p.create(SS, p.checked(SS, Map.of(), Map.of("databases", List.of(db), "lockMode", "readOnly", "overwrite", true)), false);
        }
        assertCopied(db);
    }

    @Test
    void sigkilledPluginDuringAReadOnlyCopyLeavesTheSourceWritable() throws Exception {
        String db = database(true);
        Set<Long> before = plugins();
        ProviderProcess p = provider();
        Set<Long> mine = plugins();
        mine.removeAll(before);
        assertEquals(1, mine.size(), "the plugin process of this test: " + mine);
        ProcessHandle plugin = ProcessHandle.of(mine.iterator().next()).orElseThrow();
        try (Connection replicaLock = TestBed.replicaRoot()) {
            Map<String, Object> in = p.checked(SS, Map.of(), Map.of("databases", List.of(db), "lockMode", "readOnly", "overwrite", true));
            TestBed.exec(replicaLock, "FLUSH TABLES WITH READ LOCK");
            CompletableFuture<Provider.CreateResponse> create = CompletableFuture.supplyAsync(() -> p.create(SS, in, false));
            TestBed.awaitRows(true, "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '" + TestBed.get("REPLICA_ADMIN_USER")
                    + "' AND " + LOCK_WAIT, 60);
            CompletableFuture<Void> w = writer(db);
            TestBed.awaitRows(false, "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'INSERT INTO " + db + "%' AND " + LOCK_WAIT, 60);
            assertFalse(w.isDone(), "the source is held while the copy runs");

            assertTrue(plugin.destroyForcibly(), "SIGKILL sent");
            plugin.onExit().get(30, TimeUnit.SECONDS);
            org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> create.get(30, TimeUnit.SECONDS));
            w.get(60, TimeUnit.SECONDS); // the write that waited goes through
            awaitNoSessions(COPIER, 60);
            assertEquals("0", readOnly(), "a killed plugin leaves the source writable (read_only OFF)");
            TestBed.exec(replicaLock, "UNLOCK TABLES");
        } finally {
            p.close();
        }
        try (Connection s = TestBed.sourceRoot()) {
            TestBed.exec(s, "INSERT INTO " + db + ".t VALUES (100001, 'after the kill')");
        }
        // the next create copies it (overwrite: the database exists on the replica)
        try (ProviderProcess p2 = provider()) {
            p2.create(SS, p2.checked(SS, Map.of(), Map.of("databases", List.of(db), "overwrite", true)), false);
        }
        assertCopied(db);
    }

    @Test
    void aCutLinkToTheSourceReleasesTheReadOnlyLockWithinAMinute() throws Exception {
        String db = database(true);
        try (FreezableProxy proxy = new FreezableProxy(TestBed.sourcePort()); Connection replicaLock = TestBed.replicaRoot()) {
            Map<String, Object> cfg = ProviderProcess.testBedConfig();
            Map<String, Object> src = copierConnection();
            src.put("port", (double) proxy.port());
            cfg.put("source", src);
            try (ProviderProcess p = ProviderProcess.start().configure(cfg)) {
                Map<String, Object> in = p.checked(SS, Map.of(), Map.of("databases", List.of(db), "lockMode", "readOnly", "overwrite", true));
                TestBed.exec(replicaLock, "FLUSH TABLES WITH READ LOCK");
                CompletableFuture<Provider.CreateResponse> create = CompletableFuture.supplyAsync(() -> p.create(SS, in, false));
                TestBed.awaitRows(true, "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '" + TestBed.get("REPLICA_ADMIN_USER")
                        + "' AND " + LOCK_WAIT, 60);
                CompletableFuture<Void> w = writer(db);
                TestBed.awaitRows(false, "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'INSERT INTO " + db + "%' AND " + LOCK_WAIT, 60);
                assertFalse(w.isDone(), "the source is held while the copy runs");

                // the network dies: nothing arrives, nothing is closed; the plugin is alive but cannot speak
                proxy.freeze();
                long t0 = System.nanoTime();
                w.get(240, TimeUnit.SECONDS); // the source dropped the silent lock connection (wait_timeout 60 s)
                System.out.println("cut link: the source took writes again after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                assertEquals("0", readOnly());
                assertFalse(create.isDone(), "the plugin is still stuck: the source released the lock on its own");
                TestBed.exec(replicaLock, "UNLOCK TABLES");
            }
        }
    }

    /** PIDs of running plugin processes started by this JVM. */
    static Set<Long> plugins() {
        return ProcessHandle.current().descendants()
                .filter(h -> h.info().commandLine().orElse("").contains("pulumi-resource-rdsreplication.jar"))
                .map(ProcessHandle::pid).collect(Collectors.toCollection(HashSet::new));
    }

    @Test
    void anInterruptedCopyIsFinishedByTheNextCreate() throws Exception {
        try (Connection r = TestBed.replicaRoot()) {
            org.junit.jupiter.api.Assumptions.assumeTrue(TestBed.query(r, "SHOW GRANTS FOR '" + TestBed.get("REPLICA_ADMIN_USER")
                    + "'@'127.0.0.1'").stream().noneMatch(g -> g.values().iterator().next().contains("SET_USER_ID")),
                    "RDS for MySQL 8.0's master user holds SET_USER_ID, which lets it create triggers whatever log_bin_trust_function_creators says");
        }
        String db = database(false);
        try (Connection r = TestBed.replicaRoot()) {
            // RDS's default parameter group: the master user may not create triggers, so the copy fails at its end
            TestBed.exec(r, "SET GLOBAL log_bin_trust_function_creators = 0");
        }
        try (ProviderProcess p = provider()) {
            Map<String, Object> in = p.checked(SS, Map.of(), Map.of("databases", List.of(db)));
            StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class, () -> p.create(SS, in, false));
            String msg = e.getStatus().getDescription();
            assertTrue(msg.contains("log_bin_trust_function_creators") && msg.contains("next pulumi up copies them again"), msg);
            try (Connection r = TestBed.replicaRoot()) {
                assertTrue(exists(r, db, "_rdsreplication_copy_incomplete"), "the copy is marked incomplete");
                TestBed.exec(r, "SET GLOBAL log_bin_trust_function_creators = 1");
            }
            // overwrite is false: only the provider's own unfinished copy may be replaced
            var created = p.create(SS, in, false);
            assertNotNull(created.getId());
        } finally {
            try (Connection r = TestBed.replicaRoot()) {
                TestBed.exec(r, "SET GLOBAL log_bin_trust_function_creators = 1");
            }
        }
        assertCopied(db);
        try (Connection r = TestBed.replicaRoot()) {
            assertEquals(1, TestBed.query(r, "SELECT 1 FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '" + db + "'").size());
        }
    }

    @Test
    void aCopyUnderRunningReplicationIsRefusedAndDropsNothing() throws Exception {
        String db = database(true);
        Map<String, Object> at = new LinkedHashMap<>();
        try (Connection s = TestBed.sourceRoot()) {
            Map<String, String> st = SnapshotEngines.binlogStatus(s);
            at.put("binlogFile", st.get("File"));
            at.put("binlogPosition", Double.parseDouble(st.get("Position")));
            at.put("gtid", st.getOrDefault("Executed_Gtid_Set", "").replace("\n", ""));
        }
        try {
            SnapshotEngines.replicateFrom(at, REPL, REPL_PW);
            awaitSqlThreadRunning(60);
            try (ProviderProcess p = provider()) {
                Map<String, Object> in = p.checked(SS, Map.of(), Map.of("databases", List.of(db), "overwrite", true));
                StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class, () -> p.create(SS, in, false));
                String msg = e.getStatus().getDescription();
                assertTrue(msg.contains("is replicating") && msg.contains("Nothing was changed"), msg);
            }
            try (Connection r = TestBed.replicaRoot()) {
                assertEquals(1, TestBed.query(r, "SELECT 1 FROM " + db + ".only_here").size(), "the replica's database is untouched");
            }
        } finally {
            SnapshotEngines.resetReplica();
        }
    }

    static void awaitSqlThreadRunning(int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Map<String, String> st = Map.of();
        while (System.nanoTime() < end) {
            st = TestBed.replicaStatus();
            if ("Yes".equals(st.getOrDefault("Slave_SQL_Running", st.get("Replica_SQL_Running")))) return;
            Thread.sleep(100);
        }
        throw new AssertionError("replication did not start: " + st);
    }
}
