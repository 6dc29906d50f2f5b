package io.rdsreplication.provider.it;

import io.rdsreplication.provider.aws.AwsClients;
import io.rdsreplication.provider.resources.Context;
import io.rdsreplication.provider.core.DiffResult;
import io.rdsreplication.provider.core.Progress;
import io.rdsreplication.provider.resources.ProviderConfig;
import io.rdsreplication.provider.core.Props;
import io.rdsreplication.provider.core.Resource;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.core.Unknown;
import io.rdsreplication.provider.resources.externalmaster.ExternalMasterResource;
import io.rdsreplication.provider.resources.replicationstart.ReplicationStartResource;
import io.rdsreplication.provider.resources.replicationuser.ReplicationUserResource;
import io.rdsreplication.provider.resources.securitygroupingress.SecurityGroupIngressResource;
import io.rdsreplication.provider.resources.sourcesnapshot.SourceSnapshotResource;
import io.rdsreplication.provider.testing.ProviderProcess;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every resource's lifecycle — check, preview, create, read, diff, update, delete — run in-process against the
 * real servers and moto, without the plugin process or the CLI, so a change to a resource is checked in seconds.
 * Each step is proved on the server, the way a user would check it.
 */
@Tag("integration")
class LifecycleIT {
    static Context ctx;
    static AwsClients aws;
    static Ec2Client ec2;

    @BeforeAll
    static void init() throws Exception {
        ProviderConfig cfg = io.rdsreplication.provider.core.Shape.of(ProviderConfig.class).decode(ProviderProcess.testBedConfig()).value();
        // moto's credentials, through the AWS SDK's default chain (system properties), as the plugin gets them from its environment
        System.setProperty("aws.accessKeyId", TestBed.env().getOrDefault("AWS_ACCESS_KEY_ID", "testing"));
        System.setProperty("aws.secretAccessKey", TestBed.env().getOrDefault("AWS_SECRET_ACCESS_KEY", "testing"));
        aws = new AwsClients(cfg.region(), null, cfg.awsEndpointUrl(), 30);
        ctx = new Context(cfg, aws, Progress.NONE, "urn:pulumi:test::lifecycle::x::y");
        ec2 = TestBed.ec2();
        TestBed.resetReplica();
    }

    @AfterAll
    static void done() throws Exception {
        ec2.close();
        aws.close();
        TestBed.resetReplica();
    }

    /** One lifecycle: the inputs as checked, and the state after each step. */
    static final class Life {
        final Resource r;
        Map<String, Object> inputs;
        String id;
        Map<String, Object> state;

        Life(Resource r, Map<String, Object> news) {
            this.r = r;
            Resource.CheckResult c = r.check(Props.empty(), new Props(news));
            assertEquals(List.of(), c.failures(), () -> r.token() + " check");
            inputs = c.inputs();
        }

        Life preview() {
            Resource.CreateResult p = r.create(ctx, new Props(inputs), true);
            assertTrue(p.outputs().containsValue(Unknown.VALUE) || !p.outputs().isEmpty(), "preview answers with expected outputs");
            return this;
        }

        Life create() {
            Resource.CreateResult c = r.create(ctx, new Props(inputs), false);
            assertFalse(c.id() == null || c.id().isEmpty(), r.token() + " has an id");
            id = c.id();
            state = c.outputs();
            return this;
        }

        /** Read back, then Diff against the same inputs: no drift. */
        Life readShowsNoDrift() {
            Resource.ReadResult rr = r.read(ctx, id, new Props(state), new Props(inputs));
            assertEquals(id, rr.id(), r.token() + " still exists");
            DiffResult d = r.diff(id, new Props(rr.outputs()), new Props(inputs));
            assertFalse(d.hasChanges(), () -> r.token() + " shows no drift: " + d);
            state = rr.outputs();
            return this;
        }

        /** Check the changed inputs, Diff them (must be in place), then Update. */
        Life update(Object... kv) {
            Map<String, Object> news = new LinkedHashMap<>(inputs);
            for (int i = 0; i < kv.length; i += 2) {
                if (kv[i + 1] == null) news.remove((String) kv[i]);
                else news.put((String) kv[i], kv[i + 1]);
            }
            Resource.CheckResult c = r.check(new Props(inputs), new Props(news));
            assertEquals(List.of(), c.failures());
            DiffResult d = r.diff(id, new Props(state), new Props(c.inputs()));
            assertTrue(d.hasChanges(), r.token() + " sees the change");
            assertEquals(List.of(), d.replaces(), r.token() + " changes in place");
            state = r.update(ctx, id, new Props(state), new Props(c.inputs()), false);
            inputs = c.inputs();
            return this;
        }

        /** Delete; a second delete changes nothing and does not fail. */
        void deleteOnly() {
            r.delete(ctx, id, new Props(state));
            r.delete(ctx, id, new Props(state));
        }

        void delete() {
            deleteOnly();
            assertTrue(r.read(ctx, id, new Props(state), new Props(inputs)).isGone(), r.token() + " is gone after delete");
        }
    }

