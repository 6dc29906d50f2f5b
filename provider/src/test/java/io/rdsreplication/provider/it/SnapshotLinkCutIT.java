package io.rdsreplication.provider.it;

import io.rdsreplication.provider.testing.Scratch;
import io.grpc.StatusRuntimeException;
import io.rdsreplication.provider.testing.ProviderProcess;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The link between the source and the copier dies in the middle of a copy (a Toxiproxy {@code timeout} toxic:
 * nothing passes any more and no side sees a close, as when a VPN drops): the copy fails within its socket
 * timeout with a message that says what happened and that the next pulumi up copies again; the source holds no
 * lock from it (a write goes through) and is not read-only, in both lock modes; once the link is back, the next
 * create copies every row exactly once. Toxiproxy is built or found by testbed/toxiproxy.sh and started and
 * stopped by this class.
 */
@Tag("integration")
class SnapshotLinkCutIT {
    static final String SS = "rdsreplication:index:SourceSnapshot";
    static final int ROWS = 20_000;
    static Process toxiproxy;
    static String api;
    static int listen;
    static final List<String> DBS = new ArrayList<>();

    @BeforeAll
    static void link() throws Exception {
        SnapshotEngines.resetReplica();
        Process build = new ProcessBuilder(TestBed.root().resolve("testbed/toxiproxy.sh").toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String server = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(build.waitFor(600, TimeUnit.SECONDS) && build.exitValue() == 0, "testbed/toxiproxy.sh failed");
        int apiPort = freePort();
        listen = freePort();
        Path log = Scratch.file("toxiproxy", ".log");
        toxiproxy = new ProcessBuilder(server, "-host", "127.0.0.1", "-port", Integer.toString(apiPort))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        api = "http://127.0.0.1:" + apiPort;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                http("GET", "/version", null);
                break;
            } catch (IOException e) {
                if (System.nanoTime() > until) throw new AssertionError("Toxiproxy did not start: " + Files.readString(log));
                Thread.sleep(100);
            }
        }
        http("POST", "/proxies", "{\"name\":\"source\",\"listen\":\"127.0.0.1:" + listen + "\",\"upstream\":\"127.0.0.1:"
                + TestBed.sourcePort() + "\"}");
    }

    @AfterAll
    static void stop() throws Exception {
        if (toxiproxy != null) {
            toxiproxy.destroy();
            toxiproxy.waitFor(30, TimeUnit.SECONDS);
        }
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0");
            for (String db : DBS) TestBed.exec(c, "DROP DATABASE IF EXISTS " + db);
        }
        try (Connection c = TestBed.replicaRoot()) {
            for (String db : DBS) TestBed.exec(c, "DROP DATABASE IF EXISTS " + db);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String http(String method, String path, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(api + path).toURL().openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(5000);
        c.setReadTimeout(10000);
        if (body != null) {
            c.setDoOutput(true);
            c.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        }
        int code = c.getResponseCode();
        if (code >= 300) throw new AssertionError("Toxiproxy " + method + " " + path + ": HTTP " + code);
        try (var in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static void toxic(String name, String type, String stream, String attributes) throws IOException {
        http("POST", "/proxies/source/toxics", "{\"name\":\"" + name + "\",\"type\":\"" + type + "\",\"stream\":\"" + stream
                + "\",\"attributes\":{" + attributes + "}}");
    }

    static void clearToxics() throws IOException {
        String list = http("GET", "/proxies/source/toxics", null);
        for (String name : List.of("slow", "cut-down", "cut-up")) {
            if (list.contains("\"" + name + "\"")) http("DELETE", "/proxies/source/toxics/" + name, null);
        }
    }

    /** Two tables of ROWS rows (about 4 MiB): at 256 KB/s a connection, long enough to cut the link mid-copy. */
    static String database() throws Exception {
        String db = TestBed.unique("cut");
        DBS.add(db);
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0", "CREATE DATABASE " + db);
            for (String t : List.of("a", "b")) {
                TestBed.exec(c, "CREATE TABLE " + db + "." + t + " (id INT PRIMARY KEY, v VARCHAR(200))");
                for (int from = 1; from <= ROWS; from += 1000) {
                    StringBuilder sb = new StringBuilder("INSERT INTO " + db + "." + t + " VALUES ");
                    for (int i = from; i < from + 1000; i++) {
                        sb.append(i == from ? "" : ", ").append('(').append(i).append(", '").append(t).append(' ').append(i)
                                .append(' ').append("x".repeat(150 + i % 40)).append("')");
                    }
                    TestBed.exec(c, sb.toString());
                }
            }
        }
        return db;
    }

    static String readOnly() throws SQLException {
        try (Connection c = TestBed.sourceRoot()) {
            return TestBed.query(c, "SELECT @@GLOBAL.read_only AS r").get(0).get("r");
        }
    }

    /** A write on the source, straight (not through the proxy), that waits at most 5 s for a lock. */
    static boolean writeGoesThrough(String db) {
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0", "SET SESSION lock_wait_timeout = 5",
                    "CREATE TABLE IF NOT EXISTS " + db + ".probe (id INT PRIMARY KEY)", "REPLACE INTO " + db + ".probe VALUES (1)");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    static long count(Connection c, String table) {
        try {
            return Long.parseLong(TestBed.query(c, "SELECT COUNT(*) AS n FROM " + table).get(0).get("n"));
        } catch (SQLException e) {
            return 0; // not created yet
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"snapshot", "readOnly"})
    void linkCutMidCopyFailsCleanlyAndTheNextCreateCopiesEveryRowOnce(String lockMode) throws Exception {
        String db = database();
        Map<String, Object> cfg = ProviderProcess.testBedConfig();
        @SuppressWarnings("unchecked")
        Map<String, Object> source = new LinkedHashMap<>((Map<String, Object>) cfg.get("source"));
        source.put("port", (double) listen);
        source.put("socketTimeoutSeconds", 10.0);
        source.put("connectTimeoutSeconds", 5.0);
        cfg.put("source", source);
        clearToxics();
        try (ProviderProcess p = ProviderProcess.start().configure(cfg); Connection replica = TestBed.replicaRoot()) {
            Map<String, Object> in = p.checked(SS, Map.of(), Map.of("databases", List.of(db), "lockMode", lockMode, "parallelism", 2.0));
            toxic("slow", "bandwidth", "downstream", "\"rate\":256");
            CompletableFuture<Object> create = CompletableFuture.supplyAsync(() -> p.create(SS, in, false));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (count(replica, db + ".a") + count(replica, db + ".b") == 0) {
                assertTrue(System.nanoTime() < until, "the copy did not start within 120 s");
                assertTrue(!create.isDone(), "the copy ended before the link was cut: " + create);
                Thread.sleep(100);
            }
            // the cut: nothing passes either way, and no side is told
            toxic("cut-down", "timeout", "downstream", "\"timeout\":0");
            toxic("cut-up", "timeout", "upstream", "\"timeout\":0");
            long cutAt = System.nanoTime();
            ExecutionException e = assertThrows(ExecutionException.class, () -> create.get(180, TimeUnit.SECONDS),
                    "the copy fails once its socket timeout (10 s) passes");
            long failedAfter = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - cutAt);
            String msg = ((StatusRuntimeException) e.getCause()).getStatus().getDescription();
            assertTrue(msg.contains("from the source failed") && msg.contains("the next pulumi up copies them again"),
                    "says what failed and what happens next: " + msg);
            assertTrue(!msg.contains(TestBed.get("SOURCE_ROOT_PASSWORD")), "no secret in the message");
            assertTrue(failedAfter < 180, "failed " + failedAfter + " s after the cut");
            assertTrue(count(replica, db + ".a") + count(replica, db + ".b") < 2L * ROWS, "the copy was cut before its end");

            // no lock left and not read-only: a write goes through (for readOnly, the source drops the dead lock
            // connection after its 60 s wait_timeout at the latest)
            assertEquals("0", readOnly(), "the source is not read-only");
            long writable = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            while (!writeGoesThrough(db)) assertTrue(System.nanoTime() < writable, "the source still refuses writes 150 s after the cut");

            // the link is back: the next create copies the interrupted database again, every row once
            clearToxics();
            p.create(SS, in, false);
            try (Connection src = TestBed.sourceRoot()) {
                for (String t : List.of("a", "b")) {
                    assertEquals(ROWS, count(replica, db + "." + t), db + "." + t + " rows on the replica");
                    assertEquals(SourceSnapshotSafetyIT.checksum(src, db + "." + t), SourceSnapshotSafetyIT.checksum(replica, db + "." + t),
                            db + "." + t + " is the same on both sides");
                }
            }
            assertTrue(!SourceSnapshotSafetyIT.exists(replica, db, "_rdsreplication_copy_incomplete"), "the copy is complete");
        } finally {
            clearToxics();
        }
    }
}
