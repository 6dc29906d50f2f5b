package io.rdsreplication.provider.resources.replicationstart;

import io.rdsreplication.provider.aws.Instances;
import io.rdsreplication.provider.core.Changes;
import io.rdsreplication.provider.core.Check;
import io.rdsreplication.provider.core.DiffResult;
import io.rdsreplication.provider.core.Inputs;
import io.rdsreplication.provider.core.Prop;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.SchemaType;
import io.rdsreplication.provider.core.TypedResource;
import io.rdsreplication.provider.mysql.BinlogRetention;
import io.rdsreplication.provider.mysql.Channel;
import io.rdsreplication.provider.mysql.ConnectionSpec;
import io.rdsreplication.provider.mysql.ReplicaStatus;
import io.rdsreplication.provider.mysql.Replication;
import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.mysql.SqlErrors;
import io.rdsreplication.provider.mysql.Validation;
import io.rdsreplication.provider.resources.Context;
import io.rdsreplication.provider.resources.externalmaster.ExternalMasterResource;
import io.rdsreplication.provider.resources.externalmaster.Procedures;
import io.rdsreplication.provider.resources.types.Connection;

import java.util.List;

/** rdsreplication:index:ReplicationStart — starts replication and proves it runs. */
@SchemaType(token = ReplicationStartResource.TOKEN, description = "Starts replication on the RDS instance (runbook step 9) with `mysql.rds_start_replication` and confirms that it runs. Read shows a stopped or half-running replica as drift; `pulumi up` repairs it the way RDS allows (a half-running replica is stopped first, then started). A refusal of RDS is reported as RDS says it, with what to do. Delete calls `rds_stop_replication` unless replication is already stopped. Outputs which source binlogs have been applied, so you know which ones the source may purge (the runbook's second guideline). With `channel` (multi-source, RDS for MySQL 8.0.35+, 8.4) it starts and reads that channel only, with `rds_start_replication_for_channel` and the other `*_for_channel` procedures. Import id: the replica's `host:port`, or `host:port#channel`.")
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
            Integer timeoutSeconds,
            @Prop(value = "Connection to the external source, read for the binlog retention check and `safeToPurge` (the runbook's second guideline). Defaults to the provider's `source` configuration; without either, neither is done. A change is recorded in place.", customDiff = true)
            Connection source,
            @Prop(value = "The runbook's second guideline: before starting, refuse when the source's binlogs expire sooner than this many seconds (`binlog_expire_logs_seconds`/`expire_logs_days`), or when the binlog the replica needs is the oldest the source keeps. Unset: no check.", customDiff = true, min = 0, max = 7776000)
            Long minBinlogExpirySeconds,
            @Prop(value = "Only warn in the CLI, instead of refusing, when the binlog retention check finds a problem. Defaults to false.", defaultValue = "false", customDiff = true)
            Boolean binlogRetentionWarnOnly,
            @Prop(value = "RDS DB instance identifier. When the replica cannot reach the source, the error names the instance's current IP addresses (resolved now: a Multi-AZ failover changes them), which the source's firewall must allow. Recorded in place.", customDiff = true)
            String dbInstanceIdentifier,
            @Prop(value = "The multi-source replication channel to start: the same as the ExternalMaster's `channel` (pass `externalMaster.channel`). Unset or empty: the default channel. Another channel replaces this resource.", customDiff = true,
                    hint = ": the ExternalMaster's channel")
            String channel) {
        boolean until() {
            return untilBinlogFile != null || untilGtid != null;
        }

        Channel ch() {
            return Channel.of(channel);
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
            Long appliedSourceLogPosition,
            @Prop("The source's binlogs this replica no longer needs (every one before the file it is applying), safe to purge for its sake; read when a source connection is known.")
            List<String> safeToPurge,
            @Prop("`PURGE BINARY LOGS TO` this file on the source removes exactly `safeToPurge`; empty when there is nothing to purge.")
            String purgeTo) {
        static State of(Args in, ReplicaStatus st) {
            return of(in, st, null);
        }

        static State of(Args in, ReplicaStatus st, BinlogRetention.Report r) {
            return new State(in, st.ioRunning(), st.sqlRunning(), st.secondsBehind(), st.lastIoError(), st.lastSqlError(),
                    st.appliedFile(), st.appliedPosition(), r == null ? null : r.safeToPurge(),
                    r == null ? null : r.purgeTo() == null ? "" : r.purgeTo());
        }
    }

    public ReplicationStartResource() {
        super(Args.class, State.class, false);
    }

    @Override
    protected void check(Check<Args> c) {
        Args in = c.news();
        Connection.check(c, Args::replica);
        Connection.check(c, Args::source);
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
        String why = Channel.invalid(in.channel());
        if (why != null) c.fail(Args::channel, why);
    }

    @Override
    protected void diff(Changes<Args, State> d) {
        // waitForRunning, maxLagSeconds and timeoutSeconds only shape the waits of create/update: not compared;
        // the source connection and the retention settings are recorded in place
        Args news = d.news();
        if (d.changed(Args::source)) d.put(Args::source, false);
        if (d.changed(Args::minBinlogExpirySeconds)) d.put(Args::minBinlogExpirySeconds, false);
        if (d.changed(Args::binlogRetentionWarnOnly)) d.put(Args::binlogRetentionWarnOnly, false);
        if (d.changed(Args::dbInstanceIdentifier)) d.put(Args::dbInstanceIdentifier, false);
        if (d.unknown(Args::channel) || !ExternalMasterResource.sameChannel(d.oldInputs().channel(), news.channel())) {
            d.put(Args::channel, DiffResult.Kind.UPDATE_REPLACE);
        }
        if (!news.until() && !Boolean.FALSE.equals(news.waitForRunning()) && !d.unknown(Args::waitForRunning)) {
            // drift: a stopped or broken replica is repaired by starting it again
            if (Boolean.FALSE.equals(d.olds().ioRunning())) d.putOutput(State::ioRunning, DiffResult.Kind.UPDATE);
            if (Boolean.FALSE.equals(d.olds().sqlRunning())) d.putOutput(State::sqlRunning, DiffResult.Kind.UPDATE);
        }
    }

    @Override
    protected Created<State> create(Context ctx, Args in, boolean preview) {
        if (preview) return new Created<>("", new State(in, null, null, null, null, null, null, null, null, null));
        try (Session s = ctx.open(in.replica(), "replica")) {
            String id = s.spec().address() + (in.ch().isDefault() ? "" : "#" + in.ch());
            retentionPreflight(ctx, s, in);
            ReplicaStatus st = start(ctx, s, in);
            return new Created<>(id, State.of(in, st, retention(ctx, s, in)));
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
        Channel ch = in.ch();
        String id = s.spec().address() + (ch.isDefault() ? "" : " (" + ch.label() + ")");
        String rid = s.spec().address() + (ch.isDefault() ? "" : "#" + ch);
        if (!ch.isDefault()) Procedures.requireChannels(ExternalMasterResource.engine(s), ch);
        ReplicaStatus st = Replication.status(s, ch);
        if (!st.configured()) {
            throw new ProviderException.Precondition("replication is not configured on " + id
                    + ": the ExternalMaster resource must exist first" + (ch.isDefault() ? "" : ", with the same channel")
                    + " (run pulumi refresh if it was reset by hand)");
        }
        boolean until = in.until();
        Procedures.Call call = Procedures.Call.on(ch, "rds_start_replication");
        if (until) {
            call = Procedures.startUntil(ExternalMasterResource.engine(s), in.untilBinlogFile(),
                    in.untilBinlogPosition(), in.untilGtid(), ch);
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
            Replication.stop(s, ch);
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
        if (Boolean.FALSE.equals(in.waitForRunning())) return Replication.status(s, ch);
        long deadline = System.nanoTime() + (in.timeoutSeconds() == null ? 300 : in.timeoutSeconds()) * 1_000_000_000L;
        long settle = System.nanoTime() + 3_000_000_000L;
        long runningSince = 0;
        while (true) {
            st = Replication.status(s, ch);
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
                throw new Failed(rid, st, "replication on " + id + " does not run: " + Diagnosis.of(st) + addresses(ctx, in, st));
            }
            ctx.progress().status("waiting for replication threads (I/O: " + st.ioState() + ", SQL: " + (st.sqlRunning() ? "Yes" : "No") + ")");
            ctx.sleep(250);
        }
        Integer max = in.maxLagSeconds();
        if (max != null) {
            while (st.secondsBehind() == null || st.secondsBehind() > max) {
                if (!st.running()) throw new Failed(rid, st, "replication on " + id + " stopped while catching up: " + Diagnosis.of(st));
                if (System.nanoTime() > deadline) {
                    throw new Failed(rid, st, "replication on " + id + " runs but is still " + st.secondsBehind()
                            + " s behind the source after timeoutSeconds; raise timeoutSeconds or maxLagSeconds");
                }
                ctx.progress().status("catching up: " + st.secondsBehind() + " s behind the source (target " + max + " s), applied "
                        + st.appliedFile() + ":" + st.appliedPosition());
                ctx.sleep(1000);
                st = Replication.status(s, ch);
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
            Args given = inputs != null ? inputs : state.inputs();
            String channel = given.channel() != null ? given.channel() : ExternalMasterResource.channelOfImportId(id);
            ReplicaStatus st = Replication.status(s, Channel.of(channel));
            if (!st.configured()) return null;
            String em = given.externalMasterId() != null ? given.externalMasterId() : id;
            Args now = new Args(given.replica(), em, given.untilBinlogFile(), given.untilBinlogPosition(), given.untilGtid(),
                    given.waitForRunning() == null ? Boolean.TRUE : given.waitForRunning(), given.maxLagSeconds(),
                    given.timeoutSeconds() == null ? 300 : given.timeoutSeconds(), given.source(), given.minBinlogExpirySeconds(),
                    given.binlogRetentionWarnOnly() == null ? Boolean.FALSE : given.binlogRetentionWarnOnly(), given.dbInstanceIdentifier(), channel);
            return State.of(now, st, retention(ctx, s, now));
        }
    }

    @Override
    protected State update(Context ctx, String id, State olds, Args news, boolean preview) {
        if (preview) return new State(news, null, null, null, null, null, null, null, null, null);
        try (Session s = ctx.open(news.replica(), "replica")) {
            ReplicaStatus st = Replication.status(s, news.ch());
            if (!st.running() && !(news.until() && st.ioRunning() && st.lastSqlErrno() == 0)) {
                retentionPreflight(ctx, s, news);
                st = start(ctx, s, news);
            }
            return State.of(news, st, retention(ctx, s, news));
        } catch (Failed e) {
            throw new ProviderException.Precondition(e.getMessage());
        }
    }

    /**
     * For a source the replica cannot reach: the RDS instance's addresses as they resolve now (after a failover they
     * are new ones, which the source's firewall may not allow yet).
     */
    private static String addresses(Context ctx, Args in, ReplicaStatus st) {
        int errno = Diagnosis.ioErrno(st);
        if (in.dbInstanceIdentifier() == null || (errno != 2003 && errno != 2005 && errno != 2002)) return "";
        try {
            var inst = Instances.describe(ctx.aws().rds(), in.dbInstanceIdentifier());
            String address = inst.endpoint() == null || inst.endpoint().address() == null ? "" : inst.endpoint().address();
            List<String> ips = Instances.resolve(address);
            return "; the RDS instance " + in.dbInstanceIdentifier() + " (" + address + ") resolves to " + ips
                    + " now: the source's firewall must allow these addresses (a failover changes them; pulumi refresh "
                    + "shows them as drift of SecurityGroupIngress.endpointIps)";
        } catch (RuntimeException e) {
            return "; the RDS instance's addresses could not be read (" + e.getMessage() + ")";
        }
    }

    /** The source to read binlogs from: the resource's own connection, else the provider's, else none. */
    private static ConnectionSpec sourceOf(Context ctx, Args in) {
        if (in.source() == null && (ctx.config() == null || ctx.config().source() == null)) return null;
        return ctx.connection(in.source(), "source");
    }

    /** The runbook's second guideline, before replication starts: refused (or warned) as the inputs say. */
    private static void retentionPreflight(Context ctx, Session replica, Args in) {
        if (in.minBinlogExpirySeconds() == null) return;
        ConnectionSpec src = sourceOf(ctx, in);
        if (src == null) {
            throw new ProviderException.InvalidInput("minBinlogExpirySeconds", "the binlog retention check reads the source: set "
                    + "`source` on the resource or `rdsreplication:source` in the provider configuration");
        }
        try (Session s = Session.open(src, "source")) {
            BinlogRetention.preflight(ctx.progress(), s, replica,
                    new BinlogRetention.Options(in.minBinlogExpirySeconds(), Boolean.TRUE.equals(in.binlogRetentionWarnOnly()), in.ch()));
        }
    }

    /** Which source binlogs are safe to purge, when a source connection is known; a source that cannot be read is a warning. */
    private static BinlogRetention.Report retention(Context ctx, Session replica, Args in) {
        ConnectionSpec src = sourceOf(ctx, in);
        if (src == null) return null;
        try (Session s = Session.open(src, "source")) {
            return BinlogRetention.inspect(s, replica, new BinlogRetention.Options(0, true, in.ch()));
        } catch (ProviderException e) {
            ctx.progress().warn("could not read the source's binlogs for safeToPurge: " + e.getMessage());
            return null;
        }
    }

    @Override
    protected void delete(Context ctx, String id, State state) {
        try (Session s = ctx.open(state.inputs().replica(), "replica")) {
            // stopping twice, or a replica stopped by hand, is not an error
            Replication.stop(s, state.inputs().ch());
        }
    }
}
