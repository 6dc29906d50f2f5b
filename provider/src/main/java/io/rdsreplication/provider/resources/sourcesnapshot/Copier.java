package io.rdsreplication.provider.resources.sourcesnapshot;

import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.Progress;
import io.rdsreplication.provider.mysql.ConnectionSpec;
import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.mysql.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Copies databases from the source to the RDS instance inside one consistent snapshot, with `parallelism`
 * worker connections that all see the same point, and reports that point's binlog coordinates.
 *
 * Consistent point: MariaDB with one worker needs no lock at all (START TRANSACTION WITH CONSISTENT SNAPSHOT
 * and the binlog_snapshot_* status); with several, commits are blocked (BACKUP STAGE BLOCK_COMMIT) only while
 * the workers open their snapshots. MySQL: FLUSH TABLES WITH READ LOCK for that moment. lockMode readOnly is
 * the runbook's procedure: FTWRL and read_only=ON for the whole copy.
 *
 * Exactness: FLOAT/DOUBLE columns are read through the binary protocol (the text protocol rounds them);
 * temporal columns as the server's own text (CAST … AS CHAR) with both sessions in UTC; character columns as
 * strings, binary columns as bytes; generated columns are left to the server.
 */
final class Copier {
    private static final Logger LOG = Logger.getLogger(Copier.class.getName());
    private static final long BATCH_BYTES = 4L * 1024 * 1024;
    private static final int BATCH_ROWS = 1000;

    record Result(String binlogFile, long binlogPosition, String gtid, int tables, long rows, long bytes, long lockMillis,
                  long durationMillis) {
    }

    private record Table(String db, String name, List<String> columns, List<String> types) {
    }

    private final ConnectionSpec source;
    private final ConnectionSpec replica;
    private final List<String> databases;
    private final boolean readOnly;
    private final int parallelism;
    private final boolean copyRoutines;
    private final Progress progress;
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile long lastStatus;

    Copier(ConnectionSpec source, ConnectionSpec replica, List<String> databases, String lockMode, int parallelism,
           boolean copyRoutines, Progress progress) {
        this.source = source;
        this.replica = replica;
        this.databases = databases;
        this.readOnly = "readOnly".equals(lockMode);
        this.parallelism = parallelism;
        this.copyRoutines = copyRoutines;
        this.progress = progress;
    }

