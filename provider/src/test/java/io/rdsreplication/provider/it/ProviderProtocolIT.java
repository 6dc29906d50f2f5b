package io.rdsreplication.provider.it;

import com.google.protobuf.Empty;
import io.grpc.StatusRuntimeException;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.core.Unknown;
import io.rdsreplication.provider.testing.ProviderProcess;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import pulumirpc.Provider;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plugin process speaks the provider protocol: handshake, schema, config, previews, errors. */
@Tag("integration")
class ProviderProtocolIT {
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
    void pluginInfoAndSchema() throws Exception {
        assertEquals("0.1.0", p.stub.getPluginInfo(Empty.getDefaultInstance()).getVersion());
        String served = p.stub.getSchema(Provider.GetSchemaRequest.newBuilder().setVersion(0).build()).getSchema();
        assertEquals(Files.readString(TestBed.root().resolve("schema.json")), served);
    }

    @Test
    void unknownTokensGetClearErrors() {
        var e = assertThrows(StatusRuntimeException.class, () -> p.check("rdsreplication:index:Nope", Map.of(), Map.of()));
        assertTrue(e.getStatus().getDescription().contains("unknown resource type rdsreplication:index:Nope"), e.getMessage());
        var f = assertThrows(StatusRuntimeException.class, () -> p.invoke("rdsreplication:index:getNope", Map.of()));
        assertTrue(f.getStatus().getDescription().contains("unknown function"), f.getMessage());
    }

    @Test
    void checkFailuresNameTheProperty() {
        var r = p.check("rdsreplication:index:SecurityGroupIngress", Map.of(),
                Map.of("securityGroupId", "sg-0123456789abcdef0", "sourceCidr", "not-a-cidr", "port", 99999.0));
        var props = r.getFailuresList().stream().map(Provider.CheckFailure::getProperty).toList();
        assertTrue(props.contains("sourceCidr") && props.contains("port"), props.toString());
    }

    @Test
    void checkConfigRefusesBadConnections() {
        var r = p.stub.checkConfig(Provider.CheckRequest.newBuilder().setUrn("urn:pulumi:s::p::pulumi:providers:rdsreplication::default")
                .setNews(io.rdsreplication.provider.rpc.PropertyCodec.encode(Map.of("source",
                        Map.of("host", "h", "username", "u", "port", 0.0, "tls", "maybe")))).build());
        var props = r.getFailuresList().stream().map(Provider.CheckFailure::getProperty).toList();
        assertTrue(props.contains("source.port") && props.contains("source.tls"), props.toString());
    }

    @Test
    void previewCreateLeavesServerOutputsUnknownAndTouchesNothing() throws Exception {
        String user = TestBed.unique("prev");
        Map<String, Object> in = p.checked("rdsreplication:index:ReplicationUser", Map.of(),
                Map.of("user", user, "host", "127.0.0.1", "password", Unknown.VALUE));
        var resp = p.create("rdsreplication:index:ReplicationUser", in, true);
        Map<String, Object> out = ProviderProcess.decode(resp.getProperties());
        assertEquals(Unknown.VALUE, out.get("grants"));
        assertInstanceOf(Secret.class, out.get("password"));
        try (var c = TestBed.sourceRoot()) {
            assertTrue(TestBed.query(c, "SELECT 1 FROM mysql.user WHERE User = '" + user + "'").isEmpty());
        }
    }

