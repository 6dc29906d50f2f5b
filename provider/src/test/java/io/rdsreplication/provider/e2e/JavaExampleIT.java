package io.rdsreplication.provider.e2e;

import io.rdsreplication.provider.testing.Cli;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One full pass of the runbook through the Java example and the generated Java SDK. */
@Tag("e2e")
class JavaExampleIT {
    @Test
    void upReplicatesThenDestroyLeavesNothing() throws Exception {
        TestBed.resetReplica();
        String user = TestBed.unique("jex");
        String db = TestBed.unique("jexdb");
        Cli cli = Cli.init("examples/java", user);
        try {
            var up = cli.pulumi("up", "--yes", "--skip-preview").ok();
            assertTrue(up.out().contains("5 created"), up.out());
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "CREATE DATABASE " + db, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY)", "INSERT INTO " + db + ".t VALUES (42)");
            }
            assertEquals("42", TestBed.waitForReplica("SELECT id FROM " + db + ".t", "42", 30));
            cli.pulumi("preview", "--expect-no-changes").ok();
            cli.pulumi("destroy", "--yes").ok();
            try (Connection c = TestBed.sourceRoot()) {
                assertTrue(TestBed.query(c, "SELECT 1 FROM mysql.user WHERE User = '" + user + "'").isEmpty());
            }
            var st = TestBed.replicaStatus();
            assertTrue(st.isEmpty() || st.get("Master_Host").isEmpty());
        } finally {
            cli.pulumi("destroy", "--yes");
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "DROP DATABASE IF EXISTS " + db);
            }
            try (Connection c = TestBed.replicaRoot()) {
                TestBed.exec(c, "DROP DATABASE IF EXISTS " + db);
            }
        }
    }
}
