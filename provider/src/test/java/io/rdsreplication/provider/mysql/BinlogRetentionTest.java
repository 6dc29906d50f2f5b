package io.rdsreplication.provider.mysql;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BinlogRetentionTest {
    static final List<Binlog.LogFile> LOGS = List.of(new Binlog.LogFile("src-bin.000007", 10),
            new Binlog.LogFile("src-bin.000008", 10), new Binlog.LogFile("src-bin.000009", 10));

    @Test
    void everythingBeforeTheNeededFileIsSafeToPurge() {
        var r = BinlogRetention.report(new BinlogRetention.Expiry(0, "binlog_expire_logs_seconds"), LOGS, "src-bin.000009", 86400);
        assertEquals(List.of("src-bin.000007", "src-bin.000008"), r.safeToPurge());
        assertEquals("src-bin.000009", r.purgeTo());
        assertTrue(r.problems().isEmpty(), r.problems().toString());
    }

    @Test
    void theOldestFileNeededIsAProblemUnlessItIsTheOnlyOne() {
        var r = BinlogRetention.report(new BinlogRetention.Expiry(0, "x"), LOGS, "src-bin.000007", 0);
        assertTrue(r.safeToPurge().isEmpty());
        assertNull(r.purgeTo());
        assertTrue(r.problems().get(0).contains("oldest"), r.problems().toString());
        var only = BinlogRetention.report(new BinlogRetention.Expiry(0, "x"), LOGS.subList(2, 3), "src-bin.000009", 0);
        assertTrue(only.problems().isEmpty(), "the file being written is never purged");
    }

    @Test
    void aFileTheSourceNoLongerHasAndAShortExpiryAreProblems() {
        var r = BinlogRetention.report(new BinlogRetention.Expiry(3600, "binlog_expire_logs_seconds"), LOGS, "src-bin.000003", 86400);
        assertEquals(2, r.problems().size(), r.problems().toString());
        assertTrue(r.problems().get(0).contains("3600") && r.problems().get(0).contains("binlog_expire_logs_seconds"));
        assertTrue(r.problems().get(1).contains("no longer has"));
        var none = BinlogRetention.report(new BinlogRetention.Expiry(3600, "x"), LOGS, null, 0);
        assertTrue(none.problems().isEmpty() && none.safeToPurge().isEmpty(), "no replication configured: nothing to say");
    }

    @Test
    void expiryReadsEitherVariable() {
        assertEquals(new BinlogRetention.Expiry(7200, "binlog_expire_logs_seconds"),
                BinlogRetention.expiry(Map.of("binlog_expire_logs_seconds", "7200", "expire_logs_days", "0.083333")));
        assertEquals(new BinlogRetention.Expiry(172800, "expire_logs_days"),
                BinlogRetention.expiry(Map.of("binlog_expire_logs_seconds", "0", "expire_logs_days", "2.000000")));
        assertTrue(BinlogRetention.expiry(Map.of("binlog_expire_logs_seconds", "0", "expire_logs_days", "0")).never());
        assertTrue(BinlogRetention.expiry(Map.of("binlog_expire_logs_seconds", "2592000", "binlog_expire_logs_auto_purge", "OFF")).never());
    }

    @Test
    void coordinatesCompareByFileNumberThenPosition() {
        assertTrue(new Binlog.Coordinates("b.000010", 4).atLeast(new Binlog.Coordinates("b.000009", 900)));
        assertTrue(new Binlog.Coordinates("b.000009", 900).compareTo(new Binlog.Coordinates("b.000009", 901)) < 0);
        assertEquals("b", Binlog.seriesOf("b.000009"));
    }
}
