package io.rdsreplication.provider.e2e;

import io.rdsreplication.provider.testing.Cli;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runbook's second guideline through the real CLI: a source whose binlogs expire sooner than the program's
 * minimum is refused before replication starts, with the figures; `binlogRetentionWarnOnly` starts it with a
 * warning; `safeToPurge`/`purgeTo` are stack outputs, and purging exactly that on the source leaves replication
 * delivering every row.
 */
@Tag("e2e")
class GuidelinesCliIT {
    static List<String> sourceLogs() throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            List<String> out = new ArrayList<>();
            for (var r : TestBed.query(c, "SHOW BINARY LOGS")) out.add(r.get("Log_name"));
            return out;
        }
    }

    static boolean replicating() throws Exception {
        var st = TestBed.replicaStatus();
        return "Yes".equals(st.get("Slave_IO_Running")) && "Yes".equals(st.get("Slave_SQL_Running"));
    }

    @Test
    void binlogRetentionIsCheckedBeforeStartingAndSafeToPurgeIsAnOutput() throws Exception {
        TestBed.resetReplica();
        String user = TestBed.unique("glc");
        String db = TestBed.unique("glcdb");
        Cli cli = Cli.init("examples/yaml", user);
        String savedExpiry;
        try (Connection c = TestBed.sourceRoot()) {
            savedExpiry = TestBed.query(c, "SELECT @@GLOBAL.binlog_expire_logs_seconds AS s").get(0).get("s");
            TestBed.exec(c, "SET GLOBAL binlog_expire_logs_seconds = 3600"); // a source that keeps binlogs one hour
        }
        try {
            Files.copy(Path.of(GuidelinesCliIT.class.getResource("/guidelines/Pulumi.yaml").toURI()), cli.prog.resolve("Pulumi.yaml"),
                    StandardCopyOption.REPLACE_EXISTING);
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "FLUSH BINARY LOGS", "FLUSH BINARY LOGS");
            }
            // the program asks for a day
            cli.pulumi("config", "set", "minBinlogExpirySeconds", "86400").ok();
            var refused = cli.pulumi("up", "--yes", "--skip-preview");
            assertNotEquals(0, refused.code(), refused.out());
            assertTrue(refused.out().contains("binlog retention on the source"), refused.out());
            assertTrue(refused.out().contains("3600") && refused.out().contains("86400"), "the figures are named:\n" + refused.out());
            assertFalse(replicating(), "refused before replication started");

            cli.pulumi("config", "set", "binlogRetentionWarnOnly", "true").ok();
            var warned = cli.pulumi("up", "--yes", "--skip-preview").ok();
            assertTrue(warned.out().contains("binlog retention on the source"), "the problem is still said:\n" + warned.out());
            assertTrue(replicating(), TestBed.replicaStatus().toString());

            String purgeTo = cli.pulumi("stack", "output", "purgeTo").ok().out().trim();
            String safe = cli.pulumi("stack", "output", "safeToPurge", "--json").ok().out();
            List<String> logs = sourceLogs();
            assertTrue(logs.indexOf(purgeTo) > 0, "purgeTo " + purgeTo + " is a later file of " + logs);
            for (String f : logs.subList(0, logs.indexOf(purgeTo))) assertTrue(safe.contains("\"" + f + "\""), f + " in " + safe);
            assertFalse(safe.contains("\"" + purgeTo + "\""), "the file the replica needs is not safe to purge: " + safe);

            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "PURGE BINARY LOGS TO '" + purgeTo + "'", "CREATE DATABASE " + db,
                        "CREATE TABLE " + db + ".t (id INT PRIMARY KEY)");
                for (int i = 1; i <= 25; i++) TestBed.exec(c, "INSERT INTO " + db + ".t VALUES (" + i + ")");
            }
            assertEquals("25", TestBed.waitForReplica("SELECT COUNT(*) FROM " + db + ".t", "25", 60), "purging safeToPurge loses nothing");
            cli.pulumi("destroy", "--yes").ok();
        } finally {
            cli.pulumi("destroy", "--yes");
            TestBed.resetReplica();
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "DROP DATABASE IF EXISTS " + db, "SET GLOBAL binlog_expire_logs_seconds = " + Long.parseLong(savedExpiry));
            }
            try (Connection r = TestBed.replicaRoot()) {
                TestBed.exec(r, "DROP DATABASE IF EXISTS " + db);
            }
        }
    }
}
