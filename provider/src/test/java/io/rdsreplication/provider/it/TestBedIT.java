package io.rdsreplication.provider.it;

import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.rds.RdsClient;

import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Proves the test bed is real: replication through the emulated RDS procedures, moto, the pulumi CLI. */
@Tag("integration")
class TestBedIT {
    @AfterEach
    void reset() throws SQLException {
        TestBed.resetReplica();
    }

    @Test
    void rowReplicatesThroughTheEmulatedProceduresAsTheMasterUser() throws Exception {
        String user = TestBed.unique("tbrepl");
        String db = TestBed.unique("tbdb");
        try (Connection src = TestBed.sourceRoot()) {
            TestBed.exec(src, "CREATE USER '" + user + "'@'127.0.0.1' IDENTIFIED BY 'pw-" + user + "'",
                    "GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO '" + user + "'@'127.0.0.1'");
        }
        try {
            String[] pos = TestBed.sourcePosition();
            // MySQL's default caching_sha2_password: the replica logs in over an encrypted link only
            int ssl = TestBed.sourceIsMysql() ? 1 : 0;
            try (Connection adm = TestBed.replicaAdmin()) {
                TestBed.exec(adm, "CALL mysql.rds_set_external_master('127.0.0.1', " + TestBed.sourcePort() + ", '" + user
                        + "', 'pw-" + user + "', '" + pos[0] + "', " + pos[1] + ", " + ssl + ")", "CALL mysql.rds_start_replication()");
            }
            try (Connection src = TestBed.sourceRoot()) {
                TestBed.exec(src, "CREATE DATABASE " + db, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v VARCHAR(20))",
                        "INSERT INTO " + db + ".t VALUES (1, 'from-source')");
            }
            assertEquals("from-source", TestBed.waitForReplica("SELECT v FROM " + db + ".t WHERE id = 1", "from-source", 20));
            // refusing to re-point while running, with RDS's message
            try (Connection adm = TestBed.replicaAdmin()) {
                SQLException e = assertThrows(SQLException.class, () -> TestBed.exec(adm,
                        "CALL mysql.rds_set_external_master('127.0.0.1', 1, 'x', 'y', 'f.000001', 4, 0)"));
                assertEquals(1644, e.getErrorCode());
                assertTrue(e.getMessage().contains("First call mysql.rds_stop_replication"), e.getMessage());
            }
        } finally {
            TestBed.resetReplica();
            try (Connection src = TestBed.sourceRoot()) {
                TestBed.exec(src, "DROP DATABASE IF EXISTS " + db, "DROP USER IF EXISTS '" + user + "'@'127.0.0.1'");
            }
        }
    }

    @Test
    void masterUserCannotDriveReplicationDirectly() throws Exception {
        // MySQL's statements are STOP REPLICA / CHANGE REPLICATION SOURCE TO (8.0.22+; the only ones from 8.4, where
        // STOP SLAVE and CHANGE MASTER are syntax errors, 1064, not the privilege error this test is about)
        boolean mysql = TestBed.replicaIsMysql();
        try (Connection adm = TestBed.replicaAdmin()) {
            SQLException stop = assertThrows(SQLException.class, () -> TestBed.exec(adm, mysql ? "STOP REPLICA" : "STOP SLAVE"));
            assertEquals(1227, stop.getErrorCode(), stop.getMessage());
            SQLException change = assertThrows(SQLException.class, () -> TestBed.exec(adm,
                    mysql ? "CHANGE REPLICATION SOURCE TO SOURCE_HOST='x'" : "CHANGE MASTER TO MASTER_HOST='x'"));
            assertEquals(1227, change.getErrorCode(), change.getMessage());
            SQLException reset = assertThrows(SQLException.class, () -> TestBed.exec(adm, "CALL mysql.rds_reset_external_master()"));
            assertTrue(reset.getMessage().contains("replication isn't configured"), reset.getMessage());
        }
    }

    @Test
    void secondSourceRunsBesideAnRdsForMysqlReplicaOnly() throws Exception {
        // multi-source replication (the *_for_channel procedures) is RDS for MySQL's: source2 runs for those replicas
        assertEquals(TestBed.replicaIsMysql(), TestBed.hasSource2(), "source2 runs exactly when the replica is RDS for MySQL");
        if (!TestBed.hasSource2()) return;
        assertTrue(TestBed.source2Port() != TestBed.sourcePort() && TestBed.source2Port() != TestBed.replicaPort());
        try (Connection s1 = TestBed.sourceRoot(); Connection s2 = TestBed.source2()) {
            var one = TestBed.query(s1, "SELECT VERSION() AS v, @@server_uuid AS u, @@log_bin AS b, @@gtid_mode AS g").get(0);
            var two = TestBed.query(s2, "SELECT VERSION() AS v, @@server_uuid AS u, @@log_bin AS b, @@gtid_mode AS g, "
                    + "@@server_id AS id").get(0);
            assertEquals(one.get("v"), two.get("v"), "the source's engine");
            assertEquals("3", two.get("id"));
            assertFalse(one.get("u").equals(two.get("u")), "a server of its own");
            assertEquals("1", two.get("b"));
            assertEquals(one.get("g"), two.get("g"), "the source's flavour arguments");
            // the test bed's certificate, as on the source
            assertFalse(TestBed.query(s2, "SHOW GLOBAL VARIABLES LIKE 'ssl_cert'").get(0).get("Value").isEmpty());
        }
    }

    @Test
    void awsApisAnswerFromMoto() {
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        URI endpoint = URI.create(TestBed.get("AWS_ENDPOINT_URL"));
        try (RdsClient rds = RdsClient.builder().region(Region.of(TestBed.get("AWS_REGION"))).credentialsProvider(creds)
                .endpointOverride(endpoint).httpClient(UrlConnectionHttpClient.create()).build();
             Ec2Client ec2 = Ec2Client.builder().region(Region.of(TestBed.get("AWS_REGION"))).credentialsProvider(creds)
                     .endpointOverride(endpoint).httpClient(UrlConnectionHttpClient.create()).build()) {
            var inst = rds.describeDBInstances(b -> b.dbInstanceIdentifier(TestBed.get("DB_INSTANCE_ID"))).dbInstances().get(0);
            assertEquals((TestBed.replicaIsMysql() ? "mysql" : "mariadb"), inst.engine(), "the instance's engine follows the replica's");
            assertEquals(TestBed.get("SECURITY_GROUP_ID"), inst.vpcSecurityGroups().get(0).vpcSecurityGroupId());
            assertTrue(inst.backupRetentionPeriod() > 0);
            var resp = ec2.authorizeSecurityGroupIngress(b -> b.groupId(TestBed.get("SECURITY_GROUP_ID")).ipPermissions(
                    IpPermission.builder().ipProtocol("tcp").fromPort(4444).toPort(4444)
                            .ipRanges(IpRange.builder().cidrIp("198.51.100.7/32").build()).build()));
            String ruleId = resp.securityGroupRules().get(0).securityGroupRuleId();
            assertTrue(ruleId.startsWith("sgr-"));
            ec2.revokeSecurityGroupIngress(b -> b.groupId(TestBed.get("SECURITY_GROUP_ID")).securityGroupRuleIds(ruleId));
            assertFalse(ec2.describeSecurityGroupRules(b -> b.filters(f -> f.name("group-id").values(TestBed.get("SECURITY_GROUP_ID"))))
                    .securityGroupRules().stream().anyMatch(r -> ruleId.equals(r.securityGroupRuleId())));
        }
    }

    @Test
    void pulumiCliRuns() throws Exception {
        Process p = new ProcessBuilder(TestBed.get("PULUMI"), "version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("v3.259.0", out);
    }
}
