package io.rdsreplication.provider.cutover;

import io.rdsreplication.provider.core.CheckFailure;
import io.rdsreplication.provider.resources.Context;
import io.rdsreplication.provider.core.PausePoint;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.mysql.Binlog;
import io.rdsreplication.provider.mysql.Channel;
import io.rdsreplication.provider.mysql.ReplicaStatus;
import io.rdsreplication.provider.mysql.Replication;
import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.resources.externalmaster.Procedures;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The switch from the external source to the RDS instance: wait until the replica has caught up, fence writes on
 * the source, read the source's final coordinates, wait until the replica has applied exactly those, optionally
 * compare table checksums, then stop replication and reset the external source on the RDS instance.
 *
 * <p>Until the replica is detached every failure (and Cancel) lowers the fence again, restoring the values found,
 * and the error ({@link CutoverFailed}) names the step. After a successful cutover the source stays fenced: the
 * application now writes to RDS.
 */
public final class Cutover {
    private Cutover() {
    }

    /** The steps, in order; {@link Observer#reached} is called as each begins. */
    public enum Step {
        CHECK("checking that the replica replicates from this source"),
        CATCH_UP("waiting for the replica to catch up"),
        FENCE("fencing writes on the source"),
        END_SESSIONS("ending the sessions of the named accounts"),
        FINAL_POSITION("reading the source's final coordinates"),
        FINAL_APPLY("waiting for the replica to apply the source's final coordinates"),
        CHECKSUM("comparing table checksums"),
        DETACH("stopping replication and resetting the external source on the replica");

        private final String what;

        Step(String what) {
            this.what = what;
        }

        public String what() {
            return what;
        }
    }

    /** Told as each step begins (tests inject faults here; DETACH begins the moment RDS may take writes). */
    public interface Observer {
        void reached(Step step);

        Observer NONE = step -> { };
    }

    /**
     * @param catchUpTimeoutSeconds bound on the wait before the fence (the replica applies within
     *                              {@code maxLagMillis} of the source)
     * @param maxLagMillis          how close the replica must follow before the fence goes up: it applied, within this
     *                              many ms, what the source had written when the wait began (the downtime's floor)
     * @param finalApplyTimeoutSeconds bound on the wait behind the fence (the write downtime's ceiling)
     * @param fenceLockWaitSeconds  bound on SET GLOBAL read_only waiting behind running statements
     * @param endSessionsOf         account user names whose sessions end once fenced (open transactions roll back)
     * @param checksumTables        {@code db.table} names compared with CHECKSUM TABLE on both sides
     */
    public record Options(int catchUpTimeoutSeconds, int maxLagMillis, int finalApplyTimeoutSeconds,
                          int fenceLockWaitSeconds, List<String> endSessionsOf, List<String> checksumTables) {
        public Options {
            endSessionsOf = endSessionsOf == null ? List.of() : List.copyOf(endSessionsOf);
            checksumTables = checksumTables == null ? List.of() : List.copyOf(checksumTables);
        }

        public static Options defaults() {
            return new Options(600, 200, 60, 10, List.of(), List.of());
        }

        public Options withEndSessionsOf(List<String> users) {
            return new Options(catchUpTimeoutSeconds, maxLagMillis, finalApplyTimeoutSeconds, fenceLockWaitSeconds, users, checksumTables);
        }

        public Options withChecksumTables(List<String> tables) {
            return new Options(catchUpTimeoutSeconds, maxLagMillis, finalApplyTimeoutSeconds, fenceLockWaitSeconds, endSessionsOf, tables);
        }

        public Options withFinalApplyTimeoutSeconds(int s) {
            return new Options(catchUpTimeoutSeconds, maxLagMillis, s, fenceLockWaitSeconds, endSessionsOf, checksumTables);
        }

        /** Every bad field, named as the resource will name it; empty when all is well. */
        public List<CheckFailure> validate() {
            List<CheckFailure> out = new ArrayList<>();
            range(out, "catchUpTimeoutSeconds", catchUpTimeoutSeconds, 1, 86400);
            range(out, "maxLagMillis", maxLagMillis, 10, 3_600_000);
            range(out, "finalApplyTimeoutSeconds", finalApplyTimeoutSeconds, 1, 86400);
            range(out, "fenceLockWaitSeconds", fenceLockWaitSeconds, 1, 3600);
            for (int i = 0; i < endSessionsOf.size(); i++) {
                String u = endSessionsOf.get(i);
                if (u == null || u.isEmpty() || u.length() > 80 || u.indexOf('\0') >= 0) {
                    out.add(new CheckFailure("endSessionsOf[" + i + "]", "must be an account's user name (1 to 80 characters)"));
                }
            }
            for (int i = 0; i < checksumTables.size(); i++) {
                if (TableName.parse(checksumTables.get(i)) == null) {
                    out.add(new CheckFailure("checksumTables[" + i + "]", "must be a table as database.table, got "
                            + io.rdsreplication.provider.mysql.Validation.show(String.valueOf(checksumTables.get(i)))));
                }
            }
            return out;
        }

        private static void range(List<CheckFailure> out, String name, int v, int min, int max) {
            if (v < min || v > max) out.add(new CheckFailure(name, "must be between " + min + " and " + max + ", got " + v));
        }
    }

