package io.rdsreplication.provider.it;

import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.mysql.BinlogRetention;
import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The binlog-retention preflight and purge advice against the test bed's source and replicating RDS instance. */
@Tag("integration")
class BinlogRetentionIT {
    static final BinlogRetention.Options DAY = new BinlogRetention.Options(86400, false);
    CutoverBed bed;
    String db;
    String expiryBefore;

    @BeforeEach
    void setUp() throws Exception {
        bed = new CutoverBed();
        db = TestBed.unique("retdb");
        try (Connection c = TestBed.sourceRoot()) {
            expiryBefore = CutoverBed.one(c, "SELECT @@GLOBAL.binlog_expire_logs_seconds");
            TestBed.exec(c, "SET GLOBAL binlog_expire_logs_seconds = 0");   // no automatic purge while we rotate
        }
        bed.startReplication();
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "CREATE DATABASE `" + db + "`", "CREATE TABLE `" + db + "`.t (id INT PRIMARY KEY)");
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        bed.cleanUp(db);
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "SET GLOBAL binlog_expire_logs_seconds = " + Long.parseLong(expiryBefore));
        }
    }

    /** Writes row {@code id} in a new binlog file on the source. */
    void rotateAndWrite(int id) throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "FLUSH BINARY LOGS", "INSERT INTO `" + db + "`.t VALUES (" + id + ")");
        }
    }

    List<String> sourceLogs() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = TestBed.sourceRoot()) {
            for (Map<String, String> r : TestBed.query(c, "SHOW BINARY LOGS")) out.add(r.get("Log_name"));
        }
        return out;
    }

    @Test
    void purgingWhatItCallsSafeKeepsReplicationWorking() throws Exception {
        for (int i = 1; i <= 3; i++) rotateAndWrite(i);
        CutoverBed.awaitOnReplica("SELECT 1 FROM `" + db + "`.t WHERE id = 3", 120);
        String applied = TestBed.replicaStatus().get("Relay_Master_Log_File");
        BinlogRetention.Report r;
        try (Session s = CutoverBed.sourceSession(); Session p = CutoverBed.replicaSession()) {
            r = BinlogRetention.preflight(bed.context().progress(), s, p, DAY);
        }
        List<String> logs = sourceLogs();
        assertEquals(applied, r.neededFile());
        assertEquals(logs.subList(0, logs.indexOf(applied)), r.safeToPurge());
        assertFalse(r.safeToPurge().isEmpty(), "three rotations leave older files");
        assertTrue(r.problems().isEmpty(), r.problems().toString());
        assertTrue(r.expiry().never());

        // what a user does with the advice: purge, then check replication still delivers
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "PURGE BINARY LOGS TO '" + r.purgeTo() + "'");
        }
        assertEquals(applied, sourceLogs().get(0));
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "INSERT INTO `" + db + "`.t VALUES (4)");
        }
        CutoverBed.awaitOnReplica("SELECT 1 FROM `" + db + "`.t WHERE id = 4", 120);
        assertEquals("Yes", TestBed.replicaStatus().get("Slave_SQL_Running"));
    }

    @Test
    void aShortExpiryIsRefusedOrWarnedAbout() throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "SET GLOBAL binlog_expire_logs_seconds = 3600");
        }
        try (Session s = CutoverBed.sourceSession(); Session p = CutoverBed.replicaSession()) {
            var e = assertThrows(ProviderException.Precondition.class, () -> BinlogRetention.preflight(bed.context().progress(), s, p, DAY));
            assertTrue(e.getMessage().contains("3600 s (binlog_expire_logs_seconds)") && e.getMessage().contains("86400"), e.getMessage());
            var r = BinlogRetention.preflight(bed.context().progress(), s, p, new BinlogRetention.Options(86400, true));
            assertEquals(3600, r.expiry().seconds());
            assertTrue(bed.messages.stream().anyMatch(m -> m.startsWith("warn: binlog retention") && m.contains("3600")), bed.messages.toString());
            assertTrue(BinlogRetention.preflight(bed.context().progress(), s, p, new BinlogRetention.Options(3600, false)).problems().isEmpty());
            var bad = assertThrows(ProviderException.InvalidInput.class,
                    () -> BinlogRetention.preflight(bed.context().progress(), null, null, new BinlogRetention.Options(-1, false)));
            assertTrue(bad.failures().toString().contains("minBinlogExpirySeconds"));
        }
    }

    @Test
    void aStoppedReplicaWhoseFileIsOldestOrGoneIsRefused() throws Exception {
        rotateAndWrite(1);
        CutoverBed.awaitOnReplica("SELECT 1 FROM `" + db + "`.t WHERE id = 1", 120);
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, TestBed.replicaIsMysql() ? "STOP REPLICA" : "STOP SLAVE");
        }
        String needed = TestBed.replicaStatus().get("Relay_Master_Log_File");
        rotateAndWrite(2);
        rotateAndWrite(3);
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "PURGE BINARY LOGS TO '" + needed + "'");
        }
        try (Session s = CutoverBed.sourceSession(); Session p = CutoverBed.replicaSession()) {
            var e = assertThrows(ProviderException.Precondition.class, () -> BinlogRetention.preflight(bed.context().progress(), s, p, DAY));
            assertTrue(e.getMessage().contains(needed) && e.getMessage().contains("oldest"), e.getMessage());
            // the user purges one file too many: the replica can no longer resume
            String last = sourceLogs().get(sourceLogs().size() - 1);
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "PURGE BINARY LOGS TO '" + last + "'");
            }
            e = assertThrows(ProviderException.Precondition.class, () -> BinlogRetention.preflight(bed.context().progress(), s, p, DAY));
            assertTrue(e.getMessage().contains("no longer has"), e.getMessage());
        }
    }
}
