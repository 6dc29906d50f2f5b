package io.rdsreplication.provider.resources.replicationstart;

import io.rdsreplication.provider.core.Changes;
import io.rdsreplication.provider.core.Check;
import io.rdsreplication.provider.core.DiffResult;
import io.rdsreplication.provider.core.Inputs;
import io.rdsreplication.provider.core.Prop;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.SchemaType;
import io.rdsreplication.provider.core.TypedResource;
import io.rdsreplication.provider.mysql.ReplicaStatus;
import io.rdsreplication.provider.mysql.Replication;
import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.mysql.SqlErrors;
import io.rdsreplication.provider.mysql.Validation;
import io.rdsreplication.provider.resources.Context;
import io.rdsreplication.provider.resources.externalmaster.ExternalMasterResource;
import io.rdsreplication.provider.resources.externalmaster.Procedures;
import io.rdsreplication.provider.resources.types.Connection;

/** rdsreplication:index:ReplicationStart — starts replication and proves it runs. */
@SchemaType(token = ReplicationStartResource.TOKEN, description = "Starts replication on the RDS instance (runbook step 9) with `mysql.rds_start_replication` and confirms that it runs. Read shows a stopped or half-running replica as drift; `pulumi up` repairs it the way RDS allows (a half-running replica is stopped first, then started). A refusal of RDS is reported as RDS says it, with what to do. Delete calls `rds_stop_replication` unless replication is already stopped. Outputs which source binlogs have been applied, so you know which ones the source may purge (the runbook's second guideline). Import id: the replica's `host:port`.")
public final class ReplicationStartResource extends TypedResource<Context, ReplicationStartResource.Args, ReplicationStartResource.State> {
    public static final String TOKEN = "rdsreplication:index:ReplicationStart";
    static final long STABLE_NANOS = 1_500_000_000L;

    public record Args(
            @Prop("Connection to the Amazon RDS instance, as its master user. Defaults to the provider's `replica` configuration. Another host or port is another instance and replaces; new credentials do not.")
            Connection replica,
            @Prop(value = "The `id` of the ExternalMaster this starts. A new ExternalMaster (new starting position) replaces this resource, so replication starts again.", required = true, replaces = true,
                    hint = ": the id of the ExternalMaster resource")
            String externalMasterId,
            @Prop(value = "Stop replication when it reaches this source binlog file (`rds_start_replication_until`; RDS for MySQL only). RDS refuses it on a multi-threaded replica (`replica_parallel_workers` > 1, MySQL's default since 8.0.27): set it to 0 or 1 in the DB parameter group; the provider checks this before calling anything.", replaces = true)
            String untilBinlogFile,
            @Prop(value = "Position in `untilBinlogFile`.", replaces = true, min = 4)
            Long untilBinlogPosition,
            @Prop(value = "Stop replication after this GTID set (`rds_start_replication_until_gtid`; RDS for MySQL only, single-threaded replica as for `untilBinlogFile`).", replaces = true)
            String untilGtid,
            @Prop(value = "Wait until both replication threads run, and fail with a diagnosis (wrong password, unreachable source, purged binlog, equal server ids) when they do not. Defaults to true. Shapes the waits only: a change updates nothing on the server.", defaultValue = "true", customDiff = true)
            Boolean waitForRunning,
            @Prop(value = "Also wait until the replica is at most this many seconds behind the source, reporting progress. Shapes the waits only.", customDiff = true, min = 0, max = 86400)
            Integer maxLagSeconds,
            @Prop(value = "Upper bound on the waits, in seconds. Defaults to 300. Shapes the waits only.", defaultValue = "300", customDiff = true, min = 1, max = 86400)
            Integer timeoutSeconds) {
        boolean until() {
            return untilBinlogFile != null || untilGtid != null;
        }
    }

    public record State(
            @Inputs Args inputs,
            @Prop(value = "Whether the replica's I/O thread is connected to the source (`Slave_IO_Running`/`Replica_IO_Running` is `Yes`).", always = true)
            Boolean ioRunning,
            @Prop(value = "Whether the replica's SQL (applier) thread is running.", always = true)
            Boolean sqlRunning,
            @Prop("`Seconds_Behind_Master`/`Seconds_Behind_Source`; absent while a thread is stopped.")
            Integer secondsBehindSource,
            @Prop(value = "The last I/O thread error reported by the replica, empty when none.", always = true)
            String lastIoError,
            @Prop(value = "The last SQL thread error reported by the replica, empty when none.", always = true)
            String lastSqlError,
            @Prop("The source binlog file whose events the replica has applied up to (`Relay_Master_Log_File`). Binlogs on the source older than this one are no longer needed by this replica and may be purged.")
            String appliedSourceLogFile,
            @Prop("Position in `appliedSourceLogFile` up to which events have been applied (`Exec_Master_Log_Pos`).")
            Long appliedSourceLogPosition) {
        static State of(Args in, ReplicaStatus st) {
            return new State(in, st.ioRunning(), st.sqlRunning(), st.secondsBehind(), st.lastIoError(), st.lastSqlError(),
                    st.appliedFile(), st.appliedPosition());
        }
    }

