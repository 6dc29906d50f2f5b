package io.rdsreplication.provider.resources.replicationstart;

import io.rdsreplication.provider.core.CheckFailure;
import io.rdsreplication.provider.core.Context;
import io.rdsreplication.provider.core.DiffResult;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.Props;
import io.rdsreplication.provider.core.Resource;
import io.rdsreplication.provider.core.Unknown;
import io.rdsreplication.provider.mysql.ConnectionSpec;
import io.rdsreplication.provider.mysql.ReplicaStatus;
import io.rdsreplication.provider.mysql.Replication;
import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.mysql.SqlErrors;
import io.rdsreplication.provider.mysql.Validation;
import io.rdsreplication.provider.resources.externalmaster.ExternalMasterResource;
import io.rdsreplication.provider.resources.externalmaster.Procedures;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** rdsreplication:index:ReplicationStart — starts replication and proves it runs. */
public final class ReplicationStartResource implements Resource {
    public static final String TOKEN = "rdsreplication:index:ReplicationStart";
    static final long STABLE_NANOS = 1_500_000_000L;
    static final List<String> OUTPUTS = List.of("ioRunning", "sqlRunning", "secondsBehindSource", "lastIoError",
            "lastSqlError", "appliedSourceLogFile", "appliedSourceLogPosition");

    @Override
    public String token() {
        return TOKEN;
    }

    @Override
    public CheckResult check(Props olds, Props news) {
        List<CheckFailure> f = new ArrayList<>();
        Map<String, Object> in = news.copy();
        if (news.object("replica") != null) f.addAll(ConnectionSpec.validate(news.object("replica")));
        if (!news.isUnknown("externalMasterId") && !news.has("externalMasterId")) {
            f.add(new CheckFailure("externalMasterId", "is required: the id of the ExternalMaster resource"));
        }
        boolean file = news.has("untilBinlogFile") || news.has("untilBinlogPosition");
        if (file && news.has("untilGtid")) f.add(new CheckFailure("untilGtid", "give untilBinlogFile/untilBinlogPosition or untilGtid, not both"));
        if (file) {
            if (!news.has("untilBinlogFile") || !news.has("untilBinlogPosition")) {
                f.add(new CheckFailure(news.has("untilBinlogFile") ? "untilBinlogPosition" : "untilBinlogFile", "untilBinlogFile and untilBinlogPosition go together"));
            } else if (!news.isUnknown("untilBinlogFile") && !Validation.isBinlogFile(news.string("untilBinlogFile"))) {
                f.add(new CheckFailure("untilBinlogFile", "must be a binlog file name like mysql-bin.000031"));
            }
        }
        if (news.has("untilGtid") && !news.isUnknown("untilGtid") && !Validation.isGtid(news.string("untilGtid"))) {
            f.add(new CheckFailure("untilGtid", "must be a GTID like 3E11FA47-71CA-11E1-9E33-C80AA9429562:23"));
        }
        if (!news.isUnknown("timeoutSeconds")) {
            int t = news.integer("timeoutSeconds", 300);
            if (t < 1 || t > 86400) f.add(new CheckFailure("timeoutSeconds", "must be between 1 and 86400"));
            in.put("timeoutSeconds", (double) t);
        }
        if (!news.isUnknown("maxLagSeconds") && news.has("maxLagSeconds") && news.integer("maxLagSeconds") < 0) {
            f.add(new CheckFailure("maxLagSeconds", "must be 0 or more"));
        }
        if (!news.isUnknown("waitForRunning")) in.put("waitForRunning", news.bool("waitForRunning", true));
        return new CheckResult(in, f);
    }

    @Override
    public DiffResult diff(String id, Props olds, Props news) {
        // waitForRunning, maxLagSeconds and timeoutSeconds only shape the waits of create/update: not compared
        DiffResult.Builder b = DiffResult.compare(olds, news,
                List.of("externalMasterId", "untilBinlogFile", "untilBinlogPosition", "untilGtid"),
                Set.of("externalMasterId", "untilBinlogFile", "untilBinlogPosition", "untilGtid"));
        b.connection("replica", olds, news);
        boolean until = news.has("untilBinlogFile") || news.has("untilGtid");
        if (!until && news.bool("waitForRunning", true) && !news.isUnknown("waitForRunning")) {
            // drift: a stopped or broken replica is repaired by starting it again
            if (olds.has("ioRunning") && !olds.bool("ioRunning", false)) b.put("ioRunning", DiffResult.Kind.UPDATE);
            if (olds.has("sqlRunning") && !olds.bool("sqlRunning", false)) b.put("sqlRunning", DiffResult.Kind.UPDATE);
        }
        return b.build();
    }

