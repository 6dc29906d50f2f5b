package io.rdsreplication.provider.it;

import io.rdsreplication.provider.aws.AwsClients;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.Progress;
import io.rdsreplication.provider.core.Props;
import io.rdsreplication.provider.core.Resource;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.core.Shape;
import io.rdsreplication.provider.resources.Context;
import io.rdsreplication.provider.resources.ProviderConfig;
import io.rdsreplication.provider.resources.externalmaster.ExternalMasterResource;
import io.rdsreplication.provider.resources.functions.Functions;
import io.rdsreplication.provider.resources.replicationstart.ReplicationStartResource;
import io.rdsreplication.provider.testing.ProviderProcess;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runbook's guidelines on ReplicationStart and getReplicaStatus, against the real servers: which source
 * binlogs are safe to purge (they are, and replication still delivers after purging them), a source whose
 * binlogs expire too soon is refused before replication starts (or warned about), and a source the replica cannot
 * reach is diagnosed with the RDS instance's current addresses.
 */
@Tag("integration")
class GuidelinesIT {
    static Context ctx;
    static AwsClients aws;
    static final List<String> warnings = new ArrayList<>();
    static String user;
    static final String PW = "guideline-pw";

    @BeforeAll
    static void init() throws Exception {
        ProviderConfig cfg = Shape.of(ProviderConfig.class).decode(ProviderProcess.testBedConfig()).value();
        System.setProperty("aws.accessKeyId", TestBed.env().getOrDefault("AWS_ACCESS_KEY_ID", "testing"));
        System.setProperty("aws.secretAccessKey", TestBed.env().getOrDefault("AWS_SECRET_ACCESS_KEY", "testing"));
        aws = new AwsClients(cfg.region(), null, cfg.awsEndpointUrl(), 30);
        Progress p = new Progress() {
            public void status(String m) {
            }

            public void info(String m) {
            }

            public void warn(String m) {
                synchronized (warnings) {
                    warnings.add(m);
                }
            }
        };
        ctx = new Context(cfg, aws, p, "urn:pulumi:test::guidelines::x::y");
        user = TestBed.unique("gl");
        TestBed.resetReplica();
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "CREATE USER '" + user + "'@'127.0.0.1' IDENTIFIED BY '" + PW + "'",
                    "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + user + "'@'127.0.0.1'");
        }
    }

    @AfterAll
    static void done() throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "DROP USER IF EXISTS '" + user + "'@'127.0.0.1'");
        }
        aws.close();
        TestBed.resetReplica();
    }

    @AfterEach
    void reset() throws Exception {
        TestBed.resetReplica();
        warnings.clear();
    }

    static Map<String, Object> checked(Resource<Context> r, Map<String, Object> in) {
        var c = r.check(Props.empty(), new Props(in));
        assertEquals(List.of(), c.failures());
        return c.inputs();
    }

    /** ExternalMaster at the source's current position (or another port), created. */
    static String pointAt(int port) throws Exception {
        String[] pos = TestBed.sourcePosition();
        var em = new ExternalMasterResource();
        return em.create(ctx, new Props(checked(em, Map.of("sourceHost", "127.0.0.1", "sourcePort", (double) port,
                "replicationUser", user, "replicationPassword", new Secret(PW), "binlogFile", pos[0],
                "binlogPosition", Double.parseDouble(pos[1]), "sslEncryption", TestBed.sourceIsMysql()))), false).id();
    }

    static List<String> sourceLogs() throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            List<String> out = new ArrayList<>();
            for (var r : TestBed.query(c, "SHOW BINARY LOGS")) out.add(r.get("Log_name"));
            return out;
        }
    }

    @Test
    void safeToPurgeIsWhatTheReplicaNoLongerNeedsAndPurgingItKeepsReplicationWhole() throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "FLUSH BINARY LOGS", "FLUSH BINARY LOGS");
        }
        String emId = pointAt(TestBed.sourcePort());
        var rs = new ReplicationStartResource();
        var created = rs.create(ctx, new Props(checked(rs, Map.of("externalMasterId", emId, "timeoutSeconds", 60.0,
                "minBinlogExpirySeconds", 0.0))), false);
        @SuppressWarnings("unchecked") List<String> safe = (List<String>) created.outputs().get("safeToPurge");
        String purgeTo = (String) created.outputs().get("purgeTo");
        List<String> logs = sourceLogs();
        assertFalse(safe.isEmpty(), "older binlogs are listed: " + logs);
        assertEquals(logs.subList(0, logs.indexOf(purgeTo)), safe, "everything before the file the replica applies");
        // the same from the function
        var fn = new Functions.ReplicaStatusFn().invoke(ctx, Props.empty());
        assertEquals(safe, fn.get("safeToPurge"));
        // purging exactly that keeps replication delivering
        String db = TestBed.unique("gldb");
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "PURGE BINARY LOGS TO '" + purgeTo + "'", "CREATE DATABASE " + db,
                    "CREATE TABLE " + db + ".t (id INT PRIMARY KEY)", "INSERT INTO " + db + ".t VALUES (7)");
        }
        try {
            assertEquals("7", TestBed.waitForReplica("SELECT id FROM " + db + ".t", "7", 60));
        } finally {
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "DROP DATABASE IF EXISTS " + db);
            }
            try (Connection c = TestBed.replicaRoot()) {
                TestBed.exec(c, "DROP DATABASE IF EXISTS " + db);
            }
        }
    }

    @Test
    void binlogsThatExpireTooSoonAreRefusedBeforeReplicationStartsOrWarnedAbout() throws Exception {
        String saved;
        try (Connection c = TestBed.sourceRoot()) {
            saved = TestBed.query(c, "SELECT @@GLOBAL.binlog_expire_logs_seconds AS s").get(0).get("s");
            TestBed.exec(c, "SET GLOBAL binlog_expire_logs_seconds = 3600");
        }
        try {
            String emId = pointAt(TestBed.sourcePort());
            var rs = new ReplicationStartResource();
            Map<String, Object> in = checked(rs, Map.of("externalMasterId", emId, "timeoutSeconds", 60.0, "minBinlogExpirySeconds", 86400.0));
            var e = assertThrows(ProviderException.Precondition.class, () -> rs.create(ctx, new Props(in), false));
            assertTrue(e.getMessage().contains("3600") && e.getMessage().contains("binlog_expire_logs_seconds"), e.getMessage());
            assertEquals("No", TestBed.replicaStatus().getOrDefault("Slave_IO_Running", TestBed.replicaStatus().get("Replica_IO_Running")),
                    "nothing started");
            Map<String, Object> warn = new LinkedHashMap<>(in);
            warn.put("binlogRetentionWarnOnly", true);
            rs.create(ctx, new Props(checked(rs, warn)), false);
            assertTrue(warnings.stream().anyMatch(w -> w.contains("3600")), warnings.toString());
        } finally {
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "SET GLOBAL binlog_expire_logs_seconds = " + saved);
            }
        }
    }

    @Test
    void anUnreachableSourceIsDiagnosedWithTheInstancesCurrentAddresses() throws Exception {
        String emId = pointAt(1); // nothing listens there
        var rs = new ReplicationStartResource();
        var e = assertThrows(ProviderException.class, () -> rs.create(ctx, new Props(checked(rs, Map.of("externalMasterId", emId,
                "timeoutSeconds", 60.0, "dbInstanceIdentifier", TestBed.get("DB_INSTANCE_ID")))), false));
        assertTrue(e.getMessage().contains("cannot reach the source") && e.getMessage().contains(TestBed.get("DB_INSTANCE_ID"))
                && e.getMessage().contains("resolves to"), e.getMessage());
    }
}
