package io.rdsreplication.provider.it;

import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.cutover.Cutover;
import io.rdsreplication.provider.cutover.WayBack;
import io.rdsreplication.provider.mysql.Binlog;
import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** After a cutover, the old source replicates from the RDS instance: rows written on RDS arrive there. */
@Tag("integration")
class WayBackIT {
    CutoverBed bed;
    String db;
    String backUser;
    String backPassword;

    @BeforeEach
    void setUp() throws Exception {
        bed = new CutoverBed();
        db = TestBed.unique("backdb");
        backUser = TestBed.unique("back");
        backPassword = "b'\\-" + Long.toString(System.nanoTime(), 36);
        bed.startReplication();
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "CREATE DATABASE `" + db + "`", "CREATE TABLE `" + db + "`.t (id INT PRIMARY KEY, side VARCHAR(10))",
                    "INSERT INTO `" + db + "`.t VALUES (1, 'source'), (2, 'source')");
        }
        CutoverBed.awaitOnReplica("SELECT 1 FROM `" + db + "`.t WHERE id = 2", 120);
    }

    @AfterEach
    void tearDown() throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            if (TestBed.sourceIsMysql()) TestBed.exec(c, "SET GLOBAL super_read_only = OFF");
            TestBed.exec(c, "SET GLOBAL read_only = OFF");
            if (TestBed.sourceIsMysql()) TestBed.exec(c, "STOP REPLICA", "RESET REPLICA ALL");
            else TestBed.exec(c, "STOP SLAVE", "RESET SLAVE ALL");
            TestBed.exec(c, "SET SESSION sql_log_bin = 0", "DROP USER IF EXISTS '" + backUser + "'@'%'");
        }
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0", "DROP USER IF EXISTS '" + backUser + "'@'%'");
        }
        bed.cleanUp(db);
    }

    WayBack.Options options(Binlog.Coordinates from) {
        // a MySQL RDS instance's accounts use caching_sha2_password: the link must be encrypted
        return new WayBack.Options("127.0.0.1", TestBed.replicaPort(), backUser, "%", new Secret(backPassword), from, 24,
                TestBed.replicaIsMysql(), 120);
    }

    @Test
    void rowsWrittenOnRdsAfterTheCutoverReachTheOldSource() throws Exception {
        Cutover.Result r;
        try (Session src = CutoverBed.sourceSession(); Session rds = CutoverBed.replicaSession()) {
            r = Cutover.run(bed.context(), src, rds, Cutover.Options.defaults());
            // the application writes on RDS before the way back is set up: that row must arrive too
            rds.execute("INSERT INTO `" + db + "`.t VALUES (3, 'rds')");
            WayBack.Result w = WayBack.run(bed.context(), rds, src, options(r.replicaAtCutover()));
            assertEquals(r.replicaAtCutover(), w.from());
            rds.execute("INSERT INTO `" + db + "`.t VALUES (4, 'rds')");
        }
        TestBed.awaitRows(false, "SELECT 1 FROM `" + db + "`.t WHERE id = 4", 120);
        try (Connection c = TestBed.sourceRoot()) {
            assertEquals("4", CutoverBed.one(c, "SELECT COUNT(*) FROM `" + db + "`.t"), "every row once, none twice");
            assertEquals("1", CutoverBed.one(c, "SELECT @@GLOBAL.read_only"), "the old source stays fenced for the application");
            var st = TestBed.bothGenerations(TestBed.query(c, TestBed.sourceIsMysql() ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS").get(0));
            assertEquals("Yes", st.get("Slave_SQL_Running"), st.toString());
            assertEquals(String.valueOf(TestBed.replicaPort()), st.get("Master_Port"));
        }
        try (Connection c = TestBed.replicaAdmin()) {
            boolean found = false;
            for (var row : TestBed.query(c, "CALL mysql.rds_show_configuration()")) {
                if ("binlog retention hours".equals(row.get("name"))) {
                    assertEquals("24", row.get("value"));
                    found = true;
                }
            }
            assertTrue(found, "binlog retention hours is listed");
        }
        assertFalse(bed.messages.toString().contains(backPassword), "the password reached a progress message");
    }

    @Test
    void badOptionsAreRefusedByFieldWithoutTouchingAServer() {
        var o = new WayBack.Options("bad host!", 0, "", "%", new Secret(" x"), new Binlog.Coordinates("nofile", 1), 200, false, 10);
        var e = assertThrows(ProviderException.InvalidInput.class, () -> WayBack.run(bed.context(), null, null, o));
        String m = e.failures().toString();
        for (String f : new String[]{"rdsHost", "rdsPort", "user", "password", "from", "binlogRetentionHours"}) {
            assertTrue(m.contains(f), f + " in " + m);
        }
    }
}
