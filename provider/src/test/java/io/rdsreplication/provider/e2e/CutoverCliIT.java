package io.rdsreplication.provider.e2e;

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
     * The provider killed while the cutover waits for the replica (its applier blocked by a table lock on RDS):
     * nothing was fenced, so the source takes writes and still replicates to RDS; once the replica can apply again,
     * the next `pulumi up` makes the whole cutover, every row on RDS once.
     */
    @Test
    void providerKilledBeforeTheFenceLeavesTheSourceWritableAndTheNextUpFinishes() throws Exception {
        TestBed.resetReplica();
        String user = TestBed.unique("cutk");
        String db = TestBed.unique("cutkdb");
        Cli cli = Cli.init("examples/yaml", user);
        try {
            cli.pulumi("up", "--yes", "--skip-preview").ok();
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "CREATE DATABASE " + db, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v VARCHAR(20))",
                        "INSERT INTO " + db + ".t VALUES (1, 'src')");
            }
            assertEquals("1", TestBed.waitForReplica("SELECT COUNT(*) FROM " + db + ".t", "1", 60));
            Files.copy(Path.of(CutoverCliIT.class.getResource("/cutover/Pulumi.yaml").toURI()), cli.prog.resolve("Pulumi.yaml"),
                    StandardCopyOption.REPLACE_EXISTING);
            cli.pulumi("config", "set", "checksumTable", db + ".t").ok();
            cli.pulumi("config", "set", "wayBackSsl", String.valueOf(TestBed.replicaIsMysql())).ok();
            try (Connection lock = TestBed.replicaRoot()) {
                TestBed.exec(lock, "LOCK TABLES " + db + ".t WRITE"); // the replica's applier waits behind it
                try (Connection c = TestBed.sourceRoot()) {
                    TestBed.exec(c, "INSERT INTO " + db + ".t VALUES (2, 'src')");
                }
                Path log = Files.createTempFile("cutover-killed", ".log");
                Process up = cli.spawn(log, "up", "--yes", "--skip-preview");
                ProcessHandle plugin = Cli.awaitPlugin(up);
                assertTrue(plugin != null, "the plugin started");
                Thread.sleep(8000); // the cutover is waiting for the blocked replica by now
                assertEquals("0", readOnly(), "not fenced while the replica has not caught up");
                plugin.destroyForcibly();
                up.waitFor();
                assertEquals("0", readOnly(), "a provider killed before the fence leaves the source writable");
                assertEquals("Yes", TestBed.replicaStatus().getOrDefault("Slave_IO_Running",
                        TestBed.replicaStatus().get("Replica_IO_Running")), "and still replicating");
                TestBed.exec(lock, "UNLOCK TABLES");
            }
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "INSERT INTO " + db + ".t VALUES (3, 'src')");
            }
            cli.pulumi("refresh", "--yes").ok();
            var up = cli.pulumi("up", "--yes", "--skip-preview").ok();
            assertTrue(up.out().contains("cutover complete"), up.out());
            assertEquals("1", readOnly(), "fenced once the cutover is made");
            try (Connection r = TestBed.replicaRoot()) {
                assertEquals("3", TestBed.query(r, "SELECT COUNT(*) AS n FROM " + db + ".t").get(0).get("n"), "every row on RDS once");
            }
            cli.pulumi("preview", "--expect-no-changes").ok();
        } finally {
            cli.pulumi("destroy", "--yes");
            cleanUp(db);
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
