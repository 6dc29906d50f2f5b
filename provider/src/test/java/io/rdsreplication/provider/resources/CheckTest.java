package io.rdsreplication.provider.resources;

import io.rdsreplication.provider.core.CheckFailure;
import io.rdsreplication.provider.core.Props;
import io.rdsreplication.provider.core.Resource;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.core.Unknown;
import io.rdsreplication.provider.resources.externalmaster.ExternalMasterResource;
import io.rdsreplication.provider.resources.replicationstart.ReplicationStartResource;
import io.rdsreplication.provider.resources.replicationuser.ReplicationUserResource;
import io.rdsreplication.provider.resources.securitygroupingress.SecurityGroupIngressResource;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Check: bad input is refused naming the property; no server is involved (these resources get no Context). */
class CheckTest {
    static List<String> props(Resource r, Map<String, Object> in) {
        return r.check(Props.empty(), new Props(in)).failures().stream().map(CheckFailure::property).toList();
    }

    static Map<String, Object> with(Map<String, Object> base, Object... kv) {
        Map<String, Object> m = new HashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) m.remove((String) kv[i]);
            else m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static final Map<String, Object> USER = Map.of("user", "repl", "host", "10.0.0.5");

    @Test
    void replicationUser() {
        Resource r = new ReplicationUserResource();
        assertEquals(List.of(), props(r, USER));
        assertEquals(List.of("user"), props(r, with(USER, "user", "")));
        assertEquals(List.of("user"), props(r, with(USER, "user", "a\0b")));
        assertEquals(List.of("user"), props(r, with(USER, "user", "x".repeat(81))));
        assertEquals(List.of("host"), props(r, with(USER, "host", null)));
        assertEquals(List.of("host"), props(r, with(USER, "host", " h")));
        assertEquals(List.of("password"), props(r, with(USER, "password", new Secret(""))));
        assertEquals(List.of("authPlugin"), props(r, with(USER, "authPlugin", "sha256_password")));
        assertEquals(List.of("source.port"), props(r, with(USER, "source", Map.of("host", "h", "username", "u", "port", 70000.0))));
        assertEquals(List.of("user"), props(r, with(USER, "user", 5.0)));
        assertEquals(List.of(), props(r, with(USER, "user", Unknown.VALUE)));
    }

    @Test
    void generatedPasswordIsSecretAndStable() {
        Resource r = new ReplicationUserResource();
        Map<String, Object> first = r.check(Props.empty(), new Props(USER)).inputs();
        assertInstanceOf(Secret.class, first.get("password"));
        String pw = (String) ((Secret) first.get("password")).value();
        assertEquals(32, pw.length());
        Map<String, Object> again = r.check(new Props(first), new Props(USER)).inputs();
        assertEquals(first.get("password"), again.get("password"));
        Map<String, Object> other = r.check(Props.empty(), new Props(USER)).inputs();
        assertNotEquals(first.get("password"), other.get("password"));
    }

    static final Map<String, Object> SG = Map.of("securityGroupId", "sg-0123456789abcdef0", "sourceCidr", "203.0.113.10/32");

    @Test
    void securityGroupIngress() {
        Resource r = new SecurityGroupIngressResource();
        assertEquals(List.of(), props(r, SG));
        assertEquals(List.of("sourceCidr"), props(r, with(SG, "sourceCidr", "203.0.113.10")));
        assertEquals(List.of("sourceCidr"), props(r, with(SG, "sourceCidr", "203.0.113.300/32")));
        assertEquals(List.of("sourceCidr"), props(r, with(SG, "sourceCidr", "203.0.113.10/24")));
        assertEquals(List.of("sourceCidr"), props(r, with(SG, "sourceCidr", "10.0.0.0/33")));
        assertEquals(List.of("port"), props(r, with(SG, "port", 0.0)));
        assertEquals(List.of("port"), props(r, with(SG, "port", 65536.0)));
        assertEquals(List.of("port"), props(r, with(SG, "port", 3306.5)));
        assertEquals(List.of("securityGroupId"), props(r, with(SG, "dbInstanceIdentifier", "db1")));
        assertEquals(List.of("dbInstanceIdentifier"), props(r, with(SG, "securityGroupId", null)));
        assertEquals(List.of("securityGroupId"), props(r, with(SG, "securityGroupId", "sg-XYZ")));
        assertEquals(List.of("description"), props(r, with(SG, "description", "bad\nline")));
        assertTrue(r.check(Props.empty(), new Props(with(SG, "sourceCidr", "203.0.113.10/24"))).failures().get(0).reason()
                .contains("203.0.113.0/24"));
    }

