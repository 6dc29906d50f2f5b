package io.rdsreplication.provider.e2e;

import io.rdsreplication.provider.testing.Cli;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two sources consolidated into one RDS for MySQL instance (multi-source, a channel each), through the real CLI and
 * examples/multi-source: each source's database copied by its SourceSnapshot, each channel configured from its copy's
 * coordinates and started; rows written on either source arrive once; a preview after the writes has no changes;
 * moving one source to another channel loses and repeats nothing; destroy removes both channels and both accounts.
 * On the pairs whose replica is MySQL with the multi-source procedures (the test bed starts a second source there).
 */
@Tag("e2e")
class MultiSourceCliIT {
    static String count(Connection c, String table) throws Exception {
        return TestBed.query(c, "SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM " + table).get(0).values().toString();
    }

    static int accounts(Connection c, String user) throws Exception {
        return TestBed.query(c, "SELECT 1 AS x FROM mysql.user WHERE User = '" + user + "'").size();
    }

    @Test
    void twoSourcesIntoOneInstanceAChannelEach() throws Exception {
        assumeTrue(TestBed.replicaIsMysql() && TestBed.hasSource2(), "multi-source needs a MySQL replica and the second source");
        TestBed.resetReplica();
        String user = TestBed.unique("msrc");
        String dbA = TestBed.unique("msa");
        String dbB = TestBed.unique("msb");
        try (Connection a = TestBed.sourceRoot(); Connection b = TestBed.source2()) {
            TestBed.exec(a, "CREATE DATABASE " + dbA, "CREATE TABLE " + dbA + ".t (id INT PRIMARY KEY, v VARCHAR(20))");
            TestBed.exec(b, "CREATE DATABASE " + dbB, "CREATE TABLE " + dbB + ".t (id INT PRIMARY KEY, v VARCHAR(20))");
            for (int i = 1; i <= 20; i++) {
                TestBed.exec(a, "INSERT INTO " + dbA + ".t VALUES (" + i + ", 'a')");
                TestBed.exec(b, "INSERT INTO " + dbB + ".t VALUES (" + i + ", 'b')");
            }
        }
        Cli cli = Cli.init("examples/multi-source", user);
        try {
            cli.pulumi("config", "set", "sourcePortB", Integer.toString(TestBed.source2Port())).ok();
            cli.pulumi("config", "set", "sourceUserB", TestBed.get("SOURCE2_ROOT_USER")).ok();
            cli.setSecret("sourcePasswordB", TestBed.get("SOURCE2_ROOT_PASSWORD"));
            cli.pulumi("config", "set", "databaseA", dbA).ok();
            cli.pulumi("config", "set", "databaseB", dbB).ok();
            var up = cli.pulumi("up", "--yes", "--skip-preview").ok();
            for (String ch : new String[] {"source_a", "source_b"}) {
                var row = TestBed.channelStatus(ch);
                assertEquals("Yes", row.get("Replica_IO_Running"), ch + ": " + row + "\n" + up.out());
                assertEquals("Yes", row.get("Replica_SQL_Running"), ch + ": " + row);
            }
            assertTrue(TestBed.channelStatus("").isEmpty(), "the default channel is not used");
            assertEquals("rds_set_external_source_for_channel", cli.pulumi("stack", "output", "procedureB").ok().out().trim());

            // writes on both sources while both channels run
            try (Connection a = TestBed.sourceRoot(); Connection b = TestBed.source2()) {
                for (int i = 21; i <= 40; i++) {
                    TestBed.exec(a, "INSERT INTO " + dbA + ".t VALUES (" + i + ", 'a')");
                    TestBed.exec(b, "INSERT INTO " + dbB + ".t VALUES (" + i + ", 'b')");
                }
            }
            assertEquals("40", TestBed.waitForReplica("SELECT COUNT(*) FROM " + dbA + ".t", "40", 60));
            assertEquals("40", TestBed.waitForReplica("SELECT COUNT(*) FROM " + dbB + ".t", "40", 60));
            try (Connection r = TestBed.replicaRoot()) {
                assertEquals("[40, 40]", count(r, dbA + ".t"), "each row once");
                assertEquals("[40, 40]", count(r, dbB + ".t"), "each row once");
            }
            cli.pulumi("preview", "--expect-no-changes").ok();

            // source B moves to another channel while it writes: nothing skipped, nothing applied twice
            try (Connection b = TestBed.source2()) {
                for (int i = 41; i <= 60; i++) TestBed.exec(b, "INSERT INTO " + dbB + ".t VALUES (" + i + ", 'b')");
            }
            cli.pulumi("config", "set", "channelB", "source_b2").ok();
            var move = cli.pulumi("up", "--yes", "--skip-preview").ok();
            assertTrue(TestBed.channelStatus("source_b").isEmpty(), "the old channel is gone:\n" + move.out());
            assertEquals("Yes", TestBed.channelStatus("source_b2").get("Replica_SQL_Running"), move.out());
            try (Connection b = TestBed.source2()) {
                for (int i = 61; i <= 70; i++) TestBed.exec(b, "INSERT INTO " + dbB + ".t VALUES (" + i + ", 'b')");
            }
            assertEquals("70", TestBed.waitForReplica("SELECT COUNT(*) FROM " + dbB + ".t", "70", 60));
            try (Connection r = TestBed.replicaRoot()) {
                assertEquals("[70, 70]", count(r, dbB + ".t"), "each row once after the move");
            }
            cli.pulumi("preview", "--expect-no-changes").ok();

            cli.pulumi("destroy", "--yes").ok();
            assertTrue(TestBed.channelStatus("source_a").isEmpty() && TestBed.channelStatus("source_b2").isEmpty(), "destroy removes both channels");
            try (Connection a = TestBed.sourceRoot(); Connection b = TestBed.source2()) {
                assertEquals(0, accounts(a, user), "the account on source A is dropped");
                assertEquals(0, accounts(b, user), "the account on source B is dropped");
            }
            String pw = cli.config("replicationPassword");
            assertFalse(cli.transcript().contains(pw), "the replication password in the CLI's output");
            assertFalse(cli.transcript().contains(TestBed.get("SOURCE2_ROOT_PASSWORD")), "source B's password in the CLI's output");
        } finally {
            cli.pulumi("destroy", "--yes");
            TestBed.resetReplica();
            try (Connection a = TestBed.sourceRoot()) {
                TestBed.exec(a, "DROP DATABASE IF EXISTS " + dbA);
            }
            try (Connection b = TestBed.source2()) {
                TestBed.exec(b, "DROP DATABASE IF EXISTS " + dbB);
            }
            try (Connection r = TestBed.replicaRoot()) {
                TestBed.exec(r, "DROP DATABASE IF EXISTS " + dbA, "DROP DATABASE IF EXISTS " + dbB);
            }
        }
    }
}