    @Override
    public CreateResult create(Context ctx, Props in, boolean preview) {
        Map<String, Object> out = in.copy();
        if (preview) {
            for (String k : OUTPUTS) out.put(k, Unknown.VALUE);
            return new CreateResult("", out);
        }
        try (Session s = ctx.open(in, "replica")) {
            String id = s.spec().address();
            ReplicaStatus st = start(ctx, s, in);
            out.putAll(st.outputs());
            return new CreateResult(id, out);
        } catch (Failed e) {
            out.putAll(e.status.outputs());
            throw new ProviderException.ResourceInitFailed(e.id, out, e.getMessage(), e);
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
    private static ReplicaStatus start(Context ctx, Session s, Props in) {
        String id = s.spec().address();
        ReplicaStatus st = Replication.status(s);
        if (!st.configured()) {
            throw new ProviderException.Precondition("replication is not configured on " + id
                    + ": the ExternalMaster resource must exist first (run pulumi refresh if it was reset by hand)");
        }
        boolean until = in.has("untilBinlogFile") || in.has("untilGtid");
        Procedures.Call call = new Procedures.Call("mysql.rds_start_replication");
        if (until) {
            call = Procedures.startUntil(ExternalMasterResource.engine(s), in.string("untilBinlogFile"),
                    in.longValue("untilBinlogPosition"), in.string("untilGtid"));
            int workers = Replication.parallelWorkers(s);
            if (workers > 1) {
                throw new ProviderException.InvalidInput(in.has("untilGtid") ? "untilGtid" : "untilBinlogFile",
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
                case MULTI_THREADED -> throw new ProviderException.InvalidInput(in.has("untilGtid") ? "untilGtid" : "untilBinlogFile",
                        "RDS refuses to replicate until a position on a multi-threaded replica (" + e.getMessage()
                                + "): set replica_parallel_workers to 0 or 1 in the DB parameter group");
                default -> throw new ProviderException.Precondition("the RDS instance at " + id + " refused " + call.name() + ": "
                        + e.getMessage());
            }
        }
        if (!in.bool("waitForRunning", true)) return Replication.status(s);
        long deadline = System.nanoTime() + in.integer("timeoutSeconds", 300) * 1_000_000_000L;
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
        Integer max = in.integer("maxLagSeconds");
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
    public ReadResult read(Context ctx, String id, Props state, Props inputs) {
        Props conn = inputs.has("replica") ? inputs : state;
        try (Session s = ctx.open(conn, "replica")) {
            ReplicaStatus st = Replication.status(s);
            if (!st.configured()) return ReadResult.gone();
            Map<String, Object> in = inputs.copy();
            if (!in.containsKey("externalMasterId") || in.get("externalMasterId") == null) {
                in.put("externalMasterId", state.has("externalMasterId") ? state.string("externalMasterId") : id);
            }
            in.putIfAbsent("waitForRunning", true);
            in.putIfAbsent("timeoutSeconds", 300.0);
            Map<String, Object> out = state.copy();
            out.putAll(in);
            out.putAll(st.outputs());
            return new ReadResult(id, out, in);
        }
    }

    @Override
    public Map<String, Object> update(Context ctx, String id, Props olds, Props news, boolean preview) {
        Map<String, Object> out = news.copy();
        for (String k : OUTPUTS) out.put(k, olds.raw(k));
        if (preview) {
            for (String k : OUTPUTS) out.put(k, Unknown.VALUE);
            return out;
        }
        try (Session s = ctx.open(news, "replica")) {
            ReplicaStatus st = Replication.status(s);
            boolean until = news.has("untilBinlogFile") || news.has("untilGtid");
            if (!st.running() && !(until && st.ioRunning() && st.lastSqlErrno() == 0)) st = start(ctx, s, news);
            out.putAll(st.outputs());
            return out;
        } catch (Failed e) {
            throw new ProviderException.Precondition(e.getMessage());
        }
    }

    @Override
    public void delete(Context ctx, String id, Props state) {
        try (Session s = ctx.open(state, "replica")) {
            // stopping twice, or a replica stopped by hand, is not an error
            Replication.stop(s);
        }
    }
}