    /**
     * What a completed cutover reports.
     *
     * @param sourceFinal    the source's binlog coordinates after the fence: the replica applied exactly these
     * @param sourceGtid     the source's GTID state then (MySQL gtid_executed, MariaDB gtid_binlog_pos)
     * @param replicaAtCutover the RDS instance's own binlog coordinates once caught up, before any write to it
     *                       (where a way back starts replicating from); null when it writes no binlog
     * @param replicaGtid    the RDS instance's GTID state then ("" when none)
     * @param downtimeMillis write downtime: fence raised → replica applied the final coordinates
     * @param sessionsEnded  sessions of {@code endSessionsOf} ended after the fence
     * @param checksums      one entry per compared table (all equal, or the cutover would have failed)
     * @param sourceWasReadOnly whether the source was read-only already before the cutover
     */
    public record Result(Binlog.Coordinates sourceFinal, String sourceGtid, Binlog.Coordinates replicaAtCutover,
                         String replicaGtid, long downtimeMillis, Instant fencedAt, Instant caughtUpAt,
                         Instant detachedAt, int sessionsEnded, List<Checksums.TableChecksum> checksums,
                         boolean sourceWasReadOnly) {
    }

    /**
     * Both sides as they are now, for a refresh after an interrupted cutover (the provider killed behind the fence
     * leaves the source read-only with nobody to lower it).
     */
    public record Observed(boolean sourceReadOnly, boolean replicaAttached, ReplicaStatus.State replicaState,
                           Binlog.Coordinates sourceEnd, Binlog.Coordinates replicaApplied) {
        /** What the state means for the user, in one sentence. */
        public String describe() {
            if (sourceReadOnly && replicaAttached) {
                return "the source is read-only and the RDS instance still replicates from it (at " + replicaApplied + " of "
                        + sourceEnd + "): a cutover stopped behind the fence; run it again to finish, or lower the fence "
                        + "(SET GLOBAL read_only = OFF) to go back";
            }
            if (sourceReadOnly) return "the source is read-only and the RDS instance replicates no more: the cutover is complete";
            if (replicaAttached) return "the source takes writes and the RDS instance replicates from it: no cutover has happened";
            return "the source takes writes and the RDS instance replicates no more: replication was removed without a cutover";
        }
    }

    public static Observed observe(Session source, Session replica) {
        Fence f = Fence.of(source);
        ReplicaStatus st = Replication.status(replica);
        Binlog.Coordinates applied = st.configured()
                ? new Binlog.Coordinates(st.appliedFile(), st.appliedPosition() == null ? 0 : st.appliedPosition()) : null;
        return new Observed(f.wasReadOnly(), st.configured(), st.state(), Binlog.current(source, "source"), applied);
    }

