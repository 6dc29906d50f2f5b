package io.rdsreplication.provider.resources.sourcesnapshot;

import io.rdsreplication.provider.core.Changes;
import io.rdsreplication.provider.core.Check;
import io.rdsreplication.provider.core.DiffResult;
import io.rdsreplication.provider.core.Inputs;
import io.rdsreplication.provider.core.Prop;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.SchemaType;
import io.rdsreplication.provider.core.TypedResource;
import io.rdsreplication.provider.mysql.ConnectionSpec;
import io.rdsreplication.provider.mysql.ReplicaStatus;
import io.rdsreplication.provider.mysql.Replication;
import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.mysql.Validation;
import io.rdsreplication.provider.resources.Context;
import io.rdsreplication.provider.resources.types.Connection;
import io.rdsreplication.provider.resources.types.LockMode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * rdsreplication:index:SourceSnapshot — the initial copy from one consistent snapshot of the source. The copy
 * itself is {@link Copier}; this class is the lifecycle. Delete leaves the copied data in place.
 *
 * <p>What replaces (a new copy) and what does not: {@code databases}, compared as a set (order and repeats do not
 * matter); the server a connection names ({@code host}, case-insensitive, and {@code port}) of {@code source} or
 * {@code replica}. Everything else — credentials, {@code tls}, {@code caCert}, timeouts, and the knobs of how to
 * copy — changes in place and never copies again. A connection given on one side only (the resource's own ↔ the
 * provider's) is an in-place change: Diff does not see the provider's configuration; Update says so in the CLI
 * when the server differs.
 */
@SchemaType(token = SourceSnapshotResource.TOKEN, description = "The initial copy (runbook steps 1\u20134), without the runbook's read-only window: the named databases are copied from one consistent snapshot of the source, and the snapshot's binlog coordinates and GTID are output to feed ExternalMaster. Progress is shown in the CLI. The copy is made once: only `databases` (as a set) or the server a connection names (`host`, `port` of `source` or `replica`) replace the resource and copy again; credentials, `tls`, `caCert`, timeouts, `lockMode`, `parallelism`, `overwrite` and `copyRoutines` change in place and copy nothing. A copy is refused while the RDS instance replicates (stop replication first), so a re-copy never races replication. A copy that is cancelled or fails leaves each database it began marked incomplete (a table `_rdsreplication_copy_incomplete`); the next `pulumi up` copies such a database again even without `overwrite`. Deleting the resource leaves the copied data in place. Not importable.")
public final class SourceSnapshotResource extends TypedResource<Context, SourceSnapshotResource.Args, SourceSnapshotResource.State> {
    public static final String TOKEN = "rdsreplication:index:SourceSnapshot";
    static final Set<String> SYSTEM = Set.of("mysql", "information_schema", "performance_schema", "sys");

    public record Args(
            @Prop("Connection to the external source server. Defaults to the provider's `source` configuration. A new `host` or `port` replaces the resource (a copy from another server); new credentials or TLS settings do not.")
            Connection source,
            @Prop("Connection to the Amazon RDS instance, as its master user. Defaults to the provider's `replica` configuration. A new `host` or `port` replaces the resource (a copy onto another server, where `overwrite` decides whether an existing database may be dropped); new credentials or TLS settings do not.")
            Connection replica,
            @Prop(value = "Databases to copy from the source to the RDS instance. System schemas are refused. A different set (order does not matter) replaces the resource: a new copy.", required = true, replaces = true, customDiff = true,
                    hint = ": name at least one database to copy")
            List<String> databases,
            @Prop(value = "`snapshot` (default): a consistent snapshot; the source stays writable (commits wait only while the copy's connections open their snapshots: milliseconds). `readOnly`: the runbook's whole-copy window: writes on the source wait until the copy ends. It is a FLUSH TABLES WITH READ LOCK held by one connection of the provider, not `read_only`: the server drops it with that connection, so a cancelled, failed or killed copy never leaves the source locked or read-only (if the network to the source is cut, the server drops it after 60 s of silence). Changing it later copies nothing.", defaultValue = "\"snapshot\"")
            LockMode lockMode,
            @Prop(value = "Number of tables copied at once, all from one consistent point. Defaults to 2.", defaultValue = "2", min = 1, max = 16)
            Integer parallelism,
            @Prop(value = "Allow copying into databases that already exist on the RDS instance (they are dropped and copied again). Defaults to false. Never needed to finish the provider's own interrupted copy. Changing it later copies nothing.", defaultValue = "false")
            Boolean overwrite,
            @Prop(value = "Also copy views' definitions, stored routines, triggers and events. Defaults to true.", defaultValue = "true")
            Boolean copyRoutines) {
    }

    public record State(
            @Inputs Args inputs,
            @Prop(value = "Source binlog file of the snapshot (read with the GTID set, under the same lock).", always = true)
            String binlogFile,
            @Prop(value = "Source binlog position of the snapshot.", always = true)
            Long binlogPosition,
            @Prop(value = "GTID position of the snapshot. MariaDB: the `gtid_binlog_pos` form of the snapshot's binlog position (`BINLOG_GTID_POS`), for ExternalMaster's `gtid`. MySQL: the source's `gtid_executed` set at the snapshot (the `Executed_Gtid_Set` read with the coordinates while commits are blocked): the replica must add it to `gtid_purged` (`mysql.rds_set_external_source_gtid_purged`) before auto-position. Empty when GTIDs are not in use.", always = true)
            String gtid,
            @Prop(value = "Tables copied.", always = true)
            Long tablesCopied,
            @Prop(value = "Rows copied.", always = true)
            Long rowsCopied,
            @Prop(value = "Approximate bytes of row data copied.", always = true)
            Long bytesCopied,
            @Prop(value = "How long writes on the source were blocked, in milliseconds (the whole copy with `lockMode: readOnly`).", always = true)
            Long lockMillis,
            @Prop(value = "Duration of the copy, in milliseconds.", always = true)
            Long durationMillis) {
    }

    public SourceSnapshotResource() {
        super(Args.class, State.class, true);
    }

    @Override
    protected void check(Check<Args> c) {
        Connection.check(c, Args::source);
        Connection.check(c, Args::replica);
        List<String> dbs = c.news().databases();
        if (dbs == null) return; // absent: "is required"; unknown: checked when known
        if (dbs.isEmpty()) {
            c.fail(Args::databases, "is required: name at least one database to copy");
            return;
        }
        Set<String> seen = new HashSet<>();
        for (String db : dbs) {
            String why = problem(db);
            if (why == null && !seen.add(db)) why = "is listed twice";
            if (why != null) c.fail(Args::databases, Validation.show(db) + " " + why);
        }
    }

    static String problem(String db) {
        if (db.isEmpty()) return "is empty";
        if (db.indexOf('\0') >= 0) return "contains a NUL byte";
        if (db.codePointCount(0, db.length()) > 64) return "is longer than 64 characters";
        if (db.contains("/") || db.contains("\\") || db.contains(".")) return "contains '/', '\\' or '.', which database names cannot";
        if (db.endsWith(" ")) return "ends with a space";
        if (SYSTEM.contains(db.toLowerCase(Locale.ROOT))) return "is a system schema; it cannot be copied";
        return null;
    }

    @Override
    protected void diff(Changes<Args, State> d) {
        if (d.unknown(Args::databases)) {
            d.put(Args::databases, DiffResult.Kind.UPDATE_REPLACE);
        } else if (!sameSet(d.oldInputs().databases(), d.news().databases())) {
            d.put(Args::databases, true);
        }
        // delete (which leaves the data) before the new copy: the engine then first replaces what depends on this
        // copy — an ExternalMaster whose snapshotId names it, and its ReplicationStart — so replication is stopped
        // and reset before the copy, and re-pointed at the new copy's coordinates after it
    }

    static boolean sameSet(List<String> a, List<String> b) {
        return new HashSet<>(a == null ? List.of() : a).equals(new HashSet<>(b == null ? List.of() : b));
    }

    @Override
    protected Created<State> create(Context ctx, Args in, boolean preview) {
        if (preview) return new Created<>("", new State(in, null, null, null, null, null, null, null, null));
        List<String> dbs = in.databases();
        ConnectionSpec source = ctx.connection(in.source(), "source");
        ConnectionSpec replica = ctx.connection(in.replica(), "replica");
        boolean overwrite = Boolean.TRUE.equals(in.overwrite());
        try (Session s = Session.open(source, "source"); Session r = Session.open(replica, "replica")) {
            List<String> dropped = new ArrayList<>();
            for (String db : dbs) {
                if (s.query("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", db).isEmpty()) {
                    throw new ProviderException.InvalidInput("databases", "database " + db + " does not exist on the source");
                }
                if (r.query("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", db).isEmpty()) continue;
                boolean unfinished = !r.query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
                        db, Copier.MARKER).isEmpty();
                if (!overwrite && !unfinished) {
                    throw new ProviderException.InvalidInput("databases", "database " + db + " already exists on the RDS instance "
                            + replica.address() + "; set overwrite: true to drop and copy it again");
                }
                ctx.progress().warn(unfinished ? "database " + db + " on " + replica.address() + " holds an interrupted copy: copying it again"
                        : "overwrite: dropping database " + db + " on " + replica.address() + " and copying it again");
                dropped.add(db);
            }
            refuseUnderRunningReplication(ctx, r, replica, dbs, dropped);
        }
        LockMode lock = in.lockMode() == null ? LockMode.SNAPSHOT : in.lockMode();
        Copier.Result res = new Copier(source, replica, dbs, lock.wire(), in.parallelism() == null ? 2 : in.parallelism(),
                !Boolean.FALSE.equals(in.copyRoutines()), ctx).run();
        return new Created<>(String.join(",", dbs) + "@" + res.binlogFile() + ":" + res.binlogPosition(),
                new State(in, res.binlogFile(), res.binlogPosition(), res.gtid(), (long) res.tables(), res.rows(), res.bytes(),
                        res.lockMillis(), res.durationMillis()));
    }

    /**
     * A copy while the RDS instance replicates would race the replication threads on the same tables (drop
     * and re-create under the SQL thread, rows applied twice): refused, with what to do.
     */
    private static void refuseUnderRunningReplication(Context ctx, Session r, ConnectionSpec replica, List<String> dbs,
                                                      List<String> dropped) {
        ReplicaStatus st;
        try {
            st = Replication.status(r);
        } catch (ProviderException e) {
            ctx.progress().warn("could not read the replication status of " + replica.address() + " (" + e.getMessage()
                    + "); copying without that check");
            return;
        }
        // multi-source: other channels replicate other sources' databases, which a copy of these does not touch;
        // said, since the provider cannot see which databases they write
        try {
            for (var ch : Replication.namedChannels(r).entrySet()) {
                if (ch.getValue().ioRunning() || ch.getValue().sqlRunning()) {
                    ctx.progress().warn("channel '" + ch.getKey() + "' of " + replica.address() + " replicates from "
                            + ch.getValue().sourceHost() + ":" + ch.getValue().sourcePort() + " during the copy of "
                            + String.join(", ", dbs) + ": that source must not write these databases");
                }
            }
        } catch (ProviderException e) {
            // the default channel's check above is what protects the copy
        }
        if (!st.ioRunning() && !st.sqlRunning()) return;
        throw new ProviderException.Precondition("the RDS instance " + replica.address() + " is replicating from "
                + st.sourceHost() + ":" + st.sourcePort() + " (I/O thread " + st.ioState() + ", SQL thread "
                + (st.sqlRunning() ? "Yes" : "No") + "): copying " + String.join(", ", dbs)
                + (dropped.isEmpty() ? "" : " (dropping " + String.join(", ", dropped) + " first)")
                + " under running replication would corrupt it. Nothing was changed. Stop replication first (remove the "
                + "ReplicationStart from the program, or CALL mysql.rds_stop_replication), run pulumi up, then let "
                + "ExternalMaster take the new snapshot's coordinates");
    }

    @Override
    protected State read(Context ctx, String id, State state, Args inputs) {
        if (state.binlogFile() == null && state.inputs().databases() == null) {
            throw new ProviderException.Precondition("SourceSnapshot cannot be imported: it records a copy made once");
        }
        // the copy is a past event: state stays as recorded
        return state;
    }

    @Override
    protected Args refreshedInputs(State now, Args given) {
        return given != null ? given : now.inputs();
    }

    /** Records new credentials, TLS settings or knobs: no SQL, nothing copied again (see the class comment). */
    @Override
    protected State update(Context ctx, String id, State olds, Args news, boolean preview) {
        State out = new State(news, olds.binlogFile(), olds.binlogPosition(), olds.gtid(), olds.tablesCopied(), olds.rowsCopied(),
                olds.bytesCopied(), olds.lockMillis(), olds.durationMillis());
        if (preview) return out;
        warnIfMoved(ctx, "source", olds.inputs().source(), news.source());
        warnIfMoved(ctx, "replica", olds.inputs().replica(), news.replica());
        ctx.progress().info("SourceSnapshot: new settings recorded; the copy is not made again");
        return out;
    }

    private static void warnIfMoved(Context ctx, String role, Connection was, Connection now) {
        if ((was == null) == (now == null)) return;
        String a = address(ctx, was, role);
        String b = address(ctx, now, role);
        if (a != null && b != null && !a.equalsIgnoreCase(b)) {
            ctx.progress().warn("SourceSnapshot's " + role + " is now " + b + ", but its copy was made with " + a
                    + "; nothing is copied again. To copy again, run pulumi up --replace on this resource");
        }
    }

    private static String address(Context ctx, Connection c, String role) {
        try {
            return ctx.connection(c, role).address();
        } catch (ProviderException e) {
            return null;
        }
    }

    @Override
    protected void delete(Context ctx, String id, State state) {
        // Deleting the resource leaves the copied databases on the RDS instance (documented in the schema).
        ctx.progress().info("SourceSnapshot removed from the stack; the copied data stays on the RDS instance");
    }
}
