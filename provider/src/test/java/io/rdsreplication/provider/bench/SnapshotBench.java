package io.rdsreplication.provider.bench;

import io.rdsreplication.provider.testing.Scratch;
import io.rdsreplication.provider.testing.ProviderProcess;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * `make bench` (not part of `make test`): on a generated database of BENCH_MB (default 1024) MiB, the copy
 * time of SourceSnapshot against `mariadb-dump --single-transaction … | mariadb`, and the longest stall a
 * writer probe sees on the source during our copy against the runbook's read-only procedure.
 */
class SnapshotBench {
    static final String DB = "rdsrepl_bench";

    @Test
    void copyTimeAndWriterStall() throws Exception {
        assumeTrue(System.getProperty("bench") != null, "run through make bench");
        int mb = Integer.parseInt(System.getenv().getOrDefault("BENCH_MB", "1024"));
        generate(mb);
        long dump = mysqldumpPipe();
        dropOnReplica();
        try (ProviderProcess p = ProviderProcess.start().configureTestBed()) {
            Probe ours = new Probe();
            long t0 = System.nanoTime();
            var r = p.create("rdsreplication:index:SourceSnapshot", p.checked("rdsreplication:index:SourceSnapshot", Map.of(),
                    Map.of("databases", List.of(DB), "parallelism", 2.0, "overwrite", true)), false);
            long oursMs = (System.nanoTime() - t0) / 1_000_000;
            long oursStall = ours.stop();
            var out = ProviderProcess.decode(r.getProperties());
            Probe ro = new Probe();
            t0 = System.nanoTime();
            p.create("rdsreplication:index:SourceSnapshot", p.checked("rdsreplication:index:SourceSnapshot", Map.of(),
                    Map.of("databases", List.of(DB), "parallelism", 2.0, "overwrite", true, "lockMode", "readOnly")), false);
            long roMs = (System.nanoTime() - t0) / 1_000_000;
            long roStall = ro.stop();
            System.out.printf("snapshot: data %d MiB, %s rows%n", mb, out.get("rowsCopied"));
            System.out.printf("snapshot: mariadb-dump --single-transaction | mariadb: %d ms%n", dump);
            System.out.printf("snapshot: SourceSnapshot (parallelism 2): %d ms; speed-up vs the dump pipe = %.2fx (target >= 1.0)%n",
                    oursMs, (double) dump / oursMs);
            System.out.printf("snapshot: longest writer stall during our copy: %d ms (lockMillis %s)%n", oursStall, out.get("lockMillis"));
            System.out.printf("snapshot: longest writer stall during the runbook's read-only copy (%d ms): %d ms; ratio read-only/ours = %.0fx%n",
                    roMs, roStall, (double) roStall / Math.max(1, oursStall));
        } finally {
            dropOnReplica();
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "SET SESSION sql_log_bin = 0", "DROP DATABASE IF EXISTS " + DB);
            }
        }
    }

    static void generate(int mb) throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0", "DROP DATABASE IF EXISTS " + DB, "CREATE DATABASE " + DB,
                    "CREATE TABLE " + DB + ".probe (id BIGINT AUTO_INCREMENT PRIMARY KEY, at TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6))");
            int tables = 4;
            long rowsPerTable = (long) mb * 1024 * 1024 / 1024 / tables; // ~1 KiB rows
            for (int t = 0; t < tables; t++) {
                String tb = DB + ".t" + t;
                TestBed.exec(c, "CREATE TABLE " + tb + " (id BIGINT PRIMARY KEY, a INT, b DOUBLE, c VARCHAR(200), d VARBINARY(800))");
                TestBed.exec(c, "INSERT INTO " + tb + " SELECT seq, seq % 1000, seq / 7, REPEAT(CHAR(65 + seq % 26), 150), "
                        + "RANDOM_BYTES(800) FROM " + DB + ".seq_1_to_" + rowsPerTable);
            }
        }
    }

    static long mysqldumpPipe() throws Exception {
        String cmd = "mariadb-dump --no-defaults -h127.0.0.1 -P" + TestBed.sourcePort() + " -u\"$SRC_USER\" --single-transaction "
                + "--order-by-primary --databases " + DB + " | mariadb --no-defaults -h127.0.0.1 -P" + TestBed.replicaPort()
                + " -u\"$DST_USER\"";
        ProcessBuilder pb = new ProcessBuilder("bash", "-o", "pipefail", "-c", cmd).redirectErrorStream(true);
        // passwords through the environment (MYSQL_PWD), never on the command line
        pb.environment().put("SRC_USER", TestBed.get("SOURCE_ROOT_USER"));
        pb.environment().put("DST_USER", TestBed.get("REPLICA_ROOT_USER"));
        pb.environment().put("MYSQL_PWD", TestBed.get("SOURCE_ROOT_PASSWORD"));
        // both sides need a password: give the replica root the source's through a defaults file
        java.nio.file.Path cnf = Scratch.file("bench", ".cnf");
        java.nio.file.Files.writeString(cnf, "[client]\npassword=" + TestBed.get("REPLICA_ROOT_PASSWORD") + "\n");
        pb.command("bash", "-o", "pipefail", "-c", cmd.replace("| mariadb --no-defaults", "| mariadb --defaults-extra-file=" + cnf));
        long t0 = System.nanoTime();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new AssertionError("dump pipe failed: " + out);
        java.nio.file.Files.delete(cnf);
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static void dropOnReplica() throws Exception {
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "DROP DATABASE IF EXISTS " + DB, "FLUSH BINARY LOGS", "PURGE BINARY LOGS BEFORE NOW()");
        }
    }

    /** Inserts into the source every 20 ms and records the slowest insert. */
    static final class Probe {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong worst = new AtomicLong();
        final Thread thread;

        Probe() {
            thread = new Thread(() -> {
                try (Connection c = TestBed.sourceRoot(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + DB + ".probe () VALUES ()")) {
                    TestBed.exec(c, "SET SESSION sql_log_bin = 0");
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        ps.execute();
                        worst.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
                        Thread.sleep(20);
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, "probe");
            thread.start();
        }

        long stop() throws InterruptedException {
            stop.set(true);
            thread.join(600_000);
            return worst.get();
        }
    }
}