    /** Runs the cutover; {@code source} needs SUPER (or SYSTEM_VARIABLES_ADMIN, CONNECTION_ADMIN), {@code replica} is the master user. */
    public static Result run(Context ctx, Session source, Session replica, Options options) {
        return run(ctx, source, replica, options, Observer.NONE);
    }

    public static Result run(Context ctx, Session source, Session replica, Options options, Observer observer) {
        List<CheckFailure> bad = options.validate();
        if (!bad.isEmpty()) throw new ProviderException.InvalidInput(bad);
        return new Run(ctx, source, replica, options, observer).go();
    }

    /** One cutover in progress: the step it is at and the fence it holds. */
    private static final class Run {
        private final Context ctx;
        private final Session source;
        private final Session replica;
        private final Options o;
        private final Observer observer;
        private Step step = Step.CHECK;
        private Fence fence;

        Run(Context ctx, Session source, Session replica, Options o, Observer observer) {
            this.ctx = ctx;
            this.source = source;
            this.replica = replica;
            this.o = o;
            this.observer = observer;
        }

        private void enter(Step s) {
            ctx.checkCancelled();
            step = s;
            ctx.progress().status("cutover: " + s.what());
            observer.reached(s);
            PausePoint.reached("cutover." + s.name());
        }

        Result go() {
            try {
                return steps();
            } catch (CutoverFailed e) {
                throw e;
            } catch (RuntimeException e) {
                throw failed(e);
            }
        }

        private Result steps() {
            enter(Step.CHECK);
            fence = Fence.of(source);
            Binlog.Coordinates sourceNow = Binlog.current(source, "source");
            ReplicaStatus st = replicating(Replication.status(replica));
            if (!Binlog.seriesOf(st.appliedFile()).equals(sourceNow.series())) {
                throw new ProviderException.Precondition("the replica applies binlog " + st.appliedFile() + " from "
                        + st.sourceHost() + ":" + st.sourcePort() + ", but this source writes " + sourceNow.file()
                        + ": it does not replicate from this source");
            }
            if (Fence.isOn(replica.queryString("SELECT @@GLOBAL.read_only"))) {
                ctx.progress().warn("cutover: the RDS instance is read-only (read_only in its parameter group): the application "
                        + "will not be able to write to it after the cutover");
            }
            if (fence.wasReadOnly()) ctx.progress().warn("cutover: the source is read-only already (read_only = " + fence.readOnlyBefore() + ")");

            enter(Step.CATCH_UP);
            catchUp();

            enter(Step.FENCE);
            long fencedNanos = System.nanoTime();
            Instant fencedAt = Instant.now();
            fence.raise(o.fenceLockWaitSeconds());

            int ended = 0;
            if (!o.endSessionsOf().isEmpty()) {
                enter(Step.END_SESSIONS);
                ended = fence.endSessions(o.endSessionsOf());
            }

            enter(Step.FINAL_POSITION);
            Binlog.Coordinates fin = Binlog.current(source, "source");
            String sourceGtid = Binlog.gtid(source);

            enter(Step.FINAL_APPLY);
            awaitApplied(fin, o.finalApplyTimeoutSeconds() * 1000L, true);
            long downtime = (System.nanoTime() - fencedNanos) / 1_000_000L;
            Instant caughtUpAt = Instant.now();
            // a transaction behind the fence, not any event: MariaDB writes a binlog checkpoint event some time after
            // a rotation, which moves the position but carries no data
            Binlog.Coordinates after = Binlog.current(source, "source");
            String gtidAfter = sourceGtid.isEmpty() ? "" : Binlog.gtid(source);
            if (sourceGtid.isEmpty() ? !after.equals(fin) : !gtidAfter.equals(sourceGtid)) {
                throw new ProviderException.Precondition("the source's binlog moved from " + fin + " to " + after
                        + (sourceGtid.isEmpty() ? "" : " (GTIDs " + sourceGtid + " to " + gtidAfter + ")")
                        + " behind the fence: an account exempt from read_only (SUPER, READ_ONLY ADMIN) wrote; name it in "
                        + "endSessionsOf or stop it");
            }
            ctx.progress().info("cutover: the replica applied the source's final coordinates " + fin + " "
                    + downtime + " ms after the fence");
            Binlog.Coordinates replicaAt = replicaCoordinates();
            String replicaGtid = replicaAt == null ? "" : Binlog.gtid(replica);

            List<Checksums.TableChecksum> sums = List.of();
            if (!o.checksumTables().isEmpty()) {
                enter(Step.CHECKSUM);
                sums = Checksums.compare(source, replica, o.checksumTables());
                List<String> differ = new ArrayList<>();
                for (var c : sums) if (!c.equal()) differ.add(c.table() + " (source " + c.source() + ", replica " + c.replica() + ")");
                if (!differ.isEmpty()) {
                    throw new ProviderException.Precondition("CHECKSUM TABLE differs between source and replica for " + String.join(", ", differ));
                }
            }

            enter(Step.DETACH);
            Replication.stop(replica);
            replica.call(Procedures.reset(new Procedures.Engine(replica.server(), Replication.procedures(replica))));
            ReplicaStatus gone = Replication.status(replica);
            if (gone.configured()) {
                throw new ProviderException.Precondition("the replica still shows replication from " + gone.sourceHost()
                        + " after the reset");
            }
            Instant detachedAt = Instant.now();
            PausePoint.reached("cutover.DETACHED");
            ctx.progress().info("cutover: done; the RDS instance no longer replicates and the source stays read-only");
            return new Result(fin, sourceGtid, replicaAt, replicaGtid, downtime, fencedAt, caughtUpAt, detachedAt, ended,
                    sums, fence.wasReadOnly());
        }