    public ReplicationStartResource() {
        super(Args.class, State.class, false);
    }

    @Override
    protected void check(Check<Args> c) {
        Args in = c.news();
        Connection.check(c, Args::replica);
        boolean file = c.given(Args::untilBinlogFile) || c.given(Args::untilBinlogPosition);
        if (file && c.given(Args::untilGtid)) c.fail(Args::untilGtid, "give untilBinlogFile/untilBinlogPosition or untilGtid, not both");
        if (file) {
            if (!c.given(Args::untilBinlogFile) || !c.given(Args::untilBinlogPosition)) {
                if (c.given(Args::untilBinlogFile)) c.fail(Args::untilBinlogPosition, "untilBinlogFile and untilBinlogPosition go together");
                else c.fail(Args::untilBinlogFile, "untilBinlogFile and untilBinlogPosition go together");
            } else if (in.untilBinlogFile() != null && !Validation.isBinlogFile(in.untilBinlogFile())) {
                c.fail(Args::untilBinlogFile, "must be a binlog file name like mysql-bin.000031");
            }
        }
        if (in.untilGtid() != null && !Validation.isGtid(in.untilGtid())) {
            c.fail(Args::untilGtid, "must be a GTID like 3E11FA47-71CA-11E1-9E33-C80AA9429562:23");
        }
    }

    @Override
    protected void diff(Changes<Args, State> d) {
        // waitForRunning, maxLagSeconds and timeoutSeconds only shape the waits of create/update: not compared
        Args news = d.news();
        if (!news.until() && !Boolean.FALSE.equals(news.waitForRunning()) && !d.unknown(Args::waitForRunning)) {
            // drift: a stopped or broken replica is repaired by starting it again
            if (Boolean.FALSE.equals(d.olds().ioRunning())) d.putOutput(State::ioRunning, DiffResult.Kind.UPDATE);
            if (Boolean.FALSE.equals(d.olds().sqlRunning())) d.putOutput(State::sqlRunning, DiffResult.Kind.UPDATE);
        }
    }

    @Override
    protected Created<State> create(Context ctx, Args in, boolean preview) {
        if (preview) return new Created<>("", new State(in, null, null, null, null, null, null, null));
        try (Session s = ctx.open(in.replica(), "replica")) {
            String id = s.spec().address();
            return new Created<>(id, State.of(in, start(ctx, s, in)));
        } catch (Failed e) {
            throw initFailed(e.id, State.of(in, e.status), e.getMessage(), e);
        }
    }

    private static final class Failed extends ProviderException.Precondition {
        final String id;
        final ReplicaStatus status;

        Failed(String id, ReplicaStatus status, String message) {
            super(message);
            this.id = id;
            this.status = status;
        }
    }