    static final Map<String, Object> EM = Map.of("sourceHost", "203.0.113.5", "replicationUser", "repl",
            "replicationPassword", new Secret("pw"), "binlogFile", "mysql-bin.000031", "binlogPosition", 107.0);

    @Test
    void externalMaster() {
        Resource r = new ExternalMasterResource();
        assertEquals(List.of(), props(r, EM));
        assertEquals(List.of("sourceHost"), props(r, with(EM, "sourceHost", "ip-10-0-0-5.ec2.internal")));
        assertEquals(List.of("sourceHost"), props(r, with(EM, "sourceHost", "bad host;")));
        assertEquals(List.of("sourcePort"), props(r, with(EM, "sourcePort", 0.0)));
        assertEquals(List.of("binlogFile"), props(r, with(EM, "binlogFile", "mysql-bin")));
        assertEquals(List.of("binlogPosition"), props(r, with(EM, "binlogPosition", 1.0)));
        assertEquals(List.of("binlogFile"), props(r, with(EM, "binlogFile", null, "binlogPosition", null)));
        assertEquals(List.of("gtid"), props(r, with(EM, "gtid", "0-1-5")));
        assertEquals(List.of(), props(r, with(EM, "binlogFile", null, "binlogPosition", null, "gtid", "0-1-5")));
        assertEquals(List.of("gtid"), props(r, with(EM, "binlogFile", null, "binlogPosition", null, "gtid", "zero")));
        assertEquals(List.of("delaySeconds"), props(r, with(EM, "delaySeconds", 86401.0)));
        assertEquals(List.of("delaySeconds"), props(r, with(EM, "delaySeconds", -1.0)));
        assertEquals(List.of(), props(r, with(EM, "binlogFile", null, "binlogPosition", null, "gtid", "0-1-5", "delaySeconds", 60.0)));
        assertEquals(List.of("replicationPassword"), props(r, with(EM, "replicationPassword", null)));
        assertEquals(List.of(), props(r, with(EM, "binlogFile", Unknown.VALUE, "binlogPosition", Unknown.VALUE)));
    }

    @Test
    void replicationStart() {
        Resource r = new ReplicationStartResource();
        Map<String, Object> in = Map.of("externalMasterId", "127.0.0.1:3306/ab");
        assertEquals(List.of(), props(r, in));
        assertEquals(List.of("externalMasterId"), props(r, Map.of()));
        assertEquals(List.of("timeoutSeconds"), props(r, with(in, "timeoutSeconds", 0.0)));
        assertEquals(List.of("maxLagSeconds"), props(r, with(in, "maxLagSeconds", -5.0)));
        assertEquals(List.of("untilBinlogPosition"), props(r, with(in, "untilBinlogFile", "mysql-bin.000002")));
        assertEquals(List.of("untilGtid"), props(r, with(in, "untilGtid", "nope")));
        Map<String, Object> out = r.check(Props.empty(), new Props(in)).inputs();
        assertEquals(true, out.get("waitForRunning"));
        assertEquals(300.0, out.get("timeoutSeconds"));
    }

    static List<String> sorted(List<String> l) {
        return l.stream().sorted().toList();
    }

    @Test
    void unknownInputsAreSkippedNeverCrash() {
        Resource sg = new SecurityGroupIngressResource();
        assertEquals(List.of(), props(sg, with(SG, "securityGroupId", Unknown.VALUE)));
        assertEquals(List.of(), props(sg, with(SG, "securityGroupId", null, "dbInstanceIdentifier", Unknown.VALUE)));
        assertEquals(List.of(), props(sg, with(SG, "sourceCidr", Unknown.VALUE, "port", Unknown.VALUE, "description", Unknown.VALUE)));
        assertEquals(List.of(), props(sg, with(SG, "tags", Map.of("team", Unknown.VALUE, "env", "prod"))));
        assertEquals(List.of(), props(sg, with(SG, "tags", Unknown.VALUE)));
        Resource ru = new ReplicationUserResource();
        assertEquals(List.of(), props(ru, with(USER, "source", Unknown.VALUE)));
        Map<String, Object> conn = new HashMap<>();
        conn.put("host", Unknown.VALUE);
        conn.put("username", "u");
        conn.put("port", Unknown.VALUE);
        conn.put("tls", Unknown.VALUE);
        conn.put("password", Unknown.VALUE);
        assertEquals(List.of(), props(ru, with(USER, "source", conn, "host", Unknown.VALUE, "password", Unknown.VALUE,
                "authPlugin", Unknown.VALUE, "requireSsl", Unknown.VALUE)));
    }

