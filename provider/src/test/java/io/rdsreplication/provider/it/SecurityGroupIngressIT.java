package io.rdsreplication.provider.it;

import io.grpc.StatusRuntimeException;
import io.rdsreplication.provider.core.Unknown;
import io.rdsreplication.provider.testing.ProviderProcess;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import pulumirpc.Provider;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SecurityGroupIngress against moto (EC2 and RDS), through the plugin process. */
@Tag("integration")
class SecurityGroupIngressIT {
    static final String T = "rdsreplication:index:SecurityGroupIngress";
    static ProviderProcess p;
    static Ec2Client ec2;
    static int octet = (int) (System.nanoTime() % 200) + 20;

    @BeforeAll
    static void start() throws Exception {
        p = ProviderProcess.start().configureTestBed();
        ec2 = TestBed.ec2();
    }

    @AfterAll
    static void stop() throws Exception {
        p.close();
        ec2.close();
    }

    static String cidr() {
        return "198.51." + (octet++) + ".7/32";
    }

    static SecurityGroupRule rule(String id) {
        return ec2.describeSecurityGroupRules(b -> b.filters(f -> f.name("group-id").values(TestBed.get("SECURITY_GROUP_ID"))))
                .securityGroupRules().stream().filter(r -> id.equals(r.securityGroupRuleId())).findFirst().orElse(null);
    }

    @Test
    void lifecycleThroughTheDbInstance() {
        String cidr = cidr();
        Map<String, Object> news = new LinkedHashMap<>(Map.of("dbInstanceIdentifier", TestBed.get("DB_INSTANCE_ID"),
                "sourceCidr", cidr, "description", "external source", "tags", Map.of("team", "db")));
        Map<String, Object> in = p.checked(T, Map.of(), news);
        Map<String, Object> preview = ProviderProcess.decode(p.create(T, in, true).getProperties());
        assertEquals(Unknown.VALUE, preview.get("securityGroupRuleId"));

        var created = p.create(T, in, false);
        String id = created.getId();
        assertTrue(id.startsWith("sgr-"), id);
        Map<String, Object> state = ProviderProcess.decode(created.getProperties());
        assertEquals(TestBed.get("SECURITY_GROUP_ID"), state.get("securityGroupId"));
        assertEquals((double) TestBed.replicaPort(), state.get("port"), "the instance's port");
        SecurityGroupRule r = rule(id);
        assertEquals(cidr, r.cidrIpv4());
        assertEquals(TestBed.replicaPort(), r.fromPort());
        assertEquals("tcp", r.ipProtocol());
        assertEquals("external source", r.description());
        assertEquals("db", r.tags().stream().filter(t -> t.key().equals("team")).findFirst().orElseThrow().value());
        assertEquals(List.of(), state.get("endpointIps"), "moto's endpoint does not resolve");

        assertEquals(Provider.DiffResponse.DiffChanges.DIFF_NONE, p.diff(T, id, state, p.checked(T, in, news)).getChanges());

        // description and tags change in place
        Map<String, Object> news2 = new LinkedHashMap<>(news);
        news2.put("description", "external source (primary)");
        news2.put("tags", Map.of("team", "dba", "env", "prod"));
        Map<String, Object> in2 = p.checked(T, in, news2);
        assertEquals(0, p.diff(T, id, state, in2).getReplacesCount());
        state = ProviderProcess.decode(p.update(T, id, state, in2).getProperties());
        r = rule(id);
        assertEquals("external source (primary)", r.description());
        assertEquals(2, r.tags().stream().filter(x -> !x.key().equals("rdsreplication:owner")).count());

        // a new cidr or port replaces
        Map<String, Object> news3 = new LinkedHashMap<>(news2);
        news3.put("sourceCidr", "203.0.113.9/32");
        assertEquals(List.of("sourceCidr"), p.diff(T, id, state, p.checked(T, in2, news3)).getReplacesList());

        // drift: description changed outside Pulumi shows on read
        ec2.modifySecurityGroupRules(b -> b.groupId(TestBed.get("SECURITY_GROUP_ID")).securityGroupRules(u -> u
                .securityGroupRuleId(id).securityGroupRule(q -> q.ipProtocol("tcp").fromPort(TestBed.replicaPort())
                        .toPort(TestBed.replicaPort()).cidrIpv4(cidr).description("changed by hand"))));
        Map<String, Object> read = ProviderProcess.decode(p.read(T, id, state, in2).getProperties());
        assertEquals("changed by hand", read.get("description"));
        assertEquals(Provider.PropertyDiff.Kind.UPDATE, p.diff(T, id, read, in2).getDetailedDiffOrThrow("description").getKind());

        // delete revokes; a second delete and a read after revocation are fine
        p.delete(T, id, state);
        assertNull(rule(id));
        p.delete(T, id, state);
        assertEquals("", p.read(T, id, state, in2).getId());
    }