    /**
     * Starts replication the way RDS allows and waits as asked; a replica that does not run raises {@link Failed}
     * with a diagnosis. A half-running replica (RDS's BROKEN: one thread stopped or failed, or the I/O thread
     * still connecting) is stopped first: rds_start_replication refuses it otherwise.
     */
    private static ReplicaStatus start(Context ctx, Session s, Args in) {
        String id = s.spec().address();
        ReplicaStatus st = Replication.status(s);
        if (!st.configured()) {
            throw new ProviderException.Precondition("replication is not configured on " + id
                    + ": the ExternalMaster resource must exist first (run pulumi refresh if it was reset by hand)");
        }
        boolean until = in.until();
        Procedures.Call call = new Procedures.Call("mysql.rds_start_replication");
        if (until) {
            call = Procedures.startUntil(ExternalMasterResource.engine(s), in.untilBinlogFile(),
                    in.untilBinlogPosition(), in.untilGtid());
            int workers = Replication.parallelWorkers(s);
            if (workers > 1) {
                throw new ProviderException.InvalidInput(in.untilGtid() != null ? "untilGtid" : "untilBinlogFile",
                        "RDS refuses to replicate until a position on a multi-threaded replica, and this one has replica_parallel_workers = "
                                + workers + " (MySQL's default since 8.0.27): set replica_parallel_workers to 0 or 1 in the instance's DB "
                                + "parameter group, or remove the until inputs; nothing was changed");
            }
        }
        if (st.state() == ReplicaStatus.State.ON && !until) return st;
        if (st.state() != ReplicaStatus.State.OFF) {
            ctx.progress().warn("replication on " + id + " was " + (st.state() == ReplicaStatus.State.ON ? "running" : "half-running")
                    + " (I/O: " + st.ioState() + ", SQL: " + (st.sqlRunning() ? "Yes" : "No") + "): stopping it to start it again"
                    + (st.lastSqlErrno() != 0 ? "; the last SQL error was " + st.lastSqlErrno() : ""));
            Replication.stop(s);
        }
        try {
            s.call(call.procedure(), call.args().toArray());
        } catch (SqlErrors.SqlFailure e) {
            if (!Replication.isRefusal(e)) throw e;
            switch (Replication.Refusal.of(e)) {
                case START_FAILED, RUNNING -> {
                    // RDS's "Slave has encountered an error": the status says which; a race with another start: wait
                }
                case NOT_CONFIGURED -> throw new ProviderException.Precondition("replication is not configured on " + id
                        + " (" + e.getMessage() + "): the ExternalMaster resource must exist first; run pulumi refresh, then pulumi up");
                case MULTI_THREADED -> throw new ProviderException.InvalidInput(in.untilGtid() != null ? "untilGtid" : "untilBinlogFile",
                        "RDS refuses to replicate until a position on a multi-threaded replica (" + e.getMessage()
                                + "): set replica_parallel_workers to 0 or 1 in the DB parameter group");
                default -> throw new ProviderException.Precondition("the RDS instance at " + id + " refused " + call.name() + ": "
                        + e.getMessage());
            }
        }
        if (Boolean.FALSE.equals(in.waitForRunning())) return Replication.status(s);
        long deadline = System.nanoTime() + (in.timeoutSeconds() == null ? 300 : in.timeoutSeconds()) * 1_000_000_000L;
        long settle = System.nanoTime() + 3_000_000_000L;
        long runningSince = 0;
        while (true) {
            st = Replication.status(s);
            // both threads must stay up for a moment: the I/O thread shows Yes before the source has
            // accepted the binlog request (a purged binlog fails only then)
            if (st.running() && st.lastIoErrno() == 0 && st.lastSqlErrno() == 0) {
                if (runningSince == 0) runningSince = System.nanoTime();
                if (System.nanoTime() - runningSince > STABLE_NANOS) break;
                ctx.sleep(100);
                continue;
            }
            runningSince = 0;
            if (until && st.ioRunning() && !st.sqlRunning() && st.lastSqlErrno() == 0 && st.lastIoErrno() == 0
                    && System.nanoTime() > settle) {
                break; // the SQL thread stopped where it was told to
            }
            boolean failed = st.lastIoErrno() != 0 || st.lastSqlErrno() != 0 || !st.sqlRunning() && !until
                    && System.nanoTime() > settle;
            if (failed || System.nanoTime() > deadline) {
                throw new Failed(id, st, "replication on " + id + " does not run: " + Diagnosis.of(st));
            }
            ctx.progress().status("waiting for replication threads (I/O: " + st.ioState() + ", SQL: " + (st.sqlRunning() ? "Yes" : "No") + ")");
            ctx.sleep(250);
        }
        Integer max = in.maxLagSeconds();
        if (max != null) {
            while (st.secondsBehind() == null || st.secondsBehind() > max) {
                if (!st.running()) throw new Failed(id, st, "replication on " + id + " stopped while catching up: " + Diagnosis.of(st));
                if (System.nanoTime() > deadline) {
                    throw new Failed(id, st, "replication on " + id + " runs but is still " + st.secondsBehind()
                            + " s behind the source after timeoutSeconds; raise timeoutSeconds or maxLagSeconds");
                }
                ctx.progress().status("catching up: " + st.secondsBehind() + " s behind the source (target " + max + " s), applied "
                        + st.appliedFile() + ":" + st.appliedPosition());
                ctx.sleep(1000);
                st = Replication.status(s);
            }
        }
        ctx.progress().info("replication running, " + st.secondsBehind() + " s behind, applied up to " + st.appliedFile()
                + ":" + st.appliedPosition());
        return st;
    }

    @Override
    protected State read(Context ctx, String id, State state, Args inputs) {
        Args known = inputs != null && inputs.replica() != null ? inputs : state.inputs();
        try (Session s = ctx.open(known.replica(), "replica")) {
            ReplicaStatus st = Replication.status(s);
            if (!st.configured()) return null;
            Args given = inputs != null ? inputs : state.inputs();
            String em = given.externalMasterId() != null ? given.externalMasterId() : id;
            Args now = new Args(given.replica(), em, given.untilBinlogFile(), given.untilBinlogPosition(), given.untilGtid(),
                    given.waitForRunning() == null ? Boolean.TRUE : given.waitForRunning(), given.maxLagSeconds(),
                    given.timeoutSeconds() == null ? 300 : given.timeoutSeconds());
            return State.of(now, st);
        }
    }

    @Override
    protected State update(Context ctx, String id, State olds, Args news, boolean preview) {
        if (preview) return new State(news, null, null, null, null, null, null, null);
        try (Session s = ctx.open(news.replica(), "replica")) {
            ReplicaStatus st = Replication.status(s);
            if (!st.running() && !(news.until() && st.ioRunning() && st.lastSqlErrno() == 0)) st = start(ctx, s, news);
            return State.of(news, st);
        } catch (Failed e) {
            throw new ProviderException.Precondition(e.getMessage());
        }
    }

    @Override
    protected void delete(Context ctx, String id, State state) {
        try (Session s = ctx.open(state.inputs().replica(), "replica")) {
            // stopping twice, or a replica stopped by hand, is not an error
            Replication.stop(s);
        }
    }
}
