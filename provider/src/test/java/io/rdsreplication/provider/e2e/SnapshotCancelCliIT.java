package io.rdsreplication.provider.e2e;

import io.rdsreplication.provider.testing.Scratch;
import io.rdsreplication.provider.testing.Cli;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ctrl-C in `pulumi up` during a readOnly SourceSnapshot: the engine sends Cancel, the copy stops at once and
 * the source is left writable with none of the copy's connections; the next `pulumi up` makes the copy.
 */
@Tag("e2e")
class SnapshotCancelCliIT {
    static final String COPIER = "ss_cli_copier";
    static final String WAITING = "STATE LIKE 'Waiting for%lock%'";

    static int sessions() throws SQLException {
        try (Connection c = TestBed.sourceRoot()) {
            return TestBed.query(c, "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '" + COPIER + "'").size();
        }
    }

    @Test
    void ctrlCDuringAReadOnlyCopyCancelsItAndLeavesTheSourceWritable() throws Exception {
        String db = TestBed.unique("sscli");
        String pw = "cli-" + Long.toString(System.nanoTime(), 36);
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0", "DROP USER IF EXISTS '" + COPIER + "'@'127.0.0.1'",
                    "CREATE USER '" + COPIER + "'@'127.0.0.1' IDENTIFIED BY '" + pw + "'",
                    "GRANT ALL PRIVILEGES ON *.* TO '" + COPIER + "'@'127.0.0.1'",
                    "CREATE DATABASE " + db, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY)", "INSERT INTO " + db + ".t VALUES (1), (2)");
        }
        try (Connection r = TestBed.replicaRoot()) {
            TestBed.exec(r, "CREATE DATABASE " + db);
        }
        Cli cli = Cli.init("examples/yaml", TestBed.unique("cli"));
        try (Connection replicaLock = TestBed.replicaRoot()) {
            // the example's config declarations, and one readOnly SourceSnapshot
            String example = Files.readString(cli.prog.resolve("Pulumi.yaml"));
            String config = example.substring(0, example.indexOf("\nvariables:"));
            Files.writeString(cli.prog.resolve("Pulumi.yaml"), config + "\nresources:\n  copy:\n    type: rdsreplication:index:SourceSnapshot\n"
                    + "    properties:\n      databases: [" + db + "]\n      lockMode: readOnly\n      overwrite: true\n");
            cli.pulumi("config", "set", "--path", "rdsreplication:source.username", COPIER).ok();
            cli.pulumi("config", "set", "--path", "--secret", "rdsreplication:source.password", pw).ok();

            TestBed.exec(replicaLock, "FLUSH TABLES WITH READ LOCK");
            Path log = Scratch.file("snapshot-cancel", ".log");
            Process up = cli.spawn(log, "up", "--yes", "--skip-preview");
            TestBed.awaitRows(true, "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '" + TestBed.get("REPLICA_ADMIN_USER") + "' AND " + WAITING, 120);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (Connection c = TestBed.sourceRoot()) {
                    TestBed.exec(c, "INSERT INTO " + db + ".t VALUES (3)");
                } catch (SQLException e) {
                    throw new RuntimeException(e);
                }
            });
            TestBed.awaitRows(false, "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'INSERT INTO " + db + "%' AND " + WAITING, 60);
            assertFalse(writer.isDone(), "the source is held by the readOnly copy");

            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(up.pid())).start().waitFor(), "Ctrl-C sent");
            assertTrue(up.waitFor(120, TimeUnit.SECONDS), "pulumi ended while the replica's lock is still held");
            String out = Files.readString(log);
            assertTrue(out.contains("the copy was cancelled"), out);
            writer.get(60, TimeUnit.SECONDS);
            long end = System.nanoTime() + 60_000_000_000L;
            while (sessions() > 0 && System.nanoTime() < end) Thread.sleep(100);
            assertEquals(0, sessions(), "no connection of the copy left on the source");
            try (Connection c = TestBed.sourceRoot()) {
                assertEquals("0", TestBed.query(c, "SELECT @@GLOBAL.read_only AS r").get(0).get("r"));
            }
            TestBed.exec(replicaLock, "UNLOCK TABLES");

            // the next up makes the copy
            cli.pulumi("up", "--yes", "--skip-preview").ok();
            try (Connection r = TestBed.replicaRoot()) {
                assertEquals("3", TestBed.query(r, "SELECT COUNT(*) AS n FROM " + db + ".t").get(0).get("n"));
            }
        } finally {
            cli.pulumi("destroy", "--yes");
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "SET SESSION sql_log_bin = 0", "DROP DATABASE IF EXISTS " + db, "DROP USER IF EXISTS '" + COPIER + "'@'127.0.0.1'");
            }
            try (Connection r = TestBed.replicaRoot()) {
                TestBed.exec(r, "DROP DATABASE IF EXISTS " + db);
            }
        }
    }
}
