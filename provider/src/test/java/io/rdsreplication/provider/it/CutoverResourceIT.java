package io.rdsreplication.provider.it;

import io.rdsreplication.provider.core.Props;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.resources.cutover.CutoverResource;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Cutover resource's lifecycle in-process against the real servers: create makes the switch; a create whose
 * answer was lost (the provider killed after the detach) is run again by the next up and records the switch
 * already made instead of failing on a replica that no longer replicates; read keeps what was recorded; delete
 * changes nothing on the servers.
 */
@Tag("integration")
class CutoverResourceIT {
    static Map<String, Object> conn(int port, String user, String password) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("host", "127.0.0.1");
        c.put("port", (double) port);
        c.put("username", user);
        c.put("password", new Secret(password));
        return c;
    }

    static String readOnly() throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            return CutoverBed.one(c, "SELECT @@GLOBAL.read_only");
        }
    }

    @Test
    void createSwitchesARerunAfterALostAnswerRecordsItAndDeleteChangesNothing() throws Exception {
        CutoverBed bed = new CutoverBed();
        String db = TestBed.unique("curdb");
        bed.startReplication();
        try {
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "CREATE DATABASE " + db, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY)", "INSERT INTO " + db + ".t VALUES (1), (2)");
            }
            CutoverBed.awaitOnReplica("SELECT 1 FROM " + db + ".t WHERE id = 2", 60);
            var r = new CutoverResource();
            Map<String, Object> news = new LinkedHashMap<>();
            news.put("source", conn(TestBed.sourcePort(), TestBed.get("SOURCE_ROOT_USER"), TestBed.get("SOURCE_ROOT_PASSWORD")));
            news.put("replica", conn(TestBed.replicaPort(), TestBed.get("REPLICA_ADMIN_USER"), TestBed.get("REPLICA_ADMIN_PASSWORD")));
            news.put("checksumTables", List.of(db + ".t"));
            var checked = r.check(Props.empty(), new Props(news));
            assertEquals(List.of(), checked.failures());
            assertTrue(checked.warnings().stream().anyMatch(w -> w.contains("one-way")), "Check says it is one-way: " + checked.warnings());
            var created = r.create(bed.context(), new Props(checked.inputs()), false);
            assertTrue((Double) created.outputs().get("downtimeMillis") >= 0);
            assertEquals(Map.of(db + ".t", ((Map<?, ?>) created.outputs().get("checksums")).get(db + ".t")), created.outputs().get("checksums"));
            assertEquals("1", readOnly());
            var st = TestBed.replicaStatus();
            assertTrue(st.isEmpty() || st.getOrDefault("Master_Host", "").isEmpty(), "detached: " + st);

            // the answer of that create was lost: the next up creates again, and the switch made is recorded
            var again = r.create(bed.context(), new Props(checked.inputs()), false);
            assertEquals(-1.0, again.outputs().get("downtimeMillis"));
            assertEquals(created.outputs().get("sourceFinalFile"), again.outputs().get("sourceFinalFile"));
            assertTrue(bed.messages.stream().anyMatch(m -> m.contains("already made")), bed.messages.toString());

            var read = r.read(bed.context(), created.id(), new Props(created.outputs()), new Props(checked.inputs()));
            assertEquals(created.outputs().get("sourceFinalPosition"), read.outputs().get("sourceFinalPosition"), "a past event, as recorded");
            r.delete(bed.context(), created.id(), new Props(created.outputs()));
            assertEquals("1", readOnly(), "delete changes nothing on the servers");
        } finally {
            bed.cleanUp(db);
        }
    }
}