    @Test
    void everyTypeErrorIsReportedByItsPath() {
        Resource ru = new ReplicationUserResource();
        assertEquals(List.of("host", "requireSsl", "source.host", "source.port", "user"), sorted(props(ru, Map.of(
                "user", 5.0, "host", true, "requireSsl", "maybe",
                "source", Map.of("host", 1.0, "username", "u", "port", "x")))));
        Resource sg = new SecurityGroupIngressResource();
        assertEquals(List.of("description", "port", "sourceCidr", "tags.team"), sorted(props(sg, Map.of(
                "securityGroupId", "sg-0123456789abcdef0", "sourceCidr", 1.0, "port", "abc", "description", 5.0,
                "tags", Map.of("team", 1.0)))));
        assertEquals(List.of("dbInstanceIdentifier", "securityGroupId"), sorted(props(sg, Map.of(
                "securityGroupId", 5.0, "dbInstanceIdentifier", List.of("x"), "sourceCidr", "203.0.113.10/32"))));
    }

    @Test
    void replicationUserNamesHostsAndPasswordLength() {
        Resource r = new ReplicationUserResource();
        for (String h : List.of("a'b", "h\\", "h`", "a b", "h;--", "h/*", "h?", "ünï", "\u202eh")) {
            assertEquals(List.of("host"), props(r, with(USER, "host", h)), h);
        }
        for (String h : List.of("%", "10.0.%", "db_1.example.com", "10.0.0.0/255.255.255.0", "::1", "localhost")) {
            assertEquals(List.of(), props(r, with(USER, "host", h)), h);
        }
        assertEquals(List.of("user"), props(r, with(USER, "user", "ab\u202ecd")));
        assertEquals(List.of("user"), props(r, with(USER, "user", "a\nb")));
        assertEquals(List.of(), props(r, with(USER, "user", "x'; DROP DATABASE d; -- `\\")));
        assertEquals(List.of(), props(r, with(USER, "user", "שלום")));
        var longPw = r.check(Props.empty(), new Props(with(USER, "password", new Secret("p".repeat(33)))));
        assertEquals(List.of(), longPw.failures());
        assertEquals(1, longPw.warnings().size());
        assertTrue(longPw.warnings().get(0).contains("3056"), longPw.warnings().get(0));
        assertEquals(List.of(), r.check(Props.empty(), new Props(with(USER, "password", new Secret("p".repeat(32))))).warnings());
        assertEquals(List.of(), r.check(Props.empty(), new Props(USER)).warnings());
    }

    @Test
    void replicationUserMovesBetweenServersByReplacing() {
        Resource r = new ReplicationUserResource();
        Map<String, Object> src = Map.of("host", "10.0.0.1", "port", 3306.0, "username", "admin", "password", new Secret("a"));
        Map<String, Object> olds = with(USER, "source", src, "password", new Secret("pw"));
        assertEquals(List.of(), r.diff("repl@10.0.0.5", new Props(olds), new Props(olds)).replaces());
        assertEquals(List.of("source.host"), r.diff("repl@10.0.0.5", new Props(olds),
                new Props(with(olds, "source", with(src, "host", "10.0.0.2")))).replaces());
        assertEquals(List.of("source.port"), r.diff("repl@10.0.0.5", new Props(olds),
                new Props(with(olds, "source", with(src, "port", 3307.0)))).replaces());
        assertEquals(List.of(), r.diff("repl@10.0.0.5", new Props(olds),
                new Props(with(olds, "source", with(src, "port", null)))).replaces(), "3306 is the default port");
        var creds = r.diff("repl@10.0.0.5", new Props(olds),
                new Props(with(olds, "source", with(src, "username", "other", "password", new Secret("b")))));
        assertEquals(List.of(), creds.replaces());
        assertTrue(creds.hasChanges());
        assertEquals(List.of("source.host"), r.diff("repl@10.0.0.5", new Props(olds),
                new Props(with(olds, "source", with(src, "host", Unknown.VALUE)))).replaces());
    }
}
