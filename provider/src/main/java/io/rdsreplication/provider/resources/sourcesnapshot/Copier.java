package io.rdsreplication.provider.resources.sourcesnapshot;

import io.rdsreplication.provider.core.Cancellation;
import io.rdsreplication.provider.resources.Context;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

    /** A table left in each database while its copy is incomplete; the next create copies such a database again. */
    static final String MARKER = "_rdsreplication_copy_incomplete";
    private static final long HEARTBEAT_MILLIS = 10_000;
    /** Seconds of silence after which the source drops the lock connection (and its lock) if the plugin is gone. */
    private static final int LOCK_IDLE_SECONDS = 60;

    private final ConnectionSpec source;
    private final ConnectionSpec replica;
    private final List<String> databases;
    private final boolean readOnly;
    private final int parallelism;
    private final boolean copyRoutines;
    private final Context ctx;
    private final Progress progress;
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final List<Session> open = new CopyOnWriteArrayList<>();
    private volatile long lastStatus;
    private volatile boolean marked;

    Copier(ConnectionSpec source, ConnectionSpec replica, List<String> databases, String lockMode, int parallelism,
           boolean copyRoutines, Context ctx) {
        this.source = source;
        this.replica = replica;
        this.databases = databases;
        this.readOnly = "readOnly".equals(lockMode);
        this.parallelism = parallelism;
        this.copyRoutines = copyRoutines;
        this.ctx = ctx;
        this.progress = ctx.progress();
    }

    private Session openSession(ConnectionSpec spec, String role, Map<String, String> extra) {
        ctx.checkCancelled();
        Session s = Session.open(spec, role, extra);
        open.add(s);
        return s;
    }

    /**
     * Cancel: every connection of the copy is killed on its server (KILL ends a statement that waits for a
     * lock, and drops that connection's locks at once) and then closed without a goodbye.
     */
    private void abortAll() {
        LOG.info("cancel: aborting the copy's " + open.size() + " connections");
        killOn(source, "source", open.stream().filter(x -> x.spec() == source).toList());
        killOn(replica, "replica", open.stream().filter(x -> x.spec() == replica).toList());
        for (Session x : open) x.abort();
    }

    private static void killOn(ConnectionSpec spec, String role, List<Session> sessions) {
        if (sessions.isEmpty()) return;
        try (Session k = Session.open(spec, role)) {
            for (Session x : sessions) {
                try {
                    k.executeRaw("KILL " + x.connectionId());
                } catch (RuntimeException e) {
                    LOG.fine("KILL on " + role + ": " + e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            LOG.fine("cannot reach the " + role + " to stop the copy's statements: " + e.getMessage());
        }
    }

    Result run() {
        try (Cancellation.Registration reg = ctx.onCancel(this::abortAll)) {
            Result r = copy();
            for (Session x : open) x.close(); // done: a polite goodbye
            open.clear();
            return r;
        } catch (RuntimeException e) {
            if (ctx.cancellation().isCancelled()) {
                throw new Cancellation.Cancelled("the copy was cancelled; its connections are closed, so the source holds no lock "
                        + "from it" + (marked ? ". " + incomplete() : ""));
            }
            if (!marked || e instanceof ProviderException.InvalidInput) throw e;
            throw new ProviderException.Precondition((e.getMessage() == null ? e.toString() : e.getMessage()) + ". " + incomplete(), e);
        } finally {
            // after a failure, aborted rather than closed: a worker inside a streamed SELECT would otherwise be read to its end;
            // the server drops every lock of a connection that goes away (FTWRL, BACKUP STAGE, metadata locks)
            for (Session x : open) x.abort();
            open.clear();
        }
    }

    private String incomplete() {
        return "Databases whose copy began are marked incomplete on the RDS instance (table " + MARKER
                + "); the next pulumi up copies them again";
    }

    private Result copy() {
        long t0 = System.nanoTime();
        List<Session> workers = new ArrayList<>();
        List<Session> writers = new ArrayList<>();
        Session coord = openSession(source, "source", Map.of());
        Session lock = openSession(source, "source", Map.of());
        long lockStart = 0;
        long lockMillis = 0;
        ScheduledExecutorService heartbeat = null;
        utc(coord);
        for (int i = 0; i < parallelism; i++) {
            Session w = openSession(source, "source", Map.of());
            workers.add(w);
            utc(w);
            Session r = openSession(replica, "replica", Map.of("rewriteBatchedStatements", "true"));
            writers.add(r);
            utc(r);
            exec(r, "SET SESSION FOREIGN_KEY_CHECKS = 0", "SET SESSION UNIQUE_CHECKS = 0",
                    "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'");
        }
        boolean mariadb = coord.server().isMariadb();
        boolean backupStage = mariadb && coord.server().atLeast(10, 4, 0);
        Coordinates at;
        ctx.checkCancelled();
        progress.status("opening a consistent snapshot of the source");
        if (readOnly) {
            // The runbook's read-only window, held by the server for this one connection: FLUSH TABLES WITH READ
            // LOCK blocks every write (SUPER users too) until UNLOCK TABLES or until the connection goes away. It
            // never changes read_only, so a killed plugin, a cut link or a crash cannot leave the source
            // read-only: the server drops the lock with the connection (at once on a close; after
            // LOCK_IDLE_SECONDS of silence when the link is cut, kept alive meanwhile by a heartbeat).
            exec(lock, "SET SESSION wait_timeout = " + LOCK_IDLE_SECONDS);
            lockStart = System.nanoTime();
            exec(lock, "FLUSH TABLES WITH READ LOCK");
            heartbeat = heartbeat(lock);
            for (Session w : workers) exec(w, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
            at = coordinates(lock);
            progress.warn("lockMode readOnly: writes on the source wait until the copy ends");
        } else if (mariadb && parallelism == 1) {
            exec(workers.get(0), "START TRANSACTION WITH CONSISTENT SNAPSHOT");
            Map<String, String> st = snapshotStatus(workers.get(0));
            String file = nz(st.get("Binlog_snapshot_file"));
            long pos = file.isEmpty() ? 0 : Long.parseLong(st.get("Binlog_snapshot_position"));
            at = new Coordinates(file, pos, "");
        } else {
            lockStart = System.nanoTime();
            exec(lock, backupStage ? new String[]{"BACKUP STAGE START", "BACKUP STAGE BLOCK_COMMIT"}
                    : new String[]{"FLUSH TABLES WITH READ LOCK"});
            try {
                for (Session w : workers) exec(w, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
                // binlog coordinates and (MySQL) the executed GTID set, read together while commits are blocked
                at = coordinates(lock);
            } finally {
                exec(lock, backupStage ? "BACKUP STAGE END" : "UNLOCK TABLES");
                lockMillis = (System.nanoTime() - lockStart) / 1_000_000;
            }
        }
        try {
            if (at.file().isEmpty()) {
                throw new ProviderException.Precondition("the source has no binary log (log_bin is off): replication needs it; "
                        + "enable log_bin and restart the source");
            }
            String file = at.file();
            long pos = at.position();
            String gtid = mariadb ? nz(coord.queryString("SELECT BINLOG_GTID_POS(?, ?)", file, pos)) : at.gtid();
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
                    + (readOnly ? ", source locked for writes until the copy ends"
                    : lockMillis > 0 ? ", commits blocked for " + lockMillis + " ms" : ", no lock taken"));

            List<Table> tables = new ArrayList<>();
            Session r0 = writers.get(0);
            for (String db : databases) tables.addAll(createSchema(coord, r0, db));
            copyRows(tables, workers, writers);
            if (copyRoutines) for (String db : databases) copyObjects(coord, r0, db);
            ctx.checkCancelled();
            for (String db : databases) exec(r0, "DROP TABLE IF EXISTS " + Sql.quoteIdentifier(db) + "." + Sql.quoteIdentifier(MARKER));
            if (readOnly) {
                exec(lock, "UNLOCK TABLES");
                lockMillis = (System.nanoTime() - lockStart) / 1_000_000;
            }
            long dur = (System.nanoTime() - t0) / 1_000_000;
            progress.info("copied " + tables.size() + " tables, " + rows.get() + " rows, " + bytes.get() / (1024 * 1024) + " MiB in "
                    + dur + " ms");
            return new Result(file, pos, gtid, tables.size(), rows.get(), bytes.get(), lockMillis, dur);
        } finally {
            if (heartbeat != null) heartbeat.shutdownNow();
        }
    }

    /** Keeps the lock connection from looking idle to the source (its wait_timeout is short on purpose). */
    private ScheduledExecutorService heartbeat(Session lock) {
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lock-heartbeat");
            t.setDaemon(true);
            return t;
        });
        ex.scheduleWithFixedDelay(() -> {
            try {
                lock.queryString("SELECT 1");
            } catch (RuntimeException e) {
                LOG.fine("lock heartbeat: " + e.getMessage());
            }
        }, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
        return ex;
    }

    record Coordinates(String file, long position, String gtid) {
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

    /**
     * The source's binlog coordinates in one statement: SHOW BINARY LOG STATUS (MySQL 8.2+, the only form on
     * 8.4 and 9.x) or SHOW MASTER STATUS; on MySQL the same row carries Executed_Gtid_Set, the GTID set of
     * exactly these coordinates (read under the caller's lock).
     */
    static Coordinates coordinates(Session s) {
        var rows = s.query(SnapshotSql.binlogStatus(s.server()));
        if (rows.isEmpty()) return new Coordinates("", 0, "");
        var r = rows.get(0);
        String gtid = s.server().isMysql() ? SnapshotSql.gtidSet(r.get("Executed_Gtid_Set")) : "";
        return new Coordinates(nz(r.get("File")), Long.parseLong(r.get("Position")), gtid);
    }

    private static Map<String, String> snapshotStatus(Session s) {
        Map<String, String> m = new java.util.HashMap<>();
        for (var row : s.query("SHOW STATUS LIKE 'binlog_snapshot_%'")) m.put(row.get("Variable_name"), row.get("Value"));
        return m;
    }

    private List<Table> createSchema(Session src, Session dst, String db) {
        String createDb = src.query("SHOW CREATE DATABASE " + Sql.quoteIdentifier(db)).get(0).get("Create Database");
        ctx.checkCancelled();
        exec(dst, "DROP DATABASE IF EXISTS " + Sql.quoteIdentifier(db));
        exec(dst, createDb);
        exec(dst, "CREATE TABLE " + Sql.quoteIdentifier(db) + "." + Sql.quoteIdentifier(MARKER)
                + " (note VARCHAR(200)) COMMENT 'an interrupted SourceSnapshot copy; the next pulumi up copies this database again'");
        marked = true;
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
                    exec(src, "COMMIT"); // this worker's snapshot is no longer needed: its metadata locks go now
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    queue.clear();
                    Throwable c = e.getCause();
                    if (c instanceof Cancellation.Cancelled cc) throw cc;
                    String why = c instanceof ProviderException pe ? pe.getMessage() : String.valueOf(c);
                    throw new ProviderException.Precondition("the copy stopped: " + why, c);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Cancellation.Cancelled("the copy was interrupted");
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
                        ctx.checkCancelled();
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