    @Test
    void diffSaysUpdateOrReplacePerProperty() {
        Map<String, Object> olds = new LinkedHashMap<>(Map.of("user", "u", "host", "h", "password", new Secret("a"),
                "requireSsl", false, "grants", java.util.List.of("REPLICATION CLIENT", "REPLICATION SLAVE")));
        var none = p.diff("rdsreplication:index:ReplicationUser", "u@h", olds,
                Map.of("user", "u", "host", "h", "password", new Secret("a"), "requireSsl", false));
        assertEquals(Provider.DiffResponse.DiffChanges.DIFF_NONE, none.getChanges());
        var upd = p.diff("rdsreplication:index:ReplicationUser", "u@h", olds,
                Map.of("user", "u", "host", "h", "password", new Secret("b"), "requireSsl", true));
        assertEquals(Provider.PropertyDiff.Kind.UPDATE, upd.getDetailedDiffOrThrow("password").getKind());
        assertEquals(Provider.PropertyDiff.Kind.UPDATE, upd.getDetailedDiffOrThrow("requireSsl").getKind());
        assertEquals(0, upd.getReplacesCount());
        var rep = p.diff("rdsreplication:index:ReplicationUser", "u@h", olds,
                Map.of("user", "u2", "host", "h", "password", new Secret("a"), "requireSsl", false));
        assertEquals(Provider.PropertyDiff.Kind.UPDATE_REPLACE, rep.getDetailedDiffOrThrow("user").getKind());
        assertEquals(java.util.List.of("user"), rep.getReplacesList());
        // a moved starting position is no new starting point; a new snapshot is (delete first: one channel)
        var em = p.diff("rdsreplication:index:ExternalMaster", "x", Map.of("sourceHost", "h", "binlogFile", "f.000001", "binlogPosition", 4.0),
                Map.of("sourceHost", "h", "binlogFile", "f.000002", "binlogPosition", 4.0));
        assertEquals(Provider.DiffResponse.DiffChanges.DIFF_NONE, em.getChanges());
        em = p.diff("rdsreplication:index:ExternalMaster", "x", Map.of("sourceHost", "h", "binlogFile", "f.000001", "binlogPosition", 4.0,
                "snapshotId", "db@f.000001:4"), Map.of("sourceHost", "h", "binlogFile", "f.000002", "binlogPosition", 4.0, "snapshotId", "db@f.000002:4"));
        assertTrue(em.getDeleteBeforeReplace());
        assertEquals(java.util.List.of("snapshotId"), em.getReplacesList());
        // nested paths in detailedDiff, top-level keys in diffs and replaces
        var moved = p.diff("rdsreplication:index:ExternalMaster", "x",
                Map.of("sourceHost", "h", "binlogFile", "f.000001", "binlogPosition", 4.0, "replica", Map.of("host", "a", "username", "u")),
                Map.of("sourceHost", "h", "binlogFile", "f.000001", "binlogPosition", 4.0, "replica", Map.of("host", "b", "username", "u")));
        assertEquals(java.util.List.of("replica"), moved.getReplacesList());
        assertEquals(java.util.List.of("replica"), moved.getDiffsList());
        assertEquals(Provider.PropertyDiff.Kind.UPDATE_REPLACE, moved.getDetailedDiffOrThrow("replica.host").getKind());
    }

    @Test
    void connectionFailuresAreClearAndCarryNoPassword() throws Exception {
        String secret = "Sup3r'secret\\pw";
        Map<String, Object> conn = ProviderProcess.connection(TestBed.sourcePort(), "root", secret);
        conn.put("tls", "preferred");
        var e = assertThrows(StatusRuntimeException.class, () -> p.invoke("rdsreplication:index:getSourceStatus", Map.of("source", conn)));
        assertTrue(e.getStatus().getDescription().contains("access denied"), e.getMessage());
        assertFalse(e.getMessage().contains(secret));
        if (TestBed.sourceIsMysql()) {
            // without TLS, MySQL's default caching_sha2_password cannot even send the password: say so
            conn.put("tls", "disabled");
            var e2 = assertThrows(StatusRuntimeException.class, () -> p.invoke("rdsreplication:index:getSourceStatus", Map.of("source", conn)));
            assertTrue(e2.getStatus().getDescription().contains("`source.tls`"), e2.getMessage());
            assertFalse(e2.getMessage().contains(secret));
        }
        assertFalse(p.log().contains(secret));
    }

    @Test
    void functionsAnswer() {
        var src = ProviderProcess.decode(p.invoke("rdsreplication:index:getSourceStatus", Map.of()).getReturn());
        assertEquals(true, src.get("logBin"));
        assertEquals(1.0, src.get("serverId"));
        assertTrue(((String) src.get("binlogFile")).matches(".*\\.\\d{6}"));
        assertEquals("ROW", src.get("binlogFormat"));
        var ep = ProviderProcess.decode(p.invoke("rdsreplication:index:getInstanceEndpoint",
                Map.of("dbInstanceIdentifier", TestBed.get("DB_INSTANCE_ID"))).getReturn());
        assertEquals((TestBed.replicaIsMysql() ? "mysql" : "mariadb"), ep.get("engine"));
        assertEquals(java.util.List.of(TestBed.get("SECURITY_GROUP_ID")), ep.get("securityGroupIds"));
        var bad = p.invoke("rdsreplication:index:getInstanceEndpoint", Map.of("dbInstanceIdentifier", "1bad;"));
        assertEquals("dbInstanceIdentifier", bad.getFailures(0).getProperty());
        var rs = ProviderProcess.decode(p.invoke("rdsreplication:index:getReplicaStatus", Map.of()).getReturn());
        assertEquals(false, rs.get("configured"));
    }
}
