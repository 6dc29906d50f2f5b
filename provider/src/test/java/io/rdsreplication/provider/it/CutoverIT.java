package io.rdsreplication.provider.it;

import io.rdsreplication.provider.core.Cancellation;
import io.rdsreplication.provider.resources.Context;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.cutover.Cutover;
import io.rdsreplication.provider.cutover.CutoverFailed;
import io.rdsreplication.provider.mysql.Binlog;
import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cutover called directly against the test bed's source and RDS-like replica (whatever engine pair it runs),
 * with an application writing the whole time; and failures at a step, which must lower the fence again.
 */
@Tag("integration")
class CutoverIT {
    CutoverBed bed;
    String db;
    String app;
    String appPassword;

    @BeforeEach
    void setUp() throws Exception {
        bed = new CutoverBed();
        db = TestBed.unique("cutdb");
        app = TestBed.unique("coapp");
        appPassword = "app-" + Long.toString(System.nanoTime(), 36);
        bed.startReplication();
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "CREATE DATABASE `" + db + "`",
                    "CREATE TABLE `" + db + "`.t (id BIGINT PRIMARY KEY, side VARCHAR(10) NOT NULL, "
                            + "pad VARCHAR(100) NOT NULL DEFAULT 'some text to checksum')",
                    "INSERT INTO `" + db + "`.t (id, side) VALUES (-1, 'seed'), (-2, 'seed')");
        }
        CutoverBed.awaitOnReplica("SELECT 1 FROM `" + db + "`.t WHERE id = -2", 120);
        CutoverBed.createAppUser(app, appPassword, db);
    }

    @AfterEach
    void tearDown() throws Exception {
        bed.cleanUp(db);
        for (boolean replica : new boolean[]{false, true}) {
            try (Connection c = replica ? TestBed.replicaRoot() : TestBed.sourceRoot()) {
                TestBed.exec(c, "SET SESSION sql_log_bin = 0", "DROP USER IF EXISTS '" + app + "'@'127.0.0.1'");
            }
        }
    }

    @Test
    void cutoverWithAWriterRunning() throws Exception {
        Writer w = new Writer(app, appPassword, "`" + db + "`.t", 200_000, 300).start();
        Connection idle = TestBed.connect(TestBed.sourcePort(), app, appPassword);
        AtomicLong fenceNanos = new AtomicLong();
        AtomicLong readyNanos = new AtomicLong();
        Map<Cutover.Step, Long> steps = new java.util.concurrent.ConcurrentSkipListMap<>();
        Cutover.Result r;
        try (Session src = CutoverBed.sourceSession(); Session rep = CutoverBed.replicaSession()) {
            w.awaitMoreAcks(200, 120);
            r = Cutover.run(bed.context(), src, rep,
                    Cutover.Options.defaults().withEndSessionsOf(List.of(app)).withChecksumTables(List.of(db + ".t")),
                    step -> {
                        steps.put(step, System.nanoTime());
                        if (step == Cutover.Step.FENCE) fenceNanos.set(System.nanoTime());
                        if (step == Cutover.Step.DETACH) {
                            readyNanos.set(System.nanoTime());
                            w.toReplica = true;   // the application moves to RDS once it has everything
                        }
                    });
            w.awaitMoreAcks(100, 120);
        } finally {
            w.stopAndJoin();
        }
        assertEquals(null, w.unexpected);

        // the RDS instance replicates no more; the source stays fenced, the application's sessions were ended
        assertTrue(TestBed.replicaStatus().isEmpty(), "replication is still configured: " + TestBed.replicaStatus());
        try (Connection c = TestBed.sourceRoot()) {
            assertEquals("1", CutoverBed.one(c, "SELECT @@GLOBAL.read_only"));
            if (TestBed.sourceIsMysql()) assertEquals("1", CutoverBed.one(c, "SELECT @@GLOBAL.super_read_only"));
            String[] now = TestBed.sourcePosition();
            assertTrue(new Binlog.Coordinates(now[0], Long.parseLong(now[1])).atLeast(r.sourceFinal()));
            assertEquals(gtid(c), r.sourceGtid(), "no transaction on the source behind the fence");
        }
        assertThrows(SQLException.class, () -> CutoverBed.one(idle, "SELECT 1"), "the idle application session survived");
        assertTrue(r.sessionsEnded() >= 1, "sessions ended: " + r.sessionsEnded());
        assertEquals(1, r.checksums().size());
        assertTrue(r.checksums().get(0).equal(), r.checksums().toString());

        // every row the source acknowledged is on RDS, none twice; RDS holds exactly those plus its own
        Set<Long> onSource = ids(false, "source");
        Set<Long> onReplica = ids(true, "source");
        assertEquals(new HashSet<>(w.sourceAcked), onSource);
        assertEquals(onSource, onReplica, "rows written on the source before the cutover");
        assertEquals(new HashSet<>(w.replicaAcked), ids(true, "replica"));
        assertTrue(ids(false, "replica").isEmpty());
        try (Connection s = TestBed.sourceRoot(); Connection p = TestBed.replicaRoot()) {
            assertEquals(CutoverBed.one(s, "SELECT COUNT(*) FROM `" + db + "`.t WHERE side <> 'replica'"),
                    CutoverBed.one(p, "SELECT COUNT(*) FROM `" + db + "`.t WHERE side <> 'replica'"));
        }

        // the writer's interval across the cutover encloses the reported downtime (fence → replica caught up)
        long cutoverGap = w.cutoverGapMillis();
        long fenceToReady = (readyNanos.get() - fenceNanos.get()) / 1_000_000L;
        System.out.printf("CUTOVER %s: reported downtime %d ms, writer's gap across the cutover %d ms, fence→RDS ready %d ms, "
                        + "longest writer gap %d ms, %d rows on the source, %d on RDS after%n", TestBed.get("ENGINES"),
                r.downtimeMillis(), cutoverGap, fenceToReady, w.longestGapMillis, w.sourceAcked.size(), w.replicaAcked.size());
        StringBuilder timeline = new StringBuilder("CUTOVER steps (ms after the fence):");
        steps.forEach((k, v) -> timeline.append(' ').append(k).append('=').append((v - fenceNanos.get()) / 1_000_000L));
        System.out.println(timeline);
        assertTrue(cutoverGap + 500 >= r.downtimeMillis(), "gap " + cutoverGap + " < downtime " + r.downtimeMillis());
        assertTrue(cutoverGap <= fenceToReady + 5000, "gap " + cutoverGap + " ≫ fence→ready " + fenceToReady);
        assertTrue(r.downtimeMillis() <= fenceToReady);
        assertTrue(r.replicaAtCutover() != null, "the replica writes a binlog on the test bed");
        assertTrue(bed.messages.stream().anyMatch(m -> m.contains("final coordinates")), bed.messages.toString());
    }

    @Test
    void aBrokenReplicaBehindTheFenceUnfencesTheSource() throws Exception {
        CutoverFailed e;
        try (Session src = CutoverBed.sourceSession(); Session rep = CutoverBed.replicaSession()) {
            e = assertThrows(CutoverFailed.class, () -> Cutover.run(bed.context(), src, rep, Cutover.Options.defaults(), step -> {
                if (step == Cutover.Step.FINAL_APPLY) stopSqlThread();
            }));
        }
        assertEquals(Cutover.Step.FINAL_APPLY, e.step());
        assertFalse(e.sourceFenced());
        assertTrue(e.getMessage().contains("FINAL_APPLY") && e.getMessage().contains("un-fenced")
                && e.getMessage().contains("SQL No"), e.getMessage());
        assertSourceWritable();
        assertFalse(TestBed.replicaStatus().isEmpty(), "the replica must stay attached");
        assertTrue(bed.messages.stream().anyMatch(m -> m.startsWith("warn: cutover stopped at step FINAL_APPLY")), bed.messages.toString());
    }

    @Test
    void cancelBehindTheFenceUnfencesTheSource() throws Exception {
        Cancellation cancel = new Cancellation();
        Context ctx = bed.context();
        Context cancellable = new Context(ctx.config(), ctx.aws(), ctx.progress(), ctx.urn(), cancel);
        CutoverFailed e;
        try (Session src = CutoverBed.sourceSession(); Session rep = CutoverBed.replicaSession()) {
            e = assertThrows(CutoverFailed.class, () -> Cutover.run(cancellable, src, rep, Cutover.Options.defaults(), step -> {
                if (step == Cutover.Step.FINAL_POSITION) cancel.cancel();
            }));
        }
        assertEquals(Cutover.Step.FINAL_POSITION, e.step());
        assertTrue(e.getCause() instanceof Cancellation.Cancelled, String.valueOf(e.getCause()));
        assertTrue(e.getMessage().contains("un-fenced"), e.getMessage());
        assertSourceWritable();
    }

    @Test
    void aBinlogRotatedJustBeforeTheFenceIsAppliedToo() throws Exception {
        Cutover.Result r;
        try (Session src = CutoverBed.sourceSession(); Session rep = CutoverBed.replicaSession()) {
            r = Cutover.run(bed.context(), src, rep, Cutover.Options.defaults().withFinalApplyTimeoutSeconds(30), step -> {
                if (step == Cutover.Step.FENCE) {
                    try (Connection c = TestBed.sourceRoot()) {
                        TestBed.exec(c, "INSERT INTO `" + db + "`.t (id, side) VALUES (-4, 'last')", "FLUSH BINARY LOGS");
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
        }
        String[] now = TestBed.sourcePosition();
        // MariaDB writes a binlog checkpoint event after a rotation, later: the position may move, the GTIDs do not
        assertTrue(new Binlog.Coordinates(now[0], Long.parseLong(now[1])).atLeast(r.sourceFinal()));
        assertEquals(now[0], r.sourceFinal().file(), "the final coordinates are in the new file");
        try (Connection s = TestBed.sourceRoot()) {
            assertEquals(gtid(s), r.sourceGtid());
        }
        try (Connection p = TestBed.replicaRoot()) {
            assertEquals("last", CutoverBed.one(p, "SELECT side FROM `" + db + "`.t WHERE id = -4"));
        }
    }

    @Test
    void aReadOnlyRdsInstanceIsWarnedAbout() throws Exception {
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "SET GLOBAL read_only = ON");
        }
        try (Session src = CutoverBed.sourceSession(); Session rep = CutoverBed.replicaSession()) {
            Cutover.run(bed.context(), src, rep, Cutover.Options.defaults());
        } finally {
            try (Connection c = TestBed.replicaRoot()) {
                TestBed.exec(c, "SET GLOBAL read_only = OFF");
            }
        }
        assertTrue(bed.messages.stream().anyMatch(m -> m.startsWith("warn: cutover: the RDS instance is read-only")), bed.messages.toString());
        assertTrue(TestBed.replicaStatus().isEmpty());
    }

    /** Thrown by an observer to stop a cutover as a killed provider would: no catch, no un-fencing. */
    static final class Killed extends Error {
        Killed() {
            super("simulated provider kill");
        }
    }

    @Test
    void aCutoverKilledBehindTheFenceIsSeenAsSuchAndARerunFinishesIt() throws Exception {
        try (Session src = CutoverBed.sourceSession(); Session rep = CutoverBed.replicaSession()) {
            assertThrows(Killed.class, () -> Cutover.run(bed.context(), src, rep, Cutover.Options.defaults(), step -> {
                if (step == Cutover.Step.FINAL_APPLY) throw new Killed();
            }));
            Cutover.Observed seen = Cutover.observe(src, rep);
            assertTrue(seen.sourceReadOnly() && seen.replicaAttached(), seen.toString());
            assertTrue(seen.describe().contains("stopped behind the fence"), seen.describe());

            Cutover.Result r = Cutover.run(bed.context(), src, rep, Cutover.Options.defaults());
            assertTrue(r.sourceWasReadOnly());
            assertTrue(bed.messages.stream().anyMatch(m -> m.startsWith("warn: cutover: the source is read-only already")), bed.messages.toString());
            seen = Cutover.observe(src, rep);
            assertTrue(seen.sourceReadOnly() && !seen.replicaAttached(), seen.toString());
            assertTrue(seen.describe().contains("complete"), seen.describe());
        }
        assertTrue(TestBed.replicaStatus().isEmpty());
        try (Connection s = TestBed.sourceRoot(); Connection p = TestBed.replicaRoot()) {
            assertEquals(CutoverBed.one(s, "SELECT COUNT(*) FROM `" + db + "`.t"), CutoverBed.one(p, "SELECT COUNT(*) FROM `" + db + "`.t"));
        }
    }

    @Test
    void aFailedRerunOfAnInterruptedCutoverSaysTheSourceStaysFenced() throws Exception {
        try (Session src = CutoverBed.sourceSession(); Session rep = CutoverBed.replicaSession()) {
            assertThrows(Killed.class, () -> Cutover.run(bed.context(), src, rep, Cutover.Options.defaults(), step -> {
                if (step == Cutover.Step.FINAL_APPLY) throw new Killed();
            }));
            CutoverFailed e = assertThrows(CutoverFailed.class, () -> Cutover.run(bed.context(), src, rep, Cutover.Options.defaults(), step -> {
                if (step == Cutover.Step.FINAL_APPLY) stopSqlThread();
            }));
            assertTrue(e.sourceFenced());
            assertTrue(e.getMessage().contains("STAYS READ-ONLY"), e.getMessage());
        }
        try (Connection c = TestBed.sourceRoot()) {
            assertEquals("1", CutoverBed.one(c, "SELECT @@GLOBAL.read_only"));
        }
    }

    @Test
    void aReplicaThatDoesNotReplicateIsRefusedBeforeAnyFence() throws Exception {
        stopSqlThread();
        CutoverFailed e;
        try (Session src = CutoverBed.sourceSession(); Session rep = CutoverBed.replicaSession()) {
            e = assertThrows(CutoverFailed.class, () -> Cutover.run(bed.context(), src, rep, Cutover.Options.defaults()));
        }
        assertEquals(Cutover.Step.CHECK, e.step());
        assertTrue(e.getMessage().contains("was not fenced"), e.getMessage());
        assertFalse(bed.messages.stream().anyMatch(m -> m.contains("fencing")), bed.messages.toString());
        assertSourceWritable();
    }

    @Test
    void badOptionsAreRefusedByNameWithoutTouchingAServer() {
        var o = new Cutover.Options(0, 1, 60, 10, List.of(""), List.of("nodot"));
        var e = assertThrows(ProviderException.InvalidInput.class, () -> Cutover.run(bed.context(), null, null, o));
        String m = e.failures().toString();
        assertTrue(m.contains("catchUpTimeoutSeconds") && m.contains("endSessionsOf[0]") && m.contains("checksumTables[0]"), m);
    }

    void stopSqlThread() {
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, TestBed.replicaIsMysql() ? "STOP REPLICA SQL_THREAD" : "STOP SLAVE SQL_THREAD");
        } catch (SQLException ex) {
            throw new IllegalStateException(ex);
        }
    }

    void assertSourceWritable() throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            assertEquals("0", CutoverBed.one(c, "SELECT @@GLOBAL.read_only"));
            if (TestBed.sourceIsMysql()) assertEquals("0", CutoverBed.one(c, "SELECT @@GLOBAL.super_read_only"));
        }
        try (Connection c = TestBed.connect(TestBed.sourcePort(), app, appPassword)) {
            TestBed.exec(c, "INSERT INTO `" + db + "`.t (id, side) VALUES (-3, 'after')");
        }
    }

    static String gtid(Connection source) throws SQLException {
        return CutoverBed.one(source, TestBed.sourceIsMysql() ? "SELECT @@GLOBAL.gtid_executed" : "SELECT @@GLOBAL.gtid_binlog_pos")
                .replace("\n", "");
    }

    Set<Long> ids(boolean replica, String side) throws SQLException {
        Set<Long> out = new HashSet<>();
        try (Connection c = replica ? TestBed.replicaRoot() : TestBed.sourceRoot()) {
            for (Map<String, String> r : TestBed.query(c, "SELECT id FROM `" + db + "`.t WHERE side = '" + side + "'")) {
                out.add(Long.parseLong(r.get("id")));
            }
        }
        return out;
    }
}
