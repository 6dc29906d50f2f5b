package io.rdsreplication.provider.it;

import io.rdsreplication.provider.testing.Scratch;
import io.rdsreplication.provider.cutover.Cutover;
import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * `make bench` (bench/cutover.sh; not part of `make test`): the write downtime of a Cutover against the runbook's
 * way of moving a database without replication, where the source stays read-only for a full dump piped into the
 * RDS instance. Both on a generated database of BENCH_CUTOVER_MB (default 128) MiB; ours with an application
 * writing the whole time.
 */
class CutoverBench {
    static final String DB = "rdsrepl_cutover_bench";

    @Test
    void downtimeAgainstReadOnlyDump() throws Exception {
        assumeTrue(System.getProperty("bench") != null, "run through make bench");
        int mb = Integer.parseInt(System.getenv().getOrDefault("BENCH_CUTOVER_MB", "128"));
        CutoverBed bed = new CutoverBed();
        String app = TestBed.unique("benchapp");
        String appPassword = "app-" + Long.toString(System.nanoTime(), 36);
        try {
            bed.startReplication();
            long rows = generate(mb);
            CutoverBed.awaitOnReplica("SELECT 1 FROM " + DB + ".t WHERE id = " + rows, 1800);

            long dumpMs = readOnlyDump();

            CutoverBed.createAppUser(app, appPassword, DB);
            Writer w = new Writer(app, appPassword, DB + ".w", 1_000_000, 600).start();
            Cutover.Result r;
            try (Session src = CutoverBed.sourceSession(); Session rep = CutoverBed.replicaSession()) {
                w.awaitMoreAcks(200, 120);
                r = Cutover.run(bed.context(), src, rep, Cutover.Options.defaults().withEndSessionsOf(List.of(app)),
                        step -> {
                            if (step == Cutover.Step.DETACH) w.toReplica = true;
                        });
                w.awaitMoreAcks(50, 120);
            } finally {
                w.stopAndJoin();
            }
            assertEquals(null, w.unexpected);
            System.out.printf("cutover: data %d MiB (%d rows) on %s%n", mb, rows, TestBed.get("ENGINES"));
            System.out.printf("cutover: the runbook's way, source read-only for mariadb-dump --single-transaction | mariadb: %d ms%n", dumpMs);
            System.out.printf("cutover: Cutover's write downtime (fence -> RDS applied the final position): %d ms; "
                    + "the writer's gap across it (incl. switching to RDS): %d ms%n", r.downtimeMillis(), w.cutoverGapMillis());
            System.out.printf("cutover: downtime ratio read-only dump / Cutover = %.0fx (writer's gap: %.0fx)%n",
                    (double) dumpMs / Math.max(1, r.downtimeMillis()), (double) dumpMs / Math.max(1, w.cutoverGapMillis()));
        } finally {
            bed.cleanUp(DB, DB + "_dump");
            for (boolean replica : new boolean[]{false, true}) {
                try (Connection c = replica ? TestBed.replicaRoot() : TestBed.sourceRoot()) {
                    TestBed.exec(c, "SET SESSION sql_log_bin = 0", "DROP USER IF EXISTS '" + app + "'@'127.0.0.1'");
                }
            }
        }
    }

    /** About {@code mb} MiB of ~1 KiB rows on the source, replicated; and the writer's table. Returns the row count. */
    static long generate(int mb) throws Exception {
        long rows = (long) mb * 1024;
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "DROP DATABASE IF EXISTS " + DB, "CREATE DATABASE " + DB,
                    "CREATE TABLE " + DB + ".t (id BIGINT PRIMARY KEY, c VARCHAR(200), d VARCHAR(800))",
                    "CREATE TABLE " + DB + ".w (id BIGINT PRIMARY KEY, side VARCHAR(10) NOT NULL)");
            for (long from = 1; from <= rows; from += 500) {
                StringBuilder sb = new StringBuilder("INSERT INTO " + DB + ".t VALUES ");
                for (long id = from; id < from + 500 && id <= rows; id++) {
                    if (id > from) sb.append(',');
                    sb.append("(").append(id).append(", REPEAT(CHAR(65 + ").append(id % 26).append("), 200), CONCAT(MD5(").append(id)
                            .append("), REPEAT('x', 768)))");
                }
                TestBed.exec(c, sb.toString());
            }
        }
        return rows;
    }

    /** The runbook's way: read-only source, the dump piped into a new database on the replica. Returns its ms. */
    static long readOnlyDump() throws Exception {
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "DROP DATABASE IF EXISTS " + DB + "_dump", "CREATE DATABASE " + DB + "_dump");
        }
        Path cnf = Scratch.file("bench", ".cnf", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(cnf, "[client]\npassword=" + TestBed.get("REPLICA_ROOT_PASSWORD") + "\n");
        String cmd = "mariadb-dump --no-defaults -h127.0.0.1 -P" + TestBed.sourcePort() + " -u\"$SRC_USER\" --single-transaction "
                + "--order-by-primary " + DB + " t | mariadb --defaults-extra-file=" + cnf + " -h127.0.0.1 -P" + TestBed.replicaPort()
                + " -u\"$DST_USER\" " + DB + "_dump";
        ProcessBuilder pb = new ProcessBuilder("bash", "-o", "pipefail", "-c", cmd).redirectErrorStream(true);
        pb.environment().put("SRC_USER", TestBed.get("SOURCE_ROOT_USER"));
        pb.environment().put("DST_USER", TestBed.get("REPLICA_ROOT_USER"));
        pb.environment().put("MYSQL_PWD", TestBed.get("SOURCE_ROOT_PASSWORD"));   // never on the command line
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "SET GLOBAL read_only = ON");
            long t0 = System.nanoTime();
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) throw new AssertionError("dump pipe failed: " + out);
            return (System.nanoTime() - t0) / 1_000_000;
        } finally {
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "SET GLOBAL read_only = OFF");
            }
            Files.deleteIfExists(cnf);
        }
    }
}
