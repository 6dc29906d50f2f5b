package io.rdsreplication.provider.e2e;

import io.rdsreplication.provider.testing.Cli;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.sql.Connection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A genuine new starting point re-points, through the real CLI: the program copies with SourceSnapshot and feeds
 * its coordinates and id to ExternalMaster. Adding a database makes a new copy; the preview says that the snapshot,
 * ExternalMaster and ReplicationStart are replaced; `up` stops replication, copies, re-points at the new copy's
 * coordinates and starts again. Rows written before and after arrive exactly once.
 */
@Tag("e2e")
class SnapshotRepointIT {
    static Cli cli;
    static String user;
    static String db1;
    static String db2;

    @BeforeAll
    static void init() throws Exception {
        TestBed.resetReplica();
        user = TestBed.unique("snap");
        db1 = TestBed.unique("snapa");
        db2 = TestBed.unique("snapb");
        cli = Cli.init("examples/yaml", user);
        source("CREATE DATABASE " + db1, "CREATE TABLE " + db1 + ".t (id INT PRIMARY KEY)", "INSERT INTO " + db1 + ".t VALUES (1), (2), (3)",
                "CREATE DATABASE " + db2, "CREATE TABLE " + db2 + ".u (id INT PRIMARY KEY)", "INSERT INTO " + db2 + ".u VALUES (1), (2)");
    }

    @AfterAll
    static void cleanup() throws Exception {
        cli.pulumi("destroy", "--yes");
        TestBed.resetReplica();
        for (String db : List.of(db1, db2)) {
            source("DROP DATABASE IF EXISTS " + db);
            try (Connection c = TestBed.replicaRoot()) {
                TestBed.exec(c, "DROP DATABASE IF EXISTS " + db);
            }
        }
    }

    static void source(String... sql) throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, sql);
        }
    }

    static void program(List<String> databases) throws Exception {
        String program = """
                name: rdsreplication-yaml
                runtime: yaml
                config:
                  replicationPassword:
                    type: string
                    secret: true
                resources:
                  replUser:
                    type: rdsreplication:index:ReplicationUser
                    properties:
                      user: %s
                      host: 127.0.0.1
                      password: ${replicationPassword}
                  snapshot:
                    type: rdsreplication:index:SourceSnapshot
                    properties:
                      databases: [%s]
                      overwrite: true
                  externalMaster:
                    type: rdsreplication:index:ExternalMaster
                    properties:
                      sourceHost: 127.0.0.1
                      sourcePort: %d
                      replicationUser: ${replUser.user}
                      replicationPassword: ${replUser.password}
                      binlogFile: ${snapshot.binlogFile}
                      binlogPosition: ${snapshot.binlogPosition}
                      snapshotId: ${snapshot.id}
                      sslEncryption: %s
                  start:
                    type: rdsreplication:index:ReplicationStart
                    properties:
                      externalMasterId: ${externalMaster.id}
                      timeoutSeconds: 120
                """.formatted(user, String.join(", ", databases), TestBed.sourcePort(),
                TestBed.sourceIsMysql());
        Files.writeString(cli.prog.resolve("Pulumi.yaml"), program);
    }

    static String replica(String sql, String expected) throws Exception {
        return TestBed.waitForReplica(sql, expected, 60);
    }

    @Test
    void aNewSnapshotRepointsAndNoRowIsLostOrAppliedTwice() throws Exception {
        program(List.of(db1));
        cli.pulumi("up", "--yes", "--skip-preview").ok();
        assertEquals("3", replica("SELECT COUNT(*) FROM " + db1 + ".t", "3"), "the copy");
        source("INSERT INTO " + db1 + ".t VALUES (4)");
        assertEquals("4", replica("SELECT COUNT(*) FROM " + db1 + ".t", "4"), "replication after the copy");
        // a write on the source moves nothing in the plan
        cli.pulumi("preview", "--expect-no-changes").ok();

        program(List.of(db1, db2));
        var preview = cli.pulumi("preview", "--diff").ok();
        assertTrue(preview.out().contains("3 to replace"), "snapshot, externalMaster and start are replaced: " + preview.out());
        source("INSERT INTO " + db1 + ".t VALUES (5)");
        cli.pulumi("up", "--yes", "--skip-preview").ok();
        assertEquals("2", replica("SELECT COUNT(*) FROM " + db2 + ".u", "2"), "the new copy holds the added database");
        source("INSERT INTO " + db1 + ".t VALUES (6)", "INSERT INTO " + db2 + ".u VALUES (3)");
        assertEquals("6", replica("SELECT COUNT(*) FROM " + db1 + ".t", "6"), "rows before, during and after the re-copy");
        assertEquals("21", replica("SELECT SUM(id) FROM " + db1 + ".t", "21"), "each exactly once");
        assertEquals("3", replica("SELECT COUNT(*) FROM " + db2 + ".u", "3"));
        var st = TestBed.replicaStatus();
        assertEquals("Yes", st.get("Slave_SQL_Running"));
        assertEquals("0", st.get("Last_SQL_Errno"));
        cli.pulumi("preview", "--expect-no-changes").ok();
    }
}