    static String sourceOne(String sql) throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            var rows = TestBed.query(c, sql);
            return rows.isEmpty() ? null : rows.get(0).values().iterator().next();
        }
    }

    @Test
    void replicationUser() throws Exception {
        String user = TestBed.unique("lc");
        Life l = new Life(new ReplicationUserResource(), Map.of("user", user, "host", "127.0.0.1", "password", new Secret("lc-pw-1")))
                .preview().create();
        assertEquals("1", sourceOne("SELECT COUNT(*) FROM mysql.user WHERE User = '" + user + "' AND Host = '127.0.0.1'"));
        l.readShowsNoDrift();
        l.update("password", new Secret("lc-pw-2"));
        // the rotated password logs in
        try (Connection c = TestBed.connect(TestBed.sourcePort(), user, "lc-pw-2")) {
            assertTrue(c.isValid(5));
        }
        l.readShowsNoDrift().delete();
        assertEquals("0", sourceOne("SELECT COUNT(*) FROM mysql.user WHERE User = '" + user + "'"));
    }

    @Test
    void securityGroupIngress() {
        String cidr = "198.51.100." + (1 + (int) (System.nanoTime() % 250)) + "/32";
        Life l = new Life(new SecurityGroupIngressResource(), Map.of("securityGroupId", TestBed.get("SECURITY_GROUP_ID"),
                "sourceCidr", cidr, "port", 3306.0, "description", "lifecycle one")).preview().create();
        assertEquals("lifecycle one", rule(l.id).description());
        l.readShowsNoDrift().update("description", "lifecycle two");
        assertEquals("lifecycle two", rule(l.id).description());
        l.readShowsNoDrift().delete();
        assertTrue(ec2.describeSecurityGroupRules(b -> b.filters(f -> f.name("group-id").values(TestBed.get("SECURITY_GROUP_ID"))))
                .securityGroupRules().stream().noneMatch(x -> cidr.equals(x.cidrIpv4())), "the rule is gone from the group");
    }

    static software.amazon.awssdk.services.ec2.model.SecurityGroupRule rule(String id) {
        return ec2.describeSecurityGroupRules(b -> b.securityGroupRuleIds(id)).securityGroupRules().get(0);
    }

    @Test
    void externalMasterAndReplicationStart() throws Exception {
        String user = TestBed.unique("lcr");
        String pw = "lc-repl-pw";
        boolean mysqlSource = TestBed.sourceIsMysql();
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "CREATE USER '" + user + "'@'127.0.0.1' IDENTIFIED BY '" + pw + "'",
                    "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + user + "'@'127.0.0.1'");
        }
        try {
            String[] pos = TestBed.sourcePosition();
            Life em = new Life(new ExternalMasterResource(), Map.of("sourceHost", "127.0.0.1", "sourcePort", (double) TestBed.sourcePort(),
                    "replicationUser", user, "replicationPassword", new Secret(pw), "binlogFile", pos[0],
                    "binlogPosition", Double.parseDouble(pos[1]), "sslEncryption", mysqlSource)).preview().create();
            assertEquals(user, TestBed.replicaStatus().get("Master_User"));
            Life rs = new Life(new ReplicationStartResource(), Map.of("externalMasterId", em.id, "timeoutSeconds", 60.0)).preview().create();
            assertEquals("Yes", TestBed.replicaStatus().get("Slave_SQL_Running"));
            em.readShowsNoDrift();
            rs.readShowsNoDrift();
            em.update("delaySeconds", 5.0);
            assertEquals("5", TestBed.replicaStatus().get("SQL_Delay"));
            assertEquals("Yes", TestBed.replicaStatus().get("Slave_IO_Running"), "restarted after the change");
            em.readShowsNoDrift();
            rs.deleteOnly();
            assertEquals("No", TestBed.replicaStatus().get("Slave_IO_Running"), "replication stopped");
            assertEquals("No", TestBed.replicaStatus().get("Slave_SQL_Running"));
            em.delete();
            var st = TestBed.replicaStatus();
            assertTrue(st.isEmpty() || st.get("Master_Host") == null || st.get("Master_Host").isEmpty(), "replication is reset");
        } finally {
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "DROP USER IF EXISTS '" + user + "'@'127.0.0.1'");
            }
        }
    }

    @Test
    void sourceSnapshot() throws Exception {
        String db = TestBed.unique("lcs");
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "CREATE DATABASE " + db, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v VARCHAR(20))",
                    "INSERT INTO " + db + ".t VALUES (1, 'one'), (2, 'two'), (3, 'three')");
        }
        try {
            Life l = new Life(new SourceSnapshotResource(), Map.of("databases", List.of(db))).preview().create();
            assertEquals("3", TestBed.waitForReplica("SELECT COUNT(*) FROM " + db + ".t", "3", 5), "the rows were copied");
            assertNotEquals(null, l.state.get("binlogFile"));
            l.readShowsNoDrift();
            // deleting the resource leaves the copied data where it is
            l.r.delete(ctx, l.id, new Props(l.state));
            assertEquals("3", TestBed.waitForReplica("SELECT COUNT(*) FROM " + db + ".t", "3", 1));
        } finally {
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "DROP DATABASE IF EXISTS " + db);
            }
            try (Connection c = TestBed.replicaRoot()) {
                TestBed.exec(c, "DROP DATABASE IF EXISTS " + db);
            }
        }
    }
}
