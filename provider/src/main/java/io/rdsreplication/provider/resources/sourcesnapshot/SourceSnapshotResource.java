package io.rdsreplication.provider.resources.sourcesnapshot;

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

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * rdsreplication:index:SourceSnapshot — the initial copy from one consistent snapshot of the source. The copy
 * itself is {@link Copier}; this class is the lifecycle. Delete leaves the copied data in place.
 */
public final class SourceSnapshotResource implements Resource {
    public static final String TOKEN = "rdsreplication:index:SourceSnapshot";
    static final Set<String> SYSTEM = Set.of("mysql", "information_schema", "performance_schema", "sys");
    static final List<String> OUTPUTS = List.of("binlogFile", "binlogPosition", "gtid", "tablesCopied", "rowsCopied",
            "bytesCopied", "lockMillis", "durationMillis");

    @Override
    public String token() {
        return TOKEN;
    }

    @Override
    public CheckResult check(Props olds, Props news) {
        List<CheckFailure> f = new ArrayList<>();
        Map<String, Object> in = news.copy();
        for (String role : List.of("source", "replica")) {
            if (news.object(role) != null) f.addAll(ConnectionSpec.validate(news.object(role)));
        }
        if (!news.containsUnknown("databases")) {
            List<String> dbs = news.strings("databases");
            if (dbs == null || dbs.isEmpty()) {
                f.add(new CheckFailure("databases", "name at least one database to copy"));
            } else {
                Set<String> seen = new HashSet<>();
                for (String db : dbs) {
                    String why = problem(db);
                    if (why == null && !seen.add(db)) why = "is listed twice";
                    if (why != null) f.add(new CheckFailure("databases", io.rdsreplication.provider.mysql.Validation.show(db) + " " + why));
                }
            }
        }
        if (!news.isUnknown("lockMode")) {
            String m = news.string("lockMode", "snapshot");
            if (!m.equals("snapshot") && !m.equals("readOnly")) f.add(new CheckFailure("lockMode", "must be snapshot or readOnly"));
            in.put("lockMode", m);
        }
        if (!news.isUnknown("parallelism")) {
            int p = news.integer("parallelism", 2);
            if (p < 1 || p > 16) f.add(new CheckFailure("parallelism", "must be between 1 and 16, got " + p));
            in.put("parallelism", (double) p);
        }
        if (!news.isUnknown("overwrite")) in.put("overwrite", news.bool("overwrite", false));
        if (!news.isUnknown("copyRoutines")) in.put("copyRoutines", news.bool("copyRoutines", true));
        return new CheckResult(in, f);
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

    /** Inputs that only say how to copy: a change is recorded in place and copies nothing. */
    static final List<String> KNOBS = List.of("lockMode", "parallelism", "overwrite", "copyRoutines");

    /**
     * What replaces (a new copy) and what does not:
     * <ul>
     *   <li>{@code databases}, compared as a set (order and repeats do not matter): a different copy;</li>
     *   <li>the server a connection names ({@code host}, case-insensitive, and {@code port}, default 3306) of
     *       {@code source} or {@code replica}: the data comes from, or goes to, another server;</li>
     *   <li>everything else — credentials ({@code username}, {@code password}), {@code tls}, {@code caCert},
     *       timeouts, and the knobs of how to copy — changes in place and never copies again.</li>
     * </ul>
     * A connection given on one side only (the resource's own ↔ the provider's) is an in-place change: Diff
     * does not see the provider's configuration; Update says so in the CLI when the server differs.
     */
    @Override
    public DiffResult diff(String id, Props olds, Props news) {
        DiffResult.Builder b = new DiffResult.Builder();
        if (news.containsUnknown("databases")) {
            b.put("databases", DiffResult.Kind.UPDATE_REPLACE);
        } else if (!sameSet(olds.strings("databases"), news.strings("databases"))) {
            b.put("databases", olds.has("databases") ? DiffResult.Kind.UPDATE_REPLACE : DiffResult.Kind.ADD_REPLACE);
        }
        for (String role : List.of("source", "replica")) b.connection(role, olds, news);
        for (String k : KNOBS) {
            if (news.isUnknown(k) || !DiffResult.equalValues(olds.raw(k), news.raw(k))) {
                b.put(k, !olds.has(k) ? DiffResult.Kind.ADD : !news.has(k) ? DiffResult.Kind.DELETE : DiffResult.Kind.UPDATE);
            }
        }
        // delete (which leaves the data) before the new copy: the engine then first replaces what depends on this
        // copy — an ExternalMaster whose snapshotId names it, and its ReplicationStart — so replication is stopped
        // and reset before the copy, and re-pointed at the new copy's coordinates after it
        return b.deleteBeforeReplace(true).build();
    }

    static boolean sameSet(List<String> a, List<String> b) {
        return new HashSet<>(a == null ? List.of() : a).equals(new HashSet<>(b == null ? List.of() : b));
    }

    @Override
    public CreateResult create(Context ctx, Props in, boolean preview) {
        Map<String, Object> out = in.copy();
        if (preview) {
            for (String k : OUTPUTS) out.put(k, Unknown.VALUE);
            return new CreateResult("", out);
        }
        List<String> dbs = in.strings("databases");
        ConnectionSpec source = ctx.connection(in, "source");
        ConnectionSpec replica = ctx.connection(in, "replica");
        boolean overwrite = in.bool("overwrite", false);
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
        Copier.Result res = new Copier(source, replica, dbs, in.string("lockMode", "snapshot"), in.integer("parallelism", 2),
                in.bool("copyRoutines", true), ctx).run();
        out.put("binlogFile", res.binlogFile());
        out.put("binlogPosition", (double) res.binlogPosition());
        out.put("gtid", res.gtid());
        out.put("tablesCopied", (double) res.tables());
        out.put("rowsCopied", (double) res.rows());
        out.put("bytesCopied", (double) res.bytes());
        out.put("lockMillis", (double) res.lockMillis());
        out.put("durationMillis", (double) res.durationMillis());
        return new CreateResult(String.join(",", dbs) + "@" + res.binlogFile() + ":" + res.binlogPosition(), out);
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
    public ReadResult read(Context ctx, String id, Props state, Props inputs) {
        if (state.asMap().isEmpty()) {
            throw new ProviderException.Precondition("SourceSnapshot cannot be imported: it records a copy made once");
        }
        // the copy is a past event: state stays as recorded
        return new ReadResult(id, state.copy(), inputs.copy());
    }

    /** Records new credentials, TLS settings or knobs: no SQL, nothing copied again (see {@link #diff}). */
    @Override
    public Map<String, Object> update(Context ctx, String id, Props olds, Props news, boolean preview) {
        Map<String, Object> out = olds.copy();
        out.putAll(news.asMap());
        if (preview) return out;
        for (String role : List.of("source", "replica")) {
            if ((olds.object(role) == null) == (news.object(role) == null)) continue;
            String was = address(ctx, olds, role);
            String now = address(ctx, news, role);
            if (was != null && now != null && !was.equalsIgnoreCase(now)) {
                ctx.progress().warn("SourceSnapshot's " + role + " is now " + now + ", but its copy was made with " + was
                        + "; nothing is copied again. To copy again, run pulumi up --replace on this resource");
            }
        }
        ctx.progress().info("SourceSnapshot: new settings recorded; the copy is not made again");
        return out;
    }

    private static String address(Context ctx, Props p, String role) {
        try {
            return ctx.connection(p, role).address();
        } catch (ProviderException e) {
            return null;
        }
    }

    @Override
    public void delete(Context ctx, String id, Props state) {
        // Deleting the resource leaves the copied databases on the RDS instance (documented in the schema).
        ctx.progress().info("SourceSnapshot removed from the stack; the copied data stays on the RDS instance");
    }
}
