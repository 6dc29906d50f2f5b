package io.rdsreplication.provider.it;

import io.grpc.StatusRuntimeException;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.core.Unknown;
import io.rdsreplication.provider.testing.ProviderProcess;
import io.rdsreplication.provider.testing.SilentServer;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import pulumirpc.Provider;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Timeouts, and a generated matrix of hostile input that must be refused without a single SQL or AWS call. */
@Tag("integration")
class RobustnessIT {
    static ProviderProcess p;

    @BeforeAll
    static void start() throws Exception {
        p = ProviderProcess.start().configureTestBed();
    }

    @AfterAll
    static void stop() throws Exception {
        p.close();
    }

    @Test
    void aServerThatAcceptsButNeverAnswersFailsWithinTheTimeout() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            Map<String, Object> conn = new LinkedHashMap<>(ProviderProcess.connection(silent.port(), "root", "secret-timeout-pw"));
            conn.put("connectTimeoutSeconds", 2.0);
            conn.put("socketTimeoutSeconds", 2.0);
            long t0 = System.nanoTime();
            var e = assertThrows(StatusRuntimeException.class, () -> p.invoke("rdsreplication:index:getSourceStatus", Map.of("source", conn)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 15_000, "failed after " + ms + " ms");
            assertTrue(e.getStatus().getDescription().contains("did not answer"), e.getMessage());
            assertTrue(e.getStatus().getDescription().contains("connectTimeoutSeconds"), e.getMessage());
            assertFalse(e.getMessage().contains("secret-timeout-pw"));
        }
    }

    @Test
    void anAwsApiThatNeverAnswersFailsWithinAwsTimeoutSeconds() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            Map<String, Object> cfg = new LinkedHashMap<>(ProviderProcess.testBedConfig());
            cfg.put("awsEndpointUrl", "http://127.0.0.1:" + silent.port());
            cfg.put("awsTimeoutSeconds", 3.0);
            try (ProviderProcess q = ProviderProcess.start().configure(cfg)) {
                long t0 = System.nanoTime();
                var e = assertThrows(StatusRuntimeException.class, () -> q.invoke("rdsreplication:index:getInstanceEndpoint",
                        Map.of("dbInstanceIdentifier", "any-db")));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 15_000, "failed after " + ms + " ms");
                assertTrue(e.getStatus().getDescription().contains("did not answer in time"), e.getMessage());
            }
        }
    }

    // ---- the hostile-input matrix ----

    static final String RU = "rdsreplication:index:ReplicationUser";
    static final String SG = "rdsreplication:index:SecurityGroupIngress";
    static final String EM = "rdsreplication:index:ExternalMaster";
    static final String RS = "rdsreplication:index:ReplicationStart";
    static final String SS = "rdsreplication:index:SourceSnapshot";

    /** Values no field should accept as they are. */
    static List<Object> hostileValues() {
        List<Object> v = new ArrayList<>();
        v.add("");
        v.add("\0");
        v.add("a\0b");
        v.add("x".repeat(300));
        v.add("x".repeat(70_000));
        v.add(" leading");
        v.add("trailing ");
        v.add("🐬");
        v.add("'; DROP DATABASE mysql; --");
        v.add("`; SHUTDOWN; --");
        v.add("\\'; SELECT SLEEP(100); #");
        v.add("\n");
        v.add(-1.0);
        v.add(0.0);
        v.add(1.5);
        v.add(1e308);
        v.add(-1e308);
        v.add(Double.NaN);
        v.add(65536.0);
        v.add(true);
        v.add(List.of("a", 1.0));
        v.add(List.of());
        v.add(Map.of("nested", "object"));
        v.add(new Secret("\0secret"));
        for (String x : List.of("%", "_", "'", "\"", "`", "\\", " ", "\t", "\u202e", "NULL", "null", "%s%n%x",
                "${jndi:ldap://127.0.0.1/x}", "1; DROP TABLE t", "mysql-bin.000001'--", "../../etc/passwd", "0.0.0.0/0 ",
                "::1", "sg-' OR 1=1", "10.0.0.1/32; rm -rf /")) {
            v.add(x);
        }
        v.add(2147483648.0);
        v.add(-2147483649.0);
        v.add(9.9e15);
        v.add(-0.0);
        v.add(Double.POSITIVE_INFINITY);
        v.add(Unknown.VALUE); // e.g. ${sg.id} on a new stack: skipped by Check, never a crash
        return v;
    }

    static Map<String, Map<String, Object>> validInputs() {
        Map<String, Map<String, Object>> m = new LinkedHashMap<>();
        m.put(RU, Map.of("user", "u", "host", "10.0.0.1"));
        m.put(SG, Map.of("securityGroupId", "sg-0123456789abcdef0", "sourceCidr", "203.0.113.10/32", "port", 3306.0));
        m.put(EM, Map.of("sourceHost", "203.0.113.10", "sourcePort", 3306.0, "replicationUser", "repl", "replicationPassword",
                new Secret("pw"), "binlogFile", "mysql-bin.000001", "binlogPosition", 4.0, "delaySeconds", 0.0));
        m.put(RS, Map.of("externalMasterId", "127.0.0.1:3306/ab", "timeoutSeconds", 10.0, "maxLagSeconds", 1.0,
                "untilBinlogFile", "mysql-bin.000002", "untilBinlogPosition", 4.0));
        m.put(SS, Map.of("databases", List.of("app"), "parallelism", 2.0, "lockMode", "snapshot"));
        return m;
    }

    static long generalLogLines(Connection c) throws Exception {
        return Long.parseLong(TestBed.query(c, "SELECT COUNT(*) AS n FROM mysql.general_log WHERE argument NOT LIKE '%general_log%'")
                .get(0).get("n"));
    }

    @Test
    void aThousandHostileInputsAreRefusedByNameWithoutAnySqlOrAwsCall() throws Exception {
        Path motoLog = Path.of(TestBed.root().toString(), ".testbed/moto/moto.log");
        int refused = 0;
        int accepted = 0;
        int total = 0;
        try (Connection src = TestBed.sourceRoot(); Connection rep = TestBed.replicaRoot()) {
            for (Connection c : List.of(src, rep)) {
                TestBed.exec(c, "SET GLOBAL log_output = 'TABLE'", "TRUNCATE TABLE mysql.general_log", "SET GLOBAL general_log = 1");
            }
            long motoBefore = Files.size(motoLog);
            try {
                for (var e : validInputs().entrySet()) {
                    String type = e.getKey();
                    Map<String, Object> valid = e.getValue();
                    // the valid input passes
                    assertEquals(0, p.check(type, Map.of(), valid).getFailuresCount(), type + " " + valid);
                    List<String> fields = new ArrayList<>(valid.keySet());
                    fields.addAll(List.of("source", "replica"));
                    for (String field : fields) {
                        for (Object bad : hostileValues()) {
                            Map<String, Object> in = new LinkedHashMap<>(valid);
                            if (field.equals("source") || field.equals("replica")) {
                                in.put(field, bad == Unknown.VALUE
                                        ? Map.of("host", Unknown.VALUE, "username", "u", "port", Unknown.VALUE, "password", Unknown.VALUE)
                                        : Map.of("host", bad instanceof String s ? s : "h", "username", "u",
                                        "port", bad instanceof Double d ? d : 3306.0));
                            } else {
                                in.put(field, bad);
                            }
                            total++;
                            Provider.CheckResponse r;
                            try {
                                r = p.check(type, Map.of(), in);
                            } catch (StatusRuntimeException ex) {
                                throw new AssertionError("Check crashed for " + type + "." + field + " = " + describe(bad) + ": " + ex.getStatus());
                            }
                            if (r.getFailuresCount() > 0) {
                                refused++;
                                for (var f : r.getFailuresList()) {
                                    assertTrue(f.getProperty().startsWith(field) || fields.contains(f.getProperty().split("\\.")[0]),
                                            type + ": failure names " + f.getProperty() + " for " + field);
                                    assertFalse(f.getReason().isBlank());
                                }
                            } else {
                                accepted++;
                            }
                        }
                    }
                }
                // the functions refuse bad arguments the same way
                for (Object bad : hostileValues()) {
                    if (bad instanceof String str && str.matches("[A-Za-z][A-Za-z0-9-]{0,62}")) continue; // a valid identifier
                    total++;
                    var r = p.invoke("rdsreplication:index:getInstanceEndpoint", Map.of("dbInstanceIdentifier", bad));
                    if (r.getFailuresCount() > 0) {
                        refused++;
                        assertEquals("dbInstanceIdentifier", r.getFailures(0).getProperty());
                    } else {
                        accepted++;
                    }
                    total++;
                    var s = p.invoke("rdsreplication:index:getSourceStatus", Map.of("source", Map.of("host", "127.0.0.1", "username", "u",
                            "port", bad instanceof Double d ? d : -1.0)));
                    assertTrue(s.getFailuresCount() > 0, "getSourceStatus refused port " + describe(bad));
                    refused++;
                }
                assertEquals(0, generalLogLines(src), "SQL reached the source for refused or checked input");
                assertEquals(0, generalLogLines(rep), "SQL reached the replica for refused or checked input");
                assertEquals(motoBefore, Files.size(motoLog), "an AWS call reached moto");
            } finally {
                for (Connection c : List.of(src, rep)) TestBed.exec(c, "SET GLOBAL general_log = 0", "TRUNCATE TABLE mysql.general_log");
            }
        }
        System.out.printf("hostile input: %d inputs, %d refused by Check naming the field, %d accepted as valid values%n", total, refused, accepted);
        assertTrue(total >= 1000, "matrix size " + total);
        assertNotEquals(0, refused);
    }

    static List<String> failed(Provider.CheckResponse r) {
        return r.getFailuresList().stream().map(Provider.CheckFailure::getProperty).sorted().toList();
    }

    @Test
    void unknownInputsNeverCrashCheckAndEveryTypeErrorIsReportedByItsPath() {
        String sgId = "sg-0123456789abcdef0";
        // values from resources that do not exist yet, top-level and nested
        assertEquals(List.of(), failed(p.check(SG, Map.of(), Map.of("securityGroupId", Unknown.VALUE, "sourceCidr", "203.0.113.10/32"))));
        assertEquals(List.of(), failed(p.check(SG, Map.of(), Map.of("dbInstanceIdentifier", Unknown.VALUE, "sourceCidr", Unknown.VALUE,
                "port", Unknown.VALUE, "tags", Map.of("owner", Unknown.VALUE)))));
        assertEquals(List.of(), failed(p.check(RU, Map.of(), Map.of("user", "u", "host", Unknown.VALUE, "password", Unknown.VALUE,
                "source", Map.of("host", Unknown.VALUE, "port", Unknown.VALUE, "username", "admin", "password", Unknown.VALUE)))));
        assertEquals(List.of(), failed(p.check(RU, Map.of(), Map.of("user", Unknown.VALUE, "host", "10.0.0.1", "source", Unknown.VALUE))));
        assertEquals(List.of(), failed(p.check(EM, Map.of(), Map.of("sourceHost", "203.0.113.10", "replicationUser", "repl",
                "replicationPassword", new Secret("pw"), "binlogFile", "mysql-bin.000001", "binlogPosition", 4.0,
                "dbInstanceIdentifier", Unknown.VALUE))));
        // a type error in one field does not hide the others
        assertEquals(List.of("authPlugin", "host", "requireSsl", "source.host", "source.port", "user"), failed(p.check(RU, Map.of(), Map.of(
                "user", 1.0, "host", true, "requireSsl", "maybe", "authPlugin", 5.0,
                "source", Map.of("host", 1.0, "port", "x", "username", "admin")))));
        assertEquals(List.of("description", "port", "sourceCidr", "tags.team"), failed(p.check(SG, Map.of(), Map.of(
                "securityGroupId", sgId, "sourceCidr", 10.0, "port", "abc", "description", 5.0, "tags", Map.of("team", 1.0)))));
        // and a value error beside a type error is still reported
        assertEquals(List.of("port", "sourceCidr"), failed(p.check(SG, Map.of(), Map.of(
                "securityGroupId", sgId, "sourceCidr", "203.0.113.10", "port", "abc"))));
    }

    static String describe(Object o) {
        String s = String.valueOf(o);
        return s.length() > 40 ? s.substring(0, 40) + "…(" + s.length() + ")" : s;
    }
}
