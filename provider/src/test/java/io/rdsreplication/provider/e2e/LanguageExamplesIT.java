package io.rdsreplication.provider.e2e;

import io.rdsreplication.provider.testing.Scratch;
import io.rdsreplication.provider.testing.Cli;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The TypeScript, Python and Go examples through the real pulumi CLI and the generated SDKs: each example's own
 * program run by its Automation API runner as an inline program (no nodejs/python/go language host exists here),
 * against a stack made by examples/stack-init.sh. Up, a row written on the source reaches the replica, a second
 * preview shows no changes, destroy, and nothing is left on the servers. Runs once per `make test` (on the first
 * engine pair: {@code -Dlanguages}); examples/prepare-languages.sh builds the SDKs and the runners first.
 */
@Tag("e2e")
class LanguageExamplesIT {
    static Ec2Client ec2;

    @BeforeAll
    static void prepare() throws Exception {
        assumeTrue(System.getProperty("languages") != null, "run once per make test (-Dlanguages)");
        ec2 = TestBed.ec2();
        var prep = new Cli(Scratch.dir("rdsrepl-lang")).run(TestBed.root(),
                List.of(TestBed.root().resolve("examples/prepare-languages.sh").toString()), Map.of()).ok();
        System.out.println(prep.out());
    }

    @AfterAll
    static void close() {
        if (ec2 != null) ec2.close();
    }

    @Test
    void typescriptWithSourceSnapshot() throws Exception {
        Path dir = TestBed.root().resolve("examples/typescript");
        runbook("typescript", dir, List.of("node", dir.resolve("bin/run.js").toString()), true);
    }

    @Test
    void python() throws Exception {
        Path dir = TestBed.root().resolve("examples/python");
        runbook("python", dir, List.of(TestBed.root().resolve(".testbed/pyvenv/bin/python").toString(), "run.py"), false);
    }

    @Test
    void go() throws Exception {
        Path dir = TestBed.root().resolve("examples/go");
        runbook("go", dir, List.of(dir.resolve("bin/run").toString()), false);
    }

    /**
     * One pass of the runbook through {@code runner} (argv prefix; the operation and the work folder follow).
     * With {@code snapshot}, a database with one row exists on the source before up and SourceSnapshot copies it.
     */
    static void runbook(String language, Path dir, List<String> runner, boolean snapshot) throws Exception {
        TestBed.resetReplica();
        String user = TestBed.unique(language.substring(0, 2) + "ex");
        String db = TestBed.unique(language.substring(0, 2) + "exdb");
        // the stack: the example's Pulumi.yaml (its project name) and the test bed's configuration
        Path skeleton = Scratch.dir("rdsrepl-" + language);
        Files.copy(dir.resolve("Pulumi.yaml"), skeleton.resolve("Pulumi.yaml"));
        Cli cli = Cli.init(skeleton.toString(), user);
        String work = cli.prog.toString();
        try {
            if (snapshot) {
                source("CREATE DATABASE " + db, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY)", "INSERT INTO " + db + ".t VALUES (1)");
                cli.pulumi("config", "set", "--path", "snapshotDatabases[0]", db).ok();
            }
            var up = run(cli, dir, runner, "up", work);
            int created = snapshot ? 6 : 5;
            assertTrue(up.out().contains("\"create\":" + created) || up.out().contains("\"create\": " + created), up.out());
            assertTrue(up.out().contains("replication running, "), up.out());
            String rule = cli.pulumi("stack", "output", "securityGroupRuleId").ok().out().trim();
            assertTrue(rule.startsWith("sgr-") && ruleExists(rule), "the rule " + rule + " is in the security group");
            assertTrue(accountExists(user), "the replication account exists on the source");
            assertEquals("Yes", TestBed.replicaStatus().get("Slave_IO_Running"));
            assertEquals("Yes", TestBed.replicaStatus().get("Slave_SQL_Running"));
            if (snapshot) {
                assertEquals("1", replica("SELECT id FROM " + db + ".t"), "the snapshot copied the row");
                source("INSERT INTO " + db + ".t VALUES (2)");
            } else {
                source("CREATE DATABASE " + db, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY)", "INSERT INTO " + db + ".t VALUES (2)");
            }
            assertEquals("2", TestBed.waitForReplica("SELECT id FROM " + db + ".t WHERE id = 2", "2", 30), "the row reached the replica");
            assertEquals(snapshot ? "2" : "1", replica("SELECT COUNT(*) FROM " + db + ".t"), "no row twice, none skipped");

            // the runner's preview fails unless nothing would change (expectNoChanges)
            var preview = run(cli, dir, runner, "preview", work);
            assertFalse(preview.out().matches("(?s).*\"(create|update|delete|replace)\".*"), preview.out());

            var destroy = run(cli, dir, runner, "destroy", work);
            assertTrue(destroy.out().contains("\"delete\":" + created) || destroy.out().contains("\"delete\": " + created), destroy.out());
            assertFalse(accountExists(user), "the account is gone from the source");
            assertFalse(ruleExists(rule), "the rule is gone from the security group");
            assertFalse(ruleFromCidr("127.0.0.1/32"), "no rule from the source's CIDR is left");
            var st = TestBed.replicaStatus();
            assertTrue(st.isEmpty() || st.get("Master_Host").isEmpty(), "no replication configured: " + st);
        } finally {
            run(cli, dir, runner, "destroy", work, false);
            source("DROP DATABASE IF EXISTS " + db);
            try (Connection c = TestBed.replicaRoot()) {
                TestBed.exec(c, "DROP DATABASE IF EXISTS " + db);
            }
        }
    }

    static Cli.Result run(Cli cli, Path dir, List<String> runner, String op, String work) throws Exception {
        return run(cli, dir, runner, op, work, true);
    }

    static Cli.Result run(Cli cli, Path dir, List<String> runner, String op, String work, boolean ok) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(runner);
        cmd.addAll(List.of(op, work));
        var r = cli.run(dir, cmd, Map.of());
        return ok ? r.ok() : r;
    }

    static void source(String... sql) throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, sql);
        }
    }

    static String replica(String sql) throws Exception {
        try (Connection c = TestBed.replicaRoot()) {
            var rows = TestBed.query(c, sql);
            return rows.isEmpty() ? null : rows.get(0).values().iterator().next();
        }
    }

    static boolean accountExists(String user) throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            return !TestBed.query(c, "SELECT 1 FROM mysql.user WHERE User = '" + user + "'").isEmpty();
        }
    }

    static boolean ruleExists(String ruleId) {
        return ec2.describeSecurityGroupRules(b -> b.filters(f -> f.name("group-id").values(TestBed.get("SECURITY_GROUP_ID"))))
                .securityGroupRules().stream().anyMatch(r -> ruleId.equals(r.securityGroupRuleId()));
    }

    static boolean ruleFromCidr(String cidr) {
        return ec2.describeSecurityGroupRules(b -> b.filters(f -> f.name("group-id").values(TestBed.get("SECURITY_GROUP_ID"))))
                .securityGroupRules().stream().anyMatch(r -> cidr.equals(r.cidrIpv4()) && !r.isEgress());
    }
}
