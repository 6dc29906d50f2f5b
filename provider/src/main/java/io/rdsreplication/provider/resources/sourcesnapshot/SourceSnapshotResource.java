package io.rdsreplication.provider.resources.sourcesnapshot;

import io.rdsreplication.provider.core.CheckFailure;
import io.rdsreplication.provider.core.Context;
import io.rdsreplication.provider.core.DiffResult;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.Props;
import io.rdsreplication.provider.core.Resource;
import io.rdsreplication.provider.core.Unknown;
import io.rdsreplication.provider.mysql.ConnectionSpec;
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

    @Override
    public DiffResult diff(String id, Props olds, Props news) {
        // the copy happens once: a new list of databases is a new copy; the knobs of how to copy change nothing
        return DiffResult.compare(olds, news, List.of("databases", "source", "replica"), Set.of("databases", "source", "replica")).build();
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
        try (Session s = Session.open(source, "source"); Session r = Session.open(replica, "replica")) {
            for (String db : dbs) {
                if (s.query("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", db).isEmpty()) {
                    throw new ProviderException.InvalidInput("databases", "database " + db + " does not exist on the source");
                }
                if (!in.bool("overwrite", false)
                        && !r.query("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", db).isEmpty()) {
                    throw new ProviderException.InvalidInput("databases", "database " + db + " already exists on the RDS instance; "
                            + "set overwrite: true to drop and copy it again");
                }
            }
        }
        Copier.Result res = new Copier(source, replica, dbs, in.string("lockMode", "snapshot"), in.integer("parallelism", 2),
                in.bool("copyRoutines", true), ctx.progress()).run();
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

    @Override
    public ReadResult read(Context ctx, String id, Props state, Props inputs) {
        if (state.asMap().isEmpty()) {
            throw new ProviderException.Precondition("SourceSnapshot cannot be imported: it records a copy made once");
        }
        // the copy is a past event: state stays as recorded
        return new ReadResult(id, state.copy(), inputs.copy());
    }

    @Override
    public Map<String, Object> update(Context ctx, String id, Props olds, Props news, boolean preview) {
        Map<String, Object> out = olds.copy();
        out.putAll(news.asMap());
        return out;
    }

    @Override
    public void delete(Context ctx, String id, Props state) {
        // Deleting the resource leaves the copied databases on the RDS instance (documented in the schema).
        ctx.progress().info("SourceSnapshot removed from the stack; the copied data stays on the RDS instance");
    }
}
