package io.rdsreplication.provider.e2e;

import io.rdsreplication.provider.testing.Cli;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.ec2.Ec2Client;

import java.net.URI;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole runbook through the real pulumi CLI and the YAML example: up, replication, no-change preview,
 * drift shown by refresh and repaired by up, password rotation, import of every resource, destroy, secrets.
 */
@Tag("e2e")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YamlExampleIT {
    static Cli cli;
    static String user;
    static String db;
    static Ec2Client ec2;

    @BeforeAll
    static void init() throws Exception {
        TestBed.resetReplica();
        user = TestBed.unique("e2e");
        db = TestBed.unique("e2edb");
        cli = Cli.init("examples/yaml", user);
        ec2 = TestBed.ec2();
    }

    @AfterAll
    static void cleanup() throws Exception {
        cli.pulumi("destroy", "--yes");
        ec2.close();
        TestBed.resetReplica();
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "DROP DATABASE IF EXISTS " + db);
        }
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "DROP DATABASE IF EXISTS " + db);
        }
    }

    static void source(String... sql) throws SQLException {
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, sql);
        }
    }

    static boolean accountExists() throws SQLException {
        try (Connection c = TestBed.sourceRoot()) {
            return !TestBed.query(c, "SELECT 1 FROM mysql.user WHERE User = '" + user + "'").isEmpty();
        }
    }

    static boolean ruleExists(String cidr) {
        return ec2.describeSecurityGroupRules(b -> b.filters(f -> f.name("group-id").values(TestBed.get("SECURITY_GROUP_ID"))))
                .securityGroupRules().stream().anyMatch(r -> cidr.equals(r.cidrIpv4()) && !r.isEgress());
    }

    static String output(String name) throws Exception {
        return cli.pulumi("stack", "output", name).ok().out().trim();
    }

    static void rowArrives(int id) throws Exception {
        source("CREATE DATABASE IF NOT EXISTS " + db, "CREATE TABLE IF NOT EXISTS " + db + ".t (id INT PRIMARY KEY)",
                "INSERT INTO " + db + ".t VALUES (" + id + ")");
        assertEquals(String.valueOf(id), TestBed.waitForReplica("SELECT id FROM " + db + ".t WHERE id = " + id, String.valueOf(id), 30),
                "row " + id + " reached the replica");
    }

    @Test
    @Order(1)
    void upReplicatesRows() throws Exception {
        var up = cli.pulumi("up", "--yes", "--skip-preview").ok();
        assertTrue(up.out().contains("5 created"), up.out());
        // the provider's messages reach the CLI through the engine's Log RPC
        assertTrue(up.out().contains("replication running, "), up.out());
        assertEquals("true", output("ioRunning"));
        assertTrue(accountExists());
        assertTrue(ruleExists("127.0.0.1/32"));
        rowArrives(1);
    }

    @Test
    @Order(2)
    void secondPreviewHasNoChanges() throws Exception {
        cli.pulumi("preview", "--expect-no-changes").ok();
    }

    /**
     * The example feeds getSourceStatus straight into ExternalMaster (no ignoreChanges). With the replica lagging (SQL
     * thread stopped) and rows written since, the position input has moved: the preview must not re-point (that would
     * skip the lagging rows), and `up --refresh` repairs replication so that every row arrives exactly once.
     */
    @Test
    @Order(3)
    void laggingReplicaNeverSkipsEventsThroughTheCli() throws Exception {
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "STOP REPLICA SQL_THREAD");
        }
        source("CREATE DATABASE IF NOT EXISTS " + db, "CREATE TABLE IF NOT EXISTS " + db + ".lag (id INT PRIMARY KEY)");
        for (int i = 1; i <= 30; i++) source("INSERT INTO " + db + ".lag VALUES (" + i + ")");
        var preview = cli.pulumi("preview", "--diff").ok();
        assertFalse(preview.out().contains("replace"), "no re-pointing of the lagging replica: " + preview.out());
        assertFalse(preview.out().contains("binlogPosition"), preview.out());
        cli.pulumi("up", "--yes", "--skip-preview", "--refresh").ok();
        assertEquals("30", TestBed.waitForReplica("SELECT COUNT(*) FROM " + db + ".lag", "30", 60), "every lagging row arrived");
        assertEquals("465", TestBed.waitForReplica("SELECT SUM(id) FROM " + db + ".lag", "465", 5), "each exactly once");
        assertEquals("Yes", TestBed.replicaStatus().get("Slave_SQL_Running"));
        cli.pulumi("preview", "--expect-no-changes").ok();
    }

    @Test
    @Order(4)
    void driftIsShownByRefreshAndRepairedByUp() throws Exception {
        String rule = output("securityGroupRuleId");
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "STOP REPLICA");
        }
        source("SET SESSION sql_log_bin = 0", "DROP USER '" + user + "'@'127.0.0.1'");
        ec2.revokeSecurityGroupIngress(b -> b.groupId(TestBed.get("SECURITY_GROUP_ID")).securityGroupRuleIds(rule));

        var refresh = cli.pulumi("refresh", "--yes", "--diff").ok();
        assertTrue(refresh.out().contains("replUser") && refresh.out().contains("ingress") && refresh.out().contains("start"), refresh.out());
        assertTrue(refresh.out().contains("deleted"), refresh.out());
        var preview = cli.pulumi("preview", "--diff").ok();
        assertTrue(preview.out().contains("to create") && preview.out().contains("to update"), preview.out());

        cli.pulumi("up", "--yes", "--skip-preview").ok();
        assertTrue(accountExists());
        assertTrue(ruleExists("127.0.0.1/32"));
        assertEquals("Yes", TestBed.replicaStatus().get("Slave_IO_Running"));
        assertEquals("Yes", TestBed.replicaStatus().get("Slave_SQL_Running"));
        rowArrives(2);
        cli.pulumi("preview", "--expect-no-changes").ok();
    }

    @Test
    @Order(5)
    void passwordRotationInPlace() throws Exception {
        String newPw = "rotated'\\\"-" + Long.toString(System.nanoTime(), 36);
        cli.run(cli.prog, List.of("bash", "-c", "printf '%s' \"$PW\" | " + TestBed.get("PULUMI") + " config set --secret replicationPassword"),
                Map.of("PW", newPw)).ok();
        var up = cli.pulumi("up", "--yes", "--skip-preview").ok();
        assertTrue(up.out().contains("updated") && !up.out().contains("replaced"), up.out());
        try (Connection c = TestBed.connect(TestBed.sourcePort(), user, newPw)) {
            assertTrue(c.isValid(2), "the new password logs in");
        }
        // replication still works after a restart of replication with the new password
        try (Connection c = TestBed.replicaAdmin()) {
            TestBed.exec(c, "CALL mysql.rds_stop_replication()", "CALL mysql.rds_start_replication()");
        }
        rowArrives(3);
        assertFalse(cli.transcript().contains(newPw), "the new password appeared in CLI output");
    }

    @Test
    @Order(6)
    void importEveryResourceThenNoChanges() throws Exception {
        String rule = output("securityGroupRuleId");
        String replica = "127.0.0.1:" + TestBed.replicaPort();
        Cli imp = Cli.init("examples/yaml", user);
        String program = """
                name: rdsreplication-yaml
                runtime: yaml
                config:
                  replicationPassword:
                    type: string
                    secret: true
                resources:
                  replUser:
                    type: rdsreplication:index:ReplicationUser
                    properties:
                      user: %s
                      host: 127.0.0.1
                      password: ${replicationPassword}
                    options:
                      import: "%s@127.0.0.1"
                  ingress:
                    type: rdsreplication:index:SecurityGroupIngress
                    properties:
                      securityGroupId: %s
                      sourceCidr: 127.0.0.1/32
                      port: %d
                      description: external MariaDB source
                      tags:
                        purpose: rds-external-replication
                    options:
                      import: %s
                  externalMaster:
                    type: rdsreplication:index:ExternalMaster
                    properties:
                      sourceHost: 127.0.0.1
                      sourcePort: %d
                      replicationUser: %s
                      replicationPassword: ${replicationPassword}
                      binlogFile: source-bin.000001
                      binlogPosition: 4
                      sslEncryption: %s
                    options:
                      import: "%s"
                  start:
                    type: rdsreplication:index:ReplicationStart
                    properties:
                      externalMasterId: ${externalMaster.id}
                    options:
                      import: "%s"
                """.formatted(user, user, TestBed.get("SECURITY_GROUP_ID"), TestBed.replicaPort(), rule, TestBed.sourcePort(), user,
                TestBed.sourceIsMysql(), replica, replica);
        Files.writeString(imp.prog.resolve("Pulumi.yaml"), program);
        var up = imp.pulumi("up", "--yes", "--skip-preview").ok();
        assertTrue(up.out().contains("4 imported"), up.out());
        imp.pulumi("preview", "--expect-no-changes").ok();
        // hand the objects back to the first stack: forget them here without deleting anything
        imp.pulumi("stack", "rm", "--yes", "--force").ok();
        assertTrue(accountExists());
    }

    @Test
    @Order(7)
    void secretsStayOutOfStateOutputAndLogs() throws Exception {
        String replPw = cli.config("replicationPassword");
        var export = cli.pulumi("stack", "export").ok().out();
        assertFalse(export.contains(replPw), "replication password in plaintext state");
        assertFalse(export.contains(TestBed.get("SOURCE_ROOT_PASSWORD")), "source password in plaintext state");
        assertFalse(export.contains(TestBed.get("REPLICA_ADMIN_PASSWORD")), "replica password in plaintext state");
        String plain = cli.transcript();
        // The engine's own -v=9 log prints every RPC payload, secrets included (Pulumi's behaviour, not ours),
        // so at that level only the provider's lines are checked: they carry the "rdsreplication " prefix.
        var verbose = cli.pulumi("preview", "--refresh", "--logtostderr", "--logflow", "-v=9").ok();
        List<String> providerLines = verbose.out().lines().filter(l -> l.contains("rdsreplication FINE")
                || l.contains("rdsreplication INFO") || l.contains("rdsreplication WARNING") || l.contains("rdsreplication SEVERE")).toList();
        assertTrue(providerLines.size() > 5, "the provider logged at -v=9: " + providerLines.size() + " lines");
        for (String pw : List.of(replPw, TestBed.get("SOURCE_ROOT_PASSWORD"), TestBed.get("REPLICA_ADMIN_PASSWORD"))) {
            int i = plain.indexOf(pw);
            assertTrue(i < 0, () -> "a password appeared in CLI output: …"
                    + plain.substring(Math.max(0, i - 300), Math.min(plain.length(), i + pw.length() + 100)).replace(pw, "<PASSWORD>"));
            assertTrue(providerLines.stream().noneMatch(l -> l.contains(pw)), "a password appeared in the provider log");
        }
    }

    @Test
    @Order(8)
    void destroyLeavesNothing() throws Exception {
        cli.pulumi("destroy", "--yes").ok();
        assertFalse(accountExists(), "the account is gone from the source");
        assertFalse(ruleExists("127.0.0.1/32"), "the rule is gone from the security group");
        var st = TestBed.replicaStatus();
        assertTrue(st.isEmpty() || st.get("Master_Host").isEmpty(), "no replication configured: " + st);
    }
}