        /** Waits until the replica applies within maxLagMillis of the source, bounded by catchUpTimeoutSeconds. */
        private void catchUp() {
            long end = System.nanoTime() + o.catchUpTimeoutSeconds() * 1_000_000_000L;
            while (true) {
                Binlog.Coordinates target = Binlog.current(source, "source");
                long started = System.nanoTime();
                long left = (end - started) / 1_000_000L;
                if (left <= 0) {
                    throw new ProviderException.Precondition("the replica did not come within " + o.maxLagMillis()
                            + " ms of the source in " + o.catchUpTimeoutSeconds() + " s (catchUpTimeoutSeconds); nothing was fenced");
                }
                awaitApplied(target, left, false);
                long took = (System.nanoTime() - started) / 1_000_000L;
                if (took <= o.maxLagMillis()) return;
                ctx.progress().status("cutover: the replica is about " + took + " ms behind; waiting for it to come within " + o.maxLagMillis() + " ms");
            }
        }

        /** Polls until the replica has applied {@code target}; fails when replication breaks or time runs out. */
        private void awaitApplied(Binlog.Coordinates target, long millis, boolean fenced) {
            long start = System.nanoTime();
            long end = start + millis * 1_000_000L;
            long nextReport = start + 1_000_000_000L;
            while (true) {
                Applied a = applied();
                Binlog.Coordinates applied = a.executed();
                if (applied.atLeast(target)) return;
                if (a.read().atLeast(target) && a.retrievedGtids() != null && gtidSubset(a.retrievedGtids())) return;
                long now = System.nanoTime();
                if (now >= end) {
                    throw new ProviderException.Precondition("the replica applied " + applied + " but not " + target + " within "
                            + millis / 1000 + " s (" + (fenced ? "finalApplyTimeoutSeconds" : "catchUpTimeoutSeconds") + ")");
                }
                if (now >= nextReport) {
                    ctx.progress().status("cutover: the replica applied " + applied + " of " + target
                            + (fenced ? " (writes fenced for " + (now - start) / 1_000_000_000L + " s)" : ""));
                    nextReport = now + 1_000_000_000L;
                }
                ctx.sleep(fenced ? 5 : 20);
            }
        }