    @Test
    void duplicateRuleNamesTheExistingRuleAndImportCommand() {
        String cidr = cidr();
        Map<String, Object> in = p.checked(T, Map.of(), Map.of("securityGroupId", TestBed.get("SECURITY_GROUP_ID"),
                "sourceCidr", cidr, "port", 3306.0));
        var first = p.create(T, in, false, "first");
        try {
            var e = assertThrows(StatusRuntimeException.class, () -> p.create(T, in, false, "second"));
            assertTrue(e.getStatus().getDescription().contains(first.getId()), e.getMessage());
            assertTrue(e.getStatus().getDescription().contains("pulumi import " + T), e.getMessage());
        } finally {
            p.delete(T, first.getId(), ProviderProcess.decode(first.getProperties()));
        }
    }

    @Test
    void aRuleLeftByAnEarlierAttemptOfTheSameResourceIsTakenOver() {
        // an attempt whose answer was lost (timeout) left the rule behind: the same resource's next create adopts it
        Map<String, Object> in = p.checked(T, Map.of(), Map.of("securityGroupId", TestBed.get("SECURITY_GROUP_ID"),
                "sourceCidr", cidr(), "port", 3306.0, "tags", Map.of("k", "v")));
        var lost = p.create(T, in, false, "same");
        var again = p.create(T, in, false, "same");
        assertEquals(lost.getId(), again.getId());
        Map<String, Object> state = ProviderProcess.decode(again.getProperties());
        assertEquals(Map.of("k", "v"), ProviderProcess.decode(p.read(T, again.getId(), state, in).getProperties()).get("tags"),
                "the bookkeeping tag stays hidden");
        p.delete(T, again.getId(), state);
        assertNull(rule(again.getId()));
        assertEquals("tags.rdsreplication:owner", p.check(T, Map.of(), Map.of("securityGroupId", TestBed.get("SECURITY_GROUP_ID"),
                "sourceCidr", "203.0.113.1/32", "tags", Map.of("rdsreplication:owner", "x"))).getFailures(0).getProperty());
    }

    @Test
    void importByRuleId() {
        String cidr = cidr();
        var resp = ec2.authorizeSecurityGroupIngress(b -> b.groupId(TestBed.get("SECURITY_GROUP_ID")).ipPermissions(
                q -> q.ipProtocol("tcp").fromPort(3306).toPort(3306).ipRanges(x -> x.cidrIp(cidr).description("by hand"))));
        String id = resp.securityGroupRules().get(0).securityGroupRuleId();
        var r = p.read(T, id, Map.of(), Map.of());
        assertEquals(id, r.getId());
        Map<String, Object> in = ProviderProcess.decode(r.getInputs());
        assertEquals(cidr, in.get("sourceCidr"));
        assertEquals(3306.0, in.get("port"));
        assertEquals(TestBed.get("SECURITY_GROUP_ID"), in.get("securityGroupId"));
        Map<String, Object> program = p.checked(T, in, Map.of("securityGroupId", TestBed.get("SECURITY_GROUP_ID"),
                "sourceCidr", cidr, "port", 3306.0, "description", "by hand"));
        assertEquals(Provider.DiffResponse.DiffChanges.DIFF_NONE, p.diff(T, id, ProviderProcess.decode(r.getProperties()), program).getChanges());
        p.delete(T, id, ProviderProcess.decode(r.getProperties()));
        assertNull(rule(id));
    }

    @Test
    void unknownInstanceIsAClearError() {
        Map<String, Object> in = p.checked(T, Map.of(), Map.of("dbInstanceIdentifier", "no-such-db", "sourceCidr", cidr()));
        var e = assertThrows(StatusRuntimeException.class, () -> p.create(T, in, false));
        assertTrue(e.getStatus().getDescription().contains("no RDS DB instance named no-such-db"), e.getMessage());
    }
}
