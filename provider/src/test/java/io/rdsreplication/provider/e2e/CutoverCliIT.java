package io.rdsreplication.provider.e2e;

import io.rdsreplication.provider.testing.Scratch;
import io.rdsreplication.provider.testing.Cli;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The step after replication, through the real CLI: the runbook's program, then the same program with
 * ExternalMaster and ReplicationStart replaced by a Cutover (with the way back) and an EventSubscription. One
 * `pulumi up` switches to RDS: the source is fenced and stays read-only, the RDS instance is detached, the
 * checksums are equal, rows written on RDS afterwards reach the old source once each; the subscription exists,
 * enabled, for the instance. A second preview has no changes; destroy removes the subscription and changes
 * nothing on the servers.
 */
@Tag("e2e")
class CutoverCliIT {
    /**
     * The provider killed at every step of the cutover in turn, each `pulumi up` continuing where the killed one
     * stopped: before the fence the source stays writable (and a row written then reaches RDS); behind the fence it
     * is read-only, and the next preview tells the reviewer so; after the detach the next `up` records the switch as
     * made. The last `up` completes with every row on RDS once.
     */
    @Test
    void providerKilledAtEveryStepInTurnThenTheNextUpFinishes() throws Exception {
        TestBed.resetReplica();
        String user = TestBed.unique("cutx");
        String db = TestBed.unique("cutxdb");
        Cli cli = Cli.init("examples/yaml", user);
        int rows = 10;
        try {
            cli.pulumi("up", "--yes", "--skip-preview").ok();
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "CREATE DATABASE " + db, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v VARCHAR(20))");
                for (int i = 1; i <= rows; i++) TestBed.exec(c, "INSERT INTO " + db + ".t VALUES (" + i + ", 'src')");
            }
            assertEquals("10", TestBed.waitForReplica("SELECT COUNT(*) FROM " + db + ".t", "10", 60));
            Files.copy(Path.of(CutoverCliIT.class.getResource("/cutover/Pulumi.yaml").toURI()), cli.prog.resolve("Pulumi.yaml"),
                    StandardCopyOption.REPLACE_EXISTING);
            cli.pulumi("config", "set", "checksumTable", db + ".t").ok();
            cli.pulumi("config", "set", "wayBack", "false").ok();
            for (String point : new String[] {"CATCH_UP", "FENCE", "FINAL_POSITION", "FINAL_APPLY", "CHECKSUM", "DETACH", "DETACHED"}) {
                Path marker = Scratch.file("cutover-pause", ".txt");
                Files.delete(marker);
                Path log = Scratch.file("cutover-kill-" + point, ".log");
                cli.env(io.rdsreplication.provider.core.PausePoint.VARIABLE, "cutover." + point + "=" + marker);
                Process up = cli.spawn(log, "up", "--yes", "--skip-preview");
                try {
                    for (int i = 0; i < 1200 && !(Files.exists(marker) && Files.size(marker) > 0) && up.isAlive(); i++) Thread.sleep(100);
                    assertTrue(Files.exists(marker), point + ": the cutover reached the step: " + Files.readString(log));
                    // the plugin process that runs the cutover (the CLI may have started others), by the id it wrote
                    ProcessHandle plugin = ProcessHandle.of(Long.parseLong(Files.readString(marker).trim())).orElseThrow();
                    plugin.destroyForcibly();
                    plugin.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
                    up.waitFor(120, java.util.concurrent.TimeUnit.SECONDS);
                } finally {
                    cli.env(io.rdsreplication.provider.core.PausePoint.VARIABLE, "");
                    up.destroyForcibly();
                }
                boolean fenced = "1".equals(readOnly());
                assertEquals(!point.equals("CATCH_UP") && !point.equals("FENCE"), fenced, point + ": fenced from the fence on, not before");
                boolean attached = !TestBed.replicaStatus().getOrDefault("Source_Host", "").isEmpty();
                assertEquals(!point.equals("DETACHED"), attached, point + ": attached until the detach");
                if (!fenced) {
                    rows++;
                    try (Connection c = TestBed.sourceRoot()) {
                        TestBed.exec(c, "INSERT INTO " + db + ".t VALUES (" + rows + ", 'src')");
                    }
                }
                cli.pulumi("refresh", "--yes").ok();
                if (fenced) {
                    var preview = cli.pulumi("preview").ok();
                    assertTrue(preview.out().contains("is read-only now"), point + ": the preview says the source is fenced:\n" + preview.out());
                }
            }
            var last = cli.pulumi("up", "--yes", "--skip-preview").ok();
            assertTrue(last.out().contains("already made"), "the switch made by the killed run is recorded:\n" + last.out());
            assertEquals("1", readOnly(), "the source stays fenced after the cutover");
            try (Connection r = TestBed.replicaRoot()) {
                assertEquals(Integer.toString(rows), TestBed.query(r, "SELECT COUNT(DISTINCT id) AS n FROM " + db + ".t").get(0).get("n"),
                        "every row on RDS");
                assertEquals(Integer.toString(rows), TestBed.query(r, "SELECT COUNT(*) AS n FROM " + db + ".t").get(0).get("n"), "once");
            }
            cli.pulumi("preview", "--expect-no-changes").ok();
        } finally {
            cleanUp(db);
            cli.pulumi("destroy", "--yes");
        }
    }

    static String readOnly() throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            return TestBed.query(c, "SELECT @@GLOBAL.read_only AS r").get(0).get("r");
        }
    }

    static void cleanUp(String db) throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            if (TestBed.sourceIsMysql()) TestBed.exec(c, "SET GLOBAL super_read_only = OFF");
            TestBed.exec(c, "SET GLOBAL read_only = OFF");
            if (TestBed.sourceIsMysql()) TestBed.exec(c, "STOP REPLICA", "RESET REPLICA ALL");
            else TestBed.exec(c, "STOP SLAVE", "RESET SLAVE ALL");
            TestBed.exec(c, "DROP DATABASE IF EXISTS " + db);
        }
        try (Connection r = TestBed.replicaRoot()) {
            TestBed.exec(r, "SET SESSION sql_log_bin = 0", "DROP USER IF EXISTS 'rdsrepl_back'@'%'", "DROP DATABASE IF EXISTS " + db);
        }
        TestBed.resetReplica();
    }

    @Test
    void oneUpSwitchesToRdsWithAWayBackAndFailoverEvents() throws Exception {
        TestBed.resetReplica();
        String user = TestBed.unique("cut");
        String db = TestBed.unique("cutdb");
        Cli cli = Cli.init("examples/yaml", user);
        String subscription = "rdsrepl-events-" + user;
        try {
            cli.pulumi("up", "--yes", "--skip-preview").ok();
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "CREATE DATABASE " + db, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v VARCHAR(20))");
                for (int i = 1; i <= 50; i++) TestBed.exec(c, "INSERT INTO " + db + ".t VALUES (" + i + ", 'src')");
            }
            assertEquals("50", TestBed.waitForReplica("SELECT COUNT(*) FROM " + db + ".t", "50", 60));

            Files.copy(Path.of(CutoverCliIT.class.getResource("/cutover/Pulumi.yaml").toURI()), cli.prog.resolve("Pulumi.yaml"),
                    StandardCopyOption.REPLACE_EXISTING);
            cli.pulumi("config", "set", "checksumTable", db + ".t").ok();
            cli.pulumi("config", "set", "wayBackSsl", String.valueOf(TestBed.replicaIsMysql())).ok();
            var preview = cli.pulumi("preview").ok();
            assertTrue(preview.out().contains("Cutover is one-way"), "the preview says what cannot be undone:\n" + preview.out());
            var up = cli.pulumi("up", "--yes", "--skip-preview").ok();
            assertTrue(up.out().contains("cutover complete"), up.out());

            try (Connection c = TestBed.sourceRoot()) {
                assertEquals("1", TestBed.query(c, "SELECT @@GLOBAL.read_only AS r").get(0).get("r"), "the source stays fenced");
            }
            var st = TestBed.replicaStatus();
            assertTrue(st.isEmpty() || st.getOrDefault("Source_Host", st.getOrDefault("Master_Host", "")).isEmpty(),
                    "the RDS instance is detached: " + st);
            String sums = cli.pulumi("stack", "output", "checksums", "--json").ok().out();
            assertTrue(sums.contains(db + ".t"), sums);
            long downtime = Long.parseLong(cli.pulumi("stack", "output", "downtimeMillis").ok().out().trim());
            assertTrue(downtime >= 0, "downtime " + downtime);

            // the way back: writes made on RDS reach the old source, once each
            try (Connection r = TestBed.replicaRoot()) {
                TestBed.exec(r, "INSERT INTO " + db + ".t VALUES (51, 'rds')");
            }
            TestBed.awaitRows(false, "SELECT 1 FROM " + db + ".t WHERE id = 51", 120);
            try (Connection c = TestBed.sourceRoot()) {
                assertEquals("51", TestBed.query(c, "SELECT COUNT(*) AS n FROM " + db + ".t").get(0).get("n"));
            }

            // the runbook's first guideline
            try (var rds = TestBed.rds()) {
                var sub = rds.describeEventSubscriptions(b -> b.subscriptionName(subscription)).eventSubscriptionsList().get(0);
                assertTrue(sub.enabled(), "enabled");
                assertEquals(java.util.List.of(TestBed.get("DB_INSTANCE_ID")), sub.sourceIdsList());
                assertEquals(Set.of("availability", "failover", "failure", "maintenance"), Set.copyOf(sub.eventCategoriesList()));
            }

            cli.pulumi("preview", "--expect-no-changes").ok();
            var destroy = cli.pulumi("destroy", "--yes");
            if (TestBed.sourceIsMysql()) {
                // MySQL's super_read_only refuses even root: the replication account on the fenced old source cannot be
                // dropped, and destroy says so with the two ways out; the rest is destroyed
                assertTrue(destroy.code() != 0 && destroy.out().contains("is read-only") && destroy.out().contains("pulumi state delete"),
                        destroy.out());
                assertEquals("1", readOnly(), "nothing lowered the fence");
                try (Connection c = TestBed.sourceRoot()) {
                    TestBed.exec(c, "SET GLOBAL super_read_only = OFF", "SET GLOBAL read_only = OFF");
                }
                cli.pulumi("destroy", "--yes").ok();
            } else {
                destroy.ok();
            }
            try (var rds = TestBed.rds()) {
                boolean gone;
                try {
                    gone = rds.describeEventSubscriptions(b -> b.subscriptionName(subscription)).eventSubscriptionsList().isEmpty();
                } catch (software.amazon.awssdk.services.rds.model.SubscriptionNotFoundException e) {
                    gone = true;
                }
                assertTrue(gone, "destroy removes the subscription");
            }
            if (!TestBed.sourceIsMysql()) assertEquals("1", readOnly(), "deleting the Cutover changes nothing on the servers");
        } finally {
            cli.pulumi("destroy", "--yes");
            cleanUp(db);
        }
    }
}