        /**
         * The replica's progress. On MySQL a multi-threaded applier moves Exec_Source_Log_Pos only at checkpoints
         * (replica_checkpoint_period, 300 ms by default), so with GTIDs the replica has applied up to what its
         * receiver read once every GTID received is in gtid_executed, which is exact at commit.
         */
        private record Applied(Binlog.Coordinates executed, Binlog.Coordinates read, String retrievedGtids) {
        }

        private Applied applied() {
            ReplicaStatus st;
            String retrieved = null;
            if (replica.server().isMysql()) {
                var rows = Replication.mysqlStatusRows(replica);
                st = ReplicaStatus.fromRows(rows);
                for (var row : rows) { // the default channel's row: other channels may replicate from other sources
                    if (!Channel.DEFAULT.names(row.getOrDefault("Channel_Name", ""))) continue;
                    String r = row.get("Retrieved_Gtid_Set");
                    if (r != null && !r.isBlank()) retrieved = r.replace("\n", "");
                }
            } else {
                st = Replication.status(replica);
            }
            replicating(st);
            return new Applied(new Binlog.Coordinates(st.appliedFile(), st.appliedPosition() == null ? 0 : st.appliedPosition()),
                    new Binlog.Coordinates(st.readFile(), st.readPosition() == null ? 0 : st.readPosition()), retrieved);
        }

        private boolean gtidSubset(String gtids) {
            return "1".equals(replica.queryString("SELECT GTID_SUBSET(?, @@GLOBAL.gtid_executed)", gtids));
        }

        private ReplicaStatus replicating(ReplicaStatus st) {
            if (st.state() == ReplicaStatus.State.ON) return st;
            String why = st.state() == ReplicaStatus.State.NOT_EXIST ? "no replication is configured"
                    : "replication is " + st.state() + " (I/O " + st.ioState() + ", SQL " + (st.sqlRunning() ? "Yes" : "No")
                    + (st.lastSqlErrno() != 0 ? ", SQL error " + st.lastSqlErrno() + ": " + replica.redact(st.lastSqlError()) : "")
                    + (st.lastIoErrno() != 0 ? ", I/O error " + st.lastIoErrno() + ": " + replica.redact(st.lastIoError()) : "") + ")";
            throw new ProviderException.Precondition("the replica does not replicate: " + why);
        }

        /** The RDS instance's own binlog end, or null when it writes none. */
        private Binlog.Coordinates replicaCoordinates() {
            try {
                return Binlog.current(replica, "replica");
            } catch (ProviderException.Precondition e) {
                ctx.progress().warn("cutover: the RDS instance writes no binary log (backups off?); no coordinates for a way back");
                return null;
            }
        }

        /** Lowers the fence (if raised) and says where the cutover stopped, and in what state it left both sides. */
        private CutoverFailed failed(RuntimeException cause) {
            String msg = "cutover stopped at step " + step + " (" + step.what() + "): " + cause.getMessage();
            boolean stillFenced = false;
            if (fence != null && fence.raised()) {
                try {
                    fence.restore();
                    msg += fence.wasReadOnly()
                            ? ". THE SOURCE STAYS READ-ONLY, as it was when this cutover began (an earlier one interrupted behind "
                              + "the fence?): run the cutover again to finish, or lower the fence by hand: SET GLOBAL read_only = OFF"
                            : ". The source was un-fenced (" + fence.restoreStatement() + ")";
                    stillFenced = fence.wasReadOnly();
                } catch (RuntimeException e) {
                    stillFenced = true;
                    msg += ". THE SOURCE IS STILL READ-ONLY: un-fencing failed (" + e.getMessage() + "); lower the fence by hand: "
                            + fence.restoreStatement();
                }
            } else {
                msg += ". The source was not fenced";
            }
            msg += step == Step.DETACH ? "; replication on the RDS instance may be stopped: start it again with mysql.rds_start_replication"
                    : "; replication on the RDS instance was left as it was";
            ctx.progress().warn(msg);
            return new CutoverFailed(step, stillFenced, msg, cause);
        }
    }
}
