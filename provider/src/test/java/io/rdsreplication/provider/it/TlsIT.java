package io.rdsreplication.provider.it;

import io.grpc.StatusRuntimeException;
import io.rdsreplication.provider.testing.ProviderProcess;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connections with TLS: the test bed's source speaks TLS with a certificate from its own CA; the replica does not. */
@Tag("integration")
class TlsIT {
    static final String USER = "tls_only";
    static final String PW = "tls-pw-" + Long.toString(System.nanoTime(), 36);
    static ProviderProcess p;

    @BeforeAll
    static void start() throws Exception {
        p = ProviderProcess.start().configureTestBed();
        try (Connection c = TestBed.sourceRoot()) {
            // an account that can only log in over TLS proves the provider's connection is encrypted
            TestBed.exec(c, "SET SESSION sql_log_bin = 0", "DROP USER IF EXISTS '" + USER + "'@'127.0.0.1'",
                    "CREATE USER '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + PW + "' REQUIRE SSL",
                    "GRANT REPLICATION CLIENT, SELECT ON *.* TO '" + USER + "'@'127.0.0.1'");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0", "DROP USER IF EXISTS '" + USER + "'@'127.0.0.1'");
        }
        p.close();
    }

    static Map<String, Object> conn(int port, String tls, String caFile) throws Exception {
        Map<String, Object> c = new LinkedHashMap<>(ProviderProcess.connection(port, USER, PW));
        c.put("tls", tls);
        if (caFile != null) c.put("caCert", Files.readString(Path.of(TestBed.get(caFile))));
        return c;
    }

    @Test
    void verifyCaAndVerifyIdentityWorkWithTheCaFromConfig() throws Exception {
        for (String mode : new String[]{"verifyCa", "verifyIdentity", "required"}) {
            var r = ProviderProcess.decode(p.invoke("rdsreplication:index:getSourceStatus",
                    Map.of("source", conn(TestBed.sourcePort(), mode, mode.equals("required") ? null : "SOURCE_TLS_CA"))).getReturn());
            assertEquals(true, r.get("logBin"), mode);
        }
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() throws Exception {
        var e = assertThrows(StatusRuntimeException.class, () -> p.invoke("rdsreplication:index:getSourceStatus",
                Map.of("source", conn(TestBed.sourcePort(), "verifyCa", "OTHER_TLS_CA"))));
        assertTrue(e.getStatus().getDescription().contains("cannot connect to the source"), e.getMessage());
        assertFalse(e.getMessage().contains(PW));
    }

    @Test
    void requiredRefusesAServerWithoutTls() throws Exception {
        try (var r = TestBed.replicaRoot()) {
            String ssl = TestBed.query(r, "SHOW GLOBAL VARIABLES LIKE 'have_ssl'").stream().map(m -> m.get("Value")).findFirst().orElse("");
            if (ssl.isEmpty() && TestBed.replicaIsMysql()) {
                // MySQL 8.4 and 9.x removed have_ssl: the main channel's TLS state is in performance_schema
                ssl = TestBed.query(r, "SELECT VALUE FROM performance_schema.tls_channel_status WHERE CHANNEL = 'mysql_main' "
                        + "AND PROPERTY = 'Enabled'").stream().map(m -> m.get("VALUE")).findFirst().orElse("");
            }
            org.junit.jupiter.api.Assumptions.assumeFalse("YES".equalsIgnoreCase(ssl),
                    "needs an instance without TLS; MySQL and MariaDB 11.4+ always have a certificate (the refusal is proved on MariaDB 10.11)");
        }
        Map<String, Object> c = new LinkedHashMap<>(ProviderProcess.connection(TestBed.replicaPort(), TestBed.get("REPLICA_ADMIN_USER"),
                TestBed.get("REPLICA_ADMIN_PASSWORD")));
        c.put("tls", "required");
        var e = assertThrows(StatusRuntimeException.class, () -> p.invoke("rdsreplication:index:getReplicaStatus", Map.of("replica", c)));
        assertTrue(e.getStatus().getDescription().contains("cannot connect to the replica"), e.getMessage());
        assertFalse(e.getMessage().contains(TestBed.get("REPLICA_ADMIN_PASSWORD")));
    }

    @Test
    void withoutTlsTheTlsOnlyAccountIsRefused() throws Exception {
        var e = assertThrows(StatusRuntimeException.class, () -> p.invoke("rdsreplication:index:getSourceStatus",
                Map.of("source", conn(TestBed.sourcePort(), "disabled", null))));
        assertTrue(e.getStatus().getDescription().contains("access denied"), e.getMessage());
    }

    @Test
    void checkRequiresACaForVerification() {
        var r = p.check("rdsreplication:index:ReplicationUser", Map.of(), Map.of("user", "u", "host", "h",
                "source", Map.of("host", "127.0.0.1", "username", "u", "tls", "verifyCa")));
        assertEquals("source.caCert", r.getFailures(0).getProperty());
    }
}
