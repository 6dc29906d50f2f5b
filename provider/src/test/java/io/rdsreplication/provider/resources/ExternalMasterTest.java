package io.rdsreplication.provider.resources;

import io.rdsreplication.provider.core.CheckFailure;
import io.rdsreplication.provider.core.DiffResult;
import io.rdsreplication.provider.core.Props;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.core.Unknown;
import io.rdsreplication.provider.resources.externalmaster.ExternalMasterResource;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ExternalMaster's Check and Diff: the starting-position semantics and what replaces. */
class ExternalMasterTest {
    static final ExternalMasterResource R = new ExternalMasterResource();
    static final String MYSQL_SET = "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-23";

    static Map<String, Object> state(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>(Map.of("sourceHost", "203.0.113.5", "sourcePort", 3306.0, "replicationUser", "repl",
                "replicationPassword", new Secret("pw"), "binlogFile", "mysql-bin.000031", "binlogPosition", 107.0,
                "sslEncryption", false));
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) m.remove((String) kv[i]);
            else m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static DiffResult diff(Map<String, Object> olds, Map<String, Object> news) {
        return R.diff("id", new Props(olds), new Props(news));
    }

    static List<String> failures(Map<String, Object> in) {
        return R.check(Props.empty(), new Props(in)).failures().stream().map(CheckFailure::property).toList();
    }

    @Test
    void aMovingSourcePositionIsNotANewStartingPoint() {
        // getSourceStatus fed straight in: after a write on the source the position moves; nothing re-points
        DiffResult d = diff(state(), state("binlogPosition", 9999.0));
        assertFalse(d.hasChanges(), d.toString());
        d = diff(state(), state("binlogFile", "mysql-bin.000032", "binlogPosition", 4.0));
        assertFalse(d.hasChanges(), d.toString());
        // a MariaDB GTID that moves: the same
        assertFalse(diff(state("binlogFile", null, "binlogPosition", null, "gtid", "0-1-5"),
                state("binlogFile", null, "binlogPosition", null, "gtid", "0-1-900")).hasChanges());
    }

    @Test
    void aNewSnapshotIsANewStartingPointAndReplaces() {
        DiffResult d = diff(state("snapshotId", "db@bin.000001:100"), state("snapshotId", "db@bin.000003:4", "binlogPosition", 4.0));
        assertEquals(List.of("snapshotId"), d.replaces());
        assertTrue(d.deleteBeforeReplace());
        // a snapshot being replaced in the same run: its id is unknown during preview
        d = diff(state("snapshotId", "db@bin.000001:100"), state("snapshotId", Unknown.VALUE, "binlogPosition", Unknown.VALUE));
        assertEquals(List.of("snapshotId"), d.replaces());
        // adopting a snapshot id on an existing configuration records it and re-points nothing
        d = diff(state(), state("snapshotId", "db@bin.000001:100"));
        assertTrue(d.replaces().isEmpty());
        assertEquals(DiffResult.Kind.ADD, d.detailed().get("snapshotId"));
    }

    @Test
    void aNewKindOfPositionRepointsInPlaceAndConnectionSettingsToo() {
        DiffResult d = diff(state(), state("binlogFile", null, "binlogPosition", null, "gtid", "0-1-5"));
        assertTrue(d.replaces().isEmpty());
        assertEquals(DiffResult.Kind.ADD, d.detailed().get("gtid"));
        d = diff(state(), state("replicationPassword", new Secret("pw2"), "sourceHost", "203.0.113.6"));
        assertEquals(List.of(), d.replaces());
        assertEquals(DiffResult.Kind.UPDATE, d.detailed().get("replicationPassword"));
        assertEquals(DiffResult.Kind.UPDATE, d.detailed().get("sourceHost"));
    }

    @Test
    void anotherRdsInstanceReplacesButItsCredentialsDoNot() {
        Map<String, Object> conn = Map.of("host", "db1.example.com", "username", "admin", "password", new Secret("a"));
        DiffResult d = diff(state("replica", conn), state("replica", Map.of("host", "db2.example.com", "username", "admin",
                "password", new Secret("a"))));
        assertEquals(List.of("replica.host"), d.replaces());
        d = diff(state("replica", conn), state("replica", Map.of("host", "DB1.example.com", "username", "admin",
                "password", new Secret("b"))));
        assertTrue(d.replaces().isEmpty(), "host names compare case-insensitively; a new password is no new server");
        assertEquals(DiffResult.Kind.UPDATE, d.detailed().get("replica.password"));
        d = diff(state("replica", conn), state("replica", Map.of("host", "db1.example.com", "port", 3306.0, "username", "admin",
                "password", new Secret("a"))));
        assertFalse(d.hasChanges(), "3306 is the default port: " + d);
    }

    @Test
    void checkAcceptsAMysqlGtidSetWithAutoPositioning() {
        Map<String, Object> base = state("binlogFile", null, "binlogPosition", null);
        assertEquals(List.of(), failures(with(base, "gtid", MYSQL_SET)));
        assertEquals(List.of(), failures(with(base, "gtid", MYSQL_SET, "autoPosition", true)));
        assertEquals(List.of("autoPosition"), failures(with(base, "gtid", MYSQL_SET, "autoPosition", false)));
        assertEquals(List.of(), failures(with(base, "autoPosition", true)));
        assertEquals(List.of("gtid"), failures(with(base, "gtid", "0-1-5", "autoPosition", true)));
    }

    @Test
    void checkRefusesPasswordsRdsWouldChange() {
        assertEquals(List.of("replicationPassword"), failures(state("replicationPassword", new Secret(" pw"))));
        assertEquals(List.of("replicationPassword"), failures(state("replicationPassword", new Secret("pw\t"))));
        String long33 = "a".repeat(33);
        // certainly MySQL (auto-positioning): refused in Check; otherwise the engine decides at create, before any call
        assertEquals(List.of("replicationPassword"), failures(state("binlogFile", null, "binlogPosition", null, "autoPosition", true,
                "replicationPassword", new Secret(long33))));
        assertEquals(List.of(), failures(state("replicationPassword", new Secret(long33))));
        assertEquals(List.of(), failures(state("replicationPassword", new Secret("a".repeat(32)), "autoPosition", true,
                "binlogFile", null, "binlogPosition", null)));
    }

    static Map<String, Object> with(Map<String, Object> base, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