    Result run() {
        long t0 = System.nanoTime();
        List<Session> workers = new ArrayList<>();
        List<Session> writers = new ArrayList<>();
        Session coord = Session.open(source, "source");
        long lockStart = 0;
        long lockMillis = 0;
        boolean readOnlySet = false;
        try {
            utc(coord);
            for (int i = 0; i < parallelism; i++) {
                Session w = Session.open(source, "source");
                workers.add(w);
                utc(w);
                Session r = Session.open(replica, "replica", Map.of("rewriteBatchedStatements", "true"));
                writers.add(r);
                utc(r);
                exec(r, "SET SESSION FOREIGN_KEY_CHECKS = 0", "SET SESSION UNIQUE_CHECKS = 0",
                        "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'");
            }
            boolean mariadb = coord.server().isMariadb();
            String file;
            long pos;
            String gtid;
            progress.status("opening a consistent snapshot of the source");
            if (readOnly) {
                lockStart = System.nanoTime();
                exec(coord, "FLUSH TABLES WITH READ LOCK", "SET GLOBAL read_only = ON");
                readOnlySet = true;
                for (Session w : workers) exec(w, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
                String[] c = masterStatus(coord);
                file = c[0];
                pos = Long.parseLong(c[1]);
            } else if (mariadb && parallelism == 1) {
                exec(workers.get(0), "START TRANSACTION WITH CONSISTENT SNAPSHOT");
                Map<String, String> st = snapshotStatus(workers.get(0));
                file = st.get("Binlog_snapshot_file");
                pos = Long.parseLong(st.get("Binlog_snapshot_position"));
            } else {
                lockStart = System.nanoTime();
                if (mariadb && coord.server().atLeast(10, 4, 0)) {
                    exec(coord, "BACKUP STAGE START", "BACKUP STAGE BLOCK_COMMIT");
                } else {
                    exec(coord, "FLUSH TABLES WITH READ LOCK");
                }
                try {
                    for (Session w : workers) exec(w, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
                    String[] c = masterStatus(coord);
                    file = c[0];
                    pos = Long.parseLong(c[1]);
                } finally {
                    exec(coord, mariadb && coord.server().atLeast(10, 4, 0) ? "BACKUP STAGE END" : "UNLOCK TABLES");
                    lockMillis = (System.nanoTime() - lockStart) / 1_000_000;
                }
            }
            if (file == null || file.isEmpty()) {
                throw new ProviderException.Precondition("the source has no binary log (log_bin is off): replication needs it; "
                        + "enable log_bin and restart the source");
            }
            gtid = mariadb ? nz(coord.queryString("SELECT BINLOG_GTID_POS(?, ?)", file, pos)) : nz(coord.queryString("SELECT @@GLOBAL.gtid_executed"));
            if (!readOnly && mariadb && parallelism > 1) {
                // every worker must see the same point
                for (Session w : workers) {
                    Map<String, String> st = snapshotStatus(w);
                    if (!file.equals(st.get("Binlog_snapshot_file")) || pos != Long.parseLong(st.get("Binlog_snapshot_position"))) {
                        throw new ProviderException.Precondition("the copy's connections did not open the same snapshot; try again");
                    }
                }
            }
            progress.info("consistent snapshot at " + file + ":" + pos + (gtid.isEmpty() ? "" : " (GTID " + gtid + ")")
                    + (lockMillis > 0 ? ", commits blocked for " + lockMillis + " ms" : ", no lock taken"));

            List<Table> tables = new ArrayList<>();
            Session r0 = writers.get(0);
            for (String db : databases) tables.addAll(createSchema(coord, r0, db));
            copyRows(tables, workers, writers);
            if (copyRoutines) for (String db : databases) copyObjects(coord, r0, db);
            if (readOnly) {
                exec(coord, "SET GLOBAL read_only = OFF", "UNLOCK TABLES");
                readOnlySet = false;
                lockMillis = (System.nanoTime() - lockStart) / 1_000_000;
            }
            for (Session w : workers) exec(w, "COMMIT");
            long dur = (System.nanoTime() - t0) / 1_000_000;
            progress.info("copied " + tables.size() + " tables, " + rows.get() + " rows, " + bytes.get() / (1024 * 1024) + " MiB in "
                    + dur + " ms");
            return new Result(file, pos, gtid, tables.size(), rows.get(), bytes.get(), lockMillis, dur);
        } finally {
            if (readOnlySet) {
                try {
                    exec(coord, "SET GLOBAL read_only = OFF", "UNLOCK TABLES");
                } catch (RuntimeException e) {
                    LOG.warning("could not make the source writable again: " + e.getMessage());
                }
            }
            coord.close();
            workers.forEach(Session::close);
            writers.forEach(Session::close);
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static void utc(Session s) {
        exec(s, "SET SESSION time_zone = '+00:00'");
    }

    private static void exec(Session s, String... sql) {
        for (String q : sql) s.executeRaw(q);
    }

    private static String[] masterStatus(Session s) {
        String show = s.server().isMysql() && s.server().atLeast(8, 2, 0) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
        var rows = s.query(show);
        if (rows.isEmpty()) return new String[]{"", "0"};
        return new String[]{rows.get(0).get("File"), rows.get(0).get("Position")};
    }

    private static Map<String, String> snapshotStatus(Session s) {
        Map<String, String> m = new java.util.HashMap<>();
        for (var row : s.query("SHOW STATUS LIKE 'binlog_snapshot_%'")) m.put(row.get("Variable_name"), row.get("Value"));
        return m;
    }

    private List<Table> createSchema(Session src, Session dst, String db) {
        String createDb = src.query("SHOW CREATE DATABASE " + Sql.quoteIdentifier(db)).get(0).get("Create Database");
        exec(dst, "DROP DATABASE IF EXISTS " + Sql.quoteIdentifier(db));
        exec(dst, createDb);
        List<Table> out = new ArrayList<>();
        for (var t : src.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' "
                + "ORDER BY TABLE_NAME", db)) {
            String name = t.get("TABLE_NAME");
            String ddl = src.query("SHOW CREATE TABLE " + Sql.quoteIdentifier(db) + "." + Sql.quoteIdentifier(name)).get(0).get("Create Table");
            exec(dst, "USE " + Sql.quoteIdentifier(db));
            exec(dst, ddl);
            List<String> cols = new ArrayList<>();
            List<String> types = new ArrayList<>();
            for (var c : src.query("SELECT COLUMN_NAME, DATA_TYPE, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? "
                    + "AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION", db, name)) {
                String extra = nz(c.get("EXTRA")).toUpperCase();
                if (extra.contains("GENERATED") || extra.contains("VIRTUAL") || extra.contains("PERSISTENT") || extra.contains("STORED")) continue;
                cols.add(c.get("COLUMN_NAME"));
                types.add(c.get("DATA_TYPE"));
            }
            out.add(new Table(db, name, cols, types));
        }
        return out;
    }

    private void copyRows(List<Table> tables, List<Session> workers, List<Session> writers) {
        ConcurrentLinkedQueue<Table> queue = new ConcurrentLinkedQueue<>(tables);
        ExecutorService pool = Executors.newFixedThreadPool(workers.size(), r -> {
            Thread t = new Thread(r, "copy");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < workers.size(); i++) {
                Session src = workers.get(i);
                Session dst = writers.get(i);
                futures.add(pool.submit(() -> {
                    Table t;
                    while ((t = queue.poll()) != null) copyTable(src, dst, t);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    queue.clear();
                    Throwable c = e.getCause();
                    if (c instanceof ProviderException pe) throw new ProviderException.Precondition("the copy stopped: " + pe.getMessage()
                            + "; the databases may be partially copied: run pulumi up again with overwrite: true", pe);
                    throw new ProviderException.Precondition("the copy stopped: " + c, c);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ProviderException.Precondition("the copy was interrupted");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void copyTable(Session src, Session dst, Table t) {
        if (t.columns().isEmpty()) return;
        String select = SnapshotSql.select(t.db(), t.name(), t.columns(), t.types());
        boolean floats = t.types().stream().anyMatch(x -> x.equalsIgnoreCase("float") || x.equalsIgnoreCase("double")
                || x.equalsIgnoreCase("real"));
        Connection in = src.jdbc();
        Connection out = dst.jdbc();
        String what = t.db() + "." + t.name();
        long tableRows = 0;
        try (PreparedStatement sel = floats
                ? in.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).serverPrepareStatement(select, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)
                : in.prepareStatement(select, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
             PreparedStatement ins = out.prepareStatement(SnapshotSql.insert(t.db(), t.name(), t.columns()))) {
            sel.setFetchSize(Integer.MIN_VALUE);
            try (ResultSet rs = sel.executeQuery()) {
                var md = rs.getMetaData();
                int n = md.getColumnCount();
                int[] kinds = new int[n];
                for (int i = 0; i < n; i++) kinds[i] = md.getColumnType(i + 1);
                long batchBytes = 0;
                int batchRows = 0;
                while (rs.next()) {
                    long rowBytes = 0;
                    for (int i = 1; i <= n; i++) {
                        switch (kinds[i - 1]) {
                            case Types.FLOAT, Types.REAL, Types.DOUBLE -> {
                                Object o = rs.getObject(i);
                                if (o == null) ins.setNull(i, Types.DOUBLE);
                                else ins.setDouble(i, ((Number) o).doubleValue());
                                rowBytes += 8;
                            }
                            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB, Types.BIT -> {
                                byte[] b = rs.getBytes(i);
                                if (b == null) ins.setNull(i, Types.VARBINARY);
                                else ins.setBytes(i, b);
                                rowBytes += b == null ? 0 : b.length;
                            }
                            default -> {
                                String s = rs.getString(i);
                                if (s == null) ins.setNull(i, Types.VARCHAR);
                                else ins.setString(i, s);
                                rowBytes += s == null ? 0 : s.length();
                            }
                        }
                    }
                    ins.addBatch();
                    batchBytes += rowBytes;
                    batchRows++;
                    tableRows++;
                    if (batchBytes >= BATCH_BYTES || batchRows >= BATCH_ROWS) {
                        ins.executeBatch();
                        rows.addAndGet(batchRows);
                        bytes.addAndGet(batchBytes);
                        batchBytes = 0;
                        batchRows = 0;
                        status(what, tableRows);
                    }
                }
                if (batchRows > 0) {
                    ins.executeBatch();
                    rows.addAndGet(batchRows);
                    bytes.addAndGet(batchBytes);
                }
            }
        } catch (SQLException e) {
            throw new ProviderException.Precondition("copying " + what + " failed: " + src.redact(dst.redact(e.getMessage()))
                    + " (error " + e.getErrorCode() + ")", e);
        }
        status(what, tableRows);
    }

    private void status(String table, long tableRows) {
        long now = System.nanoTime();
        if (now - lastStatus < 500_000_000L) return;
        lastStatus = now;
        progress.status("copying " + table + ": " + tableRows + " rows; in all " + rows.get() + " rows, "
                + bytes.get() / (1024 * 1024) + " MiB");
    }

    /** Views, routines, triggers and events, after the rows (so triggers do not fire during the copy). */
    private void copyObjects(Session src, Session dst, String db) {
        try {
            copyObjectsOf(src, dst, db);
        } catch (io.rdsreplication.provider.mysql.SqlErrors.SqlFailure e) {
            if (e.code() == 1419) {
                throw new ProviderException.Precondition("the rows of " + db + " are copied, but the RDS instance refused its "
                        + "routines/triggers: set log_bin_trust_function_creators = 1 in the instance's DB parameter group "
                        + "(RDS master users lack SUPER), or set copyRoutines: false and create them yourself", e);
            }
            throw e;
        }
    }

    private void copyObjectsOf(Session src, Session dst, String db) {
        String q = Sql.quoteIdentifier(db);
        exec(dst, "USE " + q);
        List<String> views = new ArrayList<>();
        for (var v : src.query("SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME", db)) {
            views.add(SnapshotSql.withoutDefiner(src.query("SHOW CREATE VIEW " + q + "." + Sql.quoteIdentifier(v.get("TABLE_NAME")))
                    .get(0).get("Create View")));
        }
        // views on views: retry until no progress
        for (int round = 0; round < views.size() + 1 && !views.isEmpty(); round++) {
            List<String> left = new ArrayList<>();
            for (String v : views) {
                try {
                    exec(dst, v);
                } catch (ProviderException e) {
                    left.add(v);
                }
            }
            if (left.size() == views.size()) throw new ProviderException.Precondition("could not create the views of " + db + " on the RDS instance");
            views = left;
        }
        for (var r : src.query("SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?", db)) {
            String type = r.get("ROUTINE_TYPE");
            var row = src.query("SHOW CREATE " + type + " " + q + "." + Sql.quoteIdentifier(r.get("ROUTINE_NAME"))).get(0);
            String ddl = row.get("Create Procedure") != null ? row.get("Create Procedure") : row.get("Create Function");
            if (ddl != null) exec(dst, SnapshotSql.withoutDefiner(ddl));
        }
        for (var tr : src.query("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?", db)) {
            String ddl = src.query("SHOW CREATE TRIGGER " + q + "." + Sql.quoteIdentifier(tr.get("TRIGGER_NAME"))).get(0).get("SQL Original Statement");
            exec(dst, SnapshotSql.withoutDefiner(ddl));
        }
        for (var ev : src.query("SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?", db)) {
            String ddl = src.query("SHOW CREATE EVENT " + q + "." + Sql.quoteIdentifier(ev.get("EVENT_NAME"))).get(0).get("Create Event");
            exec(dst, SnapshotSql.withoutDefiner(ddl));
        }
    }
}
