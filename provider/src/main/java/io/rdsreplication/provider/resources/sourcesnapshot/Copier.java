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
    /** A batch ends past this many bytes (on the test bed, 8 MiB batches were no faster: one 278 MiB table, loopback). */
    private static final long BATCH_BYTES = 1024 * 1024;
    private static final int BATCH_ROWS = 5_000;

    record Result(String binlogFile, long binlogPosition, String gtid, int tables, long rows, long bytes, long lockMillis,
                  long durationMillis) {
    }

    /**
     * {@code load}: the table's LOAD DATA statement, null when its rows go as INSERTs (a type LOAD DATA cannot take
     * exactly). {@code addKeys}: the ALTER TABLE that adds the secondary keys left out of its CREATE TABLE (null:
     * none left out), run when {@code pending} (its tasks still reading, its batches not yet written) reaches 0.
     */
    private record Table(String db, String name, List<String> columns, List<String> types, String pk, long dataBytes, String load,
                         String addKeys, java.util.concurrent.atomic.AtomicInteger pending) {
    }

    /** One unit of reading: a table, or one primary-key range of a big table. */
    private record Task(Table table, String where, long estimate) {
    }

    /**
     * Rows read from the source, on their way to a replica writer: as LOAD DATA's text ({@code data}, {@code size}
     * bytes of it) or as values ({@code rows}) for INSERTs. {@code count} rows, {@code bytes} of values,
     * {@code kib} of the copy's buffer. Neither data nor rows: no more batches.
     */
    private record Batch(Table table, int[] kinds, List<Object[]> rows, byte[] data, int size, int count, long bytes, int kib) {
    }

    private static final Batch END = new Batch(null, null, null, null, 0, 0, 0, 0);
    /**
     * Tables at least this big (by the source's DATA_LENGTH) are created without their plain secondary keys, which
     * are added once the rows are in: one sorted build instead of an insert into each key for every row, which
     * turns into random reads once the key outgrows the instance's buffer pool. RDSREPLICATION_COPY_DEFER_KEYS_BYTES
     * overrides it (tests: 0, every table).
     */
    private static final long DEFER_KEYS_BYTES = Long.parseLong(System.getenv().getOrDefault("RDSREPLICATION_COPY_DEFER_KEYS_BYTES",
            Long.toString(64L * 1024 * 1024)));
    /**
     * Rows read but not yet written, at most: while the RDS instance stalls (InnoDB flushing, a big commit) the
     * readers keep the link busy into this buffer instead of waiting. 64 MiB, or a quarter of the heap if that is
     * less (RDSREPLICATION_JAVA_OPTS=-Xmx…).
     */
    private static final int BUFFER_KIB = (int) Math.min(64 * 1024, Runtime.getRuntime().maxMemory() / 4 / 1024);
    /** Tables bigger than this (by the source's DATA_LENGTH) are read as primary-key ranges by several workers. */
    private static final long CHUNK_BYTES = 64L * 1024 * 1024;
    private static final int MAX_CHUNKS = 256;
    /** A source whose round trip takes longer than this is across a network: its rows are read compressed. */
    private static final double REMOTE_RTT_MILLIS = 1.0;
    /** SHOW CREATE TABLE statements sent in one round trip. */
    private static final int DDL_PER_TRIP = 200;

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
    private volatile boolean compressed;
    /** Rows go as LOAD DATA LOCAL (the RDS instance has local_infile = 1), else as INSERTs. */
    private volatile boolean loadData;
    private volatile long started;

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
        started = t0;
        List<Session> workers = new ArrayList<>();
        List<Session> writers = new ArrayList<>();
        // several statements in one round trip: the schema of thousands of tables must not cost a round trip each
        Session coord = openSession(source, "source", Map.of("allowMultiQueries", "true"));
        Session lock = openSession(source, "source", Map.of());
        long lockStart = 0;
        long lockMillis = 0;
        ScheduledExecutorService heartbeat = null;
        utc(coord);
        compressed = compression(coord);
        Map<String, String> workerProps = compressed ? Map.of("useCompression", "true") : Map.of();
        for (int i = 0; i < parallelism; i++) {
            Session w = openSession(source, "source", workerProps);
            workers.add(w);
            utc(w);
            Map<String, String> writerProps = new java.util.HashMap<>(LoadData.connectProperties());
            writerProps.put("allowMultiQueries", "true");
            Session r = openSession(replica, "replica", writerProps);
            LoadData.arm(r);
            writers.add(r);
            utc(r);
            // READ COMMITTED: inserts take no gap locks, so writers sharing a table rarely meet. UNIQUE_CHECKS stays on
            // for MariaDB: with it and FOREIGN_KEY_CHECKS off, MariaDB 10.6+ loads an empty InnoDB table in a bulk mode
            // that locks the whole table until the statement commits, so writers sharing a table queue behind each
            // other and can time out (MDEV-32735)
            exec(r, "SET SESSION FOREIGN_KEY_CHECKS = 0", "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
                    "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'");
            if (r.server().isMysql()) exec(r, "SET SESSION UNIQUE_CHECKS = 0");
        }
        loadData = loadDataAllowed(writers.get(0));
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
                    : lockMillis > 0 ? ", commits blocked for " + lockMillis + " ms" : ", no lock taken")
                    + (compressed ? "; rows read compressed (the source is across a network)" : ""));

            List<Table> tables = new ArrayList<>();
            Session r0 = writers.get(0);
            for (String db : databases) tables.addAll(createSchema(coord, r0, db));
            copyRows(tasks(tables, workers.get(0)), workers, writers);
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

    /**
     * Whether the RDS instance takes LOAD DATA LOCAL: its local_infile (a DB parameter group setting). When it
     * does not, the user is told what the INSERTs cost. RDSREPLICATION_COPY_WRITE=insert forces INSERTs (benchmarks).
     */
    private boolean loadDataAllowed(Session replicaSession) {
        if ("insert".equals(System.getenv("RDSREPLICATION_COPY_WRITE"))) return false;
        String v = nz(replicaSession.queryString("SELECT @@GLOBAL.local_infile"));
        if (v.equals("1") || v.equalsIgnoreCase("ON")) return true;
        progress.warn("the RDS instance has local_infile = 0 (its DB parameter group): the copy's rows go as INSERT statements, "
                + "which load more slowly than LOAD DATA LOCAL; set local_infile = 1 to copy faster");
        return false;
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

    /**
     * Whether the workers read compressed (zlib, the classic protocol's one algorithm that the JDBC driver speaks
     * with both MariaDB and MySQL): yes when the source is across a network, told by the round trip of a
     * trivial statement (the fastest of five); on a local link compression only costs CPU on both ends.
     * RDSREPLICATION_COPY_COMPRESSION=on|off overrides the choice (benchmarks).
     */
    private boolean compression(Session coord) {
        String forced = System.getenv("RDSREPLICATION_COPY_COMPRESSION");
        if ("on".equals(forced)) return true;
        if ("off".equals(forced)) return false;
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t = System.nanoTime();
            coord.queryString("SELECT 1");
            best = Math.min(best, System.nanoTime() - t);
        }
        LOG.fine("source round trip " + best / 1000 + " us");
        return best / 1e6 >= REMOTE_RTT_MILLIS;
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
        // the tables, their columns, sizes and primary keys: three statements for the whole database
        Map<String, Long> size = new java.util.LinkedHashMap<>();
        for (var t : src.query("SELECT TABLE_NAME, DATA_LENGTH FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? "
                + "AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME", db)) {
            String len = t.get("DATA_LENGTH");
            size.put(t.get("TABLE_NAME"), len == null ? 0 : Long.parseLong(len));
        }
        Map<String, List<String[]>> columns = new java.util.HashMap<>();
        for (var c : src.query("SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? "
                + "ORDER BY TABLE_NAME, ORDINAL_POSITION", db)) {
            columns.computeIfAbsent(c.get("TABLE_NAME"), k -> new ArrayList<>())
                    .add(new String[]{c.get("COLUMN_NAME"), c.get("DATA_TYPE"), nz(c.get("EXTRA"))});
        }
        Map<String, List<String>> keys = new java.util.HashMap<>();
        for (var k : src.query("SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? "
                + "AND INDEX_NAME = 'PRIMARY' ORDER BY TABLE_NAME, SEQ_IN_INDEX", db)) {
            keys.computeIfAbsent(k.get("TABLE_NAME"), x -> new ArrayList<>()).add(k.get("COLUMN_NAME"));
        }
        List<String> names = new ArrayList<>(size.keySet());
        // tables that foreign keys point to keep their keys (a referencing table needs its index at CREATE)
        java.util.Set<String> referenced = new java.util.HashSet<>();
        if (size.values().stream().anyMatch(b -> b >= DEFER_KEYS_BYTES)) {
            for (var r : src.query("SELECT REFERENCED_TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE UNIQUE_CONSTRAINT_SCHEMA = ?", db)) {
                referenced.add(r.get("REFERENCED_TABLE_NAME"));
            }
        }
        List<Table> out = new ArrayList<>();
        for (int from = 0; from < names.size(); from += DDL_PER_TRIP) {
            ctx.checkCancelled();
            List<String> part = names.subList(from, Math.min(names.size(), from + DDL_PER_TRIP));
            List<String> ddls = showCreateTables(src, db, part);
            StringBuilder create = new StringBuilder("USE " + Sql.quoteIdentifier(db));
            Map<String, String> addKeys = new java.util.HashMap<>();
            for (int i = 0; i < part.size(); i++) {
                String name = part.get(i);
                String ddl = ddls.get(i);
                SnapshotSql.DeferredKeys d = size.get(name) >= DEFER_KEYS_BYTES && !referenced.contains(name)
                        ? SnapshotSql.deferSecondaryKeys(ddl, autoIncrement(columns.getOrDefault(name, List.of()))) : null;
                if (d != null) {
                    ddl = d.create();
                    addKeys.put(name, d.alter(db, name));
                }
                create.append(";\n").append(ddl);
            }
            exec(dst, create.toString());
            for (String name : part) {
                List<String> cols = new ArrayList<>();
                List<String> types = new ArrayList<>();
                String pkType = null;
                List<String> pk = keys.getOrDefault(name, List.of());
                for (String[] c : columns.getOrDefault(name, List.of())) {
                    if (pk.size() == 1 && pk.get(0).equals(c[0])) pkType = c[1];
                    String extra = c[2].toUpperCase();
                    if (extra.contains("GENERATED") || extra.contains("VIRTUAL") || extra.contains("PERSISTENT") || extra.contains("STORED")) continue;
                    cols.add(c[0]);
                    types.add(c[1]);
                }
                String splitBy = pkType != null && SnapshotSql.isInteger(pkType) ? pk.get(0) : null;
                String load = LoadData.loadable(types) ? LoadData.statement(db, name, cols, types) : null;
                out.add(new Table(db, name, cols, types, splitBy, size.get(name), load, addKeys.get(name),
                        new java.util.concurrent.atomic.AtomicInteger()));
            }
        }
        return out;
    }

    private static String autoIncrement(List<String[]> columns) {
        for (String[] c : columns) if (c[2].toLowerCase().contains("auto_increment")) return c[0];
        return null;
    }

    /** SHOW CREATE TABLE for several tables in one round trip (a multi-statement), in the order given. */
    private static List<String> showCreateTables(Session src, String db, List<String> names) {
        StringBuilder sql = new StringBuilder();
        for (String n : names) {
            if (sql.length() > 0) sql.append(';');
            sql.append("SHOW CREATE TABLE ").append(Sql.quoteIdentifier(db)).append('.').append(Sql.quoteIdentifier(n));
        }
        List<String> out = new ArrayList<>();
        try (Statement st = src.jdbc().createStatement()) {
            boolean isResult = st.execute(sql.toString());
            while (true) {
                if (isResult) {
                    try (ResultSet rs = st.getResultSet()) {
                        while (rs.next()) out.add(rs.getString(2));
                    }
                } else if (st.getUpdateCount() == -1) {
                    break;
                }
                isResult = st.getMoreResults();
            }
        } catch (SQLException e) {
            throw new ProviderException.Precondition("reading the definitions of the tables of " + db + " on the source failed: "
                    + src.redact(e.getMessage()) + " (error " + e.getErrorCode() + ")", e);
        }
        if (out.size() != names.size()) {
            throw new ProviderException.Precondition("the source returned " + out.size() + " table definitions for " + names.size()
                    + " tables of " + db + "; was a table dropped during the copy? Try again");
        }
        return out;
    }

    /**
     * The reading plan: tables bigger than CHUNK_BYTES with an integer primary key become primary-key ranges
     * (MIN and MAX read inside the snapshot), so several workers share one big table; biggest first, so the
     * last task to end is a small one.
     */
    private List<Task> tasks(List<Table> tables, Session inSnapshot) {
        List<Task> out = new ArrayList<>();
        for (Table t : tables) {
            if (t.columns().isEmpty()) continue;
            int n = (int) Math.min(MAX_CHUNKS, (t.dataBytes() + CHUNK_BYTES - 1) / CHUNK_BYTES);
            if (parallelism > 1 && t.pk() != null && n > 1) {
                ctx.checkCancelled();
                String q = Sql.quoteIdentifier(t.pk());
                var mm = inSnapshot.query("SELECT MIN(" + q + ") AS lo, MAX(" + q + ") AS hi FROM " + Sql.quoteIdentifier(t.db()) + "."
                        + Sql.quoteIdentifier(t.name())).get(0);
                if (mm.get("lo") != null) {
                    List<String> ranges = SnapshotSql.ranges(t.pk(), new java.math.BigInteger(mm.get("lo")), new java.math.BigInteger(mm.get("hi")), n);
                    for (String w : ranges) out.add(new Task(t, w, t.dataBytes() / ranges.size()));
                    t.pending().addAndGet(ranges.size());
                    continue;
                }
            }
            out.add(new Task(t, null, t.dataBytes()));
            t.pending().incrementAndGet();
        }
        out.sort((a, b) -> Long.compare(b.estimate(), a.estimate()));
        return out;
    }

    /**
     * Readers and writers run apart, joined by a queue of batches: each source connection streams its tasks' rows
     * without waiting for the RDS instance, and each replica connection writes whatever batch comes next, so the
     * link stays busy while the replica writes, and through its stalls. Memory: batches of at most BUFFER_KIB
     * in all wait in the queue (a reader waits for room), plus one being filled per reader and one being written
     * per writer, each about BATCH_BYTES (or one row, if bigger).
     */
    private void copyRows(List<Task> tasks, List<Session> workers, List<Session> writers) {
        ConcurrentLinkedQueue<Task> queue = new ConcurrentLinkedQueue<>(tasks);
        java.util.concurrent.BlockingQueue<Batch> batches = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.Semaphore room = new java.util.concurrent.Semaphore(BUFFER_KIB);
        java.util.concurrent.atomic.AtomicInteger readersLeft = new java.util.concurrent.atomic.AtomicInteger(workers.size());
        ExecutorService pool = Executors.newFixedThreadPool(workers.size() + writers.size(), r -> {
            Thread t = new Thread(r, "copy");
            t.setDaemon(true);
            return t;
        });
        try {
            java.util.concurrent.ExecutorCompletionService<Void> done = new java.util.concurrent.ExecutorCompletionService<>(pool);
            for (Session src : workers) {
                done.submit(() -> {
                    Task t;
                    while ((t = queue.poll()) != null) {
                        read(src, t, batches, room);
                        Table table = t.table();
                        if (table.addKeys() != null && table.pending().decrementAndGet() == 0) {
                            put(batches, room, new Batch(table, null, null, null, 0, 0, 0, 0)); // a writer adds its keys
                        }
                    }
                    exec(src, "COMMIT"); // this worker's snapshot is no longer needed: its metadata locks go now
                    if (readersLeft.decrementAndGet() == 0) {
                        LOG.fine(() -> "phase: " + since() + " every row read from the source, " + (BUFFER_KIB - room.availablePermits()) / 1024
                                + " MiB of them still to write");
                        for (int i = 0; i < writers.size(); i++) batches.put(END);
                    }
                    return null;
                });
            }
            for (Session dst : writers) done.submit(() -> {
                write(dst, batches, room);
                return null;
            });
            for (int i = 0; i < workers.size() + writers.size(); i++) {
                try {
                    done.take().get();
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
            pool.shutdownNow(); // wakes readers and writers blocked on the queue after a failure
        }
    }

    /** Streams one task's rows from the source into batches. */
    private void read(Session src, Task task, java.util.concurrent.BlockingQueue<Batch> batches, java.util.concurrent.Semaphore room)
            throws InterruptedException {
        Table t = task.table();
        String select = SnapshotSql.select(t.db(), t.name(), t.columns(), t.types(), task.where());
        boolean floats = t.types().stream().anyMatch(x -> x.equalsIgnoreCase("float") || x.equalsIgnoreCase("double")
                || x.equalsIgnoreCase("real"));
        boolean encode = loadData && t.load() != null;
        Connection in = src.jdbc();
        String what = t.db() + "." + t.name();
        try (PreparedStatement sel = floats
                ? in.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).serverPrepareStatement(select, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)
                : in.prepareStatement(select, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            sel.setFetchSize(Integer.MIN_VALUE);
            try (ResultSet rs = sel.executeQuery()) {
                var md = rs.getMetaData();
                int n = md.getColumnCount();
                int[] kinds = new int[n];
                for (int i = 0; i < n; i++) kinds[i] = md.getColumnType(i + 1);
                if (encode) {
                    readEncoded(rs, t, kinds, !floats, batches, room);
                    return;
                }
                List<Object[]> rows = new ArrayList<>();
                long batchBytes = 0;
                while (rs.next()) {
                    Object[] row = new Object[n];
                    long rowBytes = 0;
                    for (int i = 1; i <= n; i++) {
                        switch (kinds[i - 1]) {
                            case Types.FLOAT, Types.REAL, Types.DOUBLE -> {
                                Object o = rs.getObject(i);
                                row[i - 1] = o == null ? null : ((Number) o).doubleValue();
                                rowBytes += 8;
                            }
                            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB, Types.BIT -> {
                                byte[] b = rs.getBytes(i);
                                row[i - 1] = b;
                                rowBytes += b == null ? 0 : b.length;
                            }
                            default -> {
                                String s = rs.getString(i);
                                row[i - 1] = s;
                                rowBytes += s == null ? 0 : s.length();
                            }
                        }
                    }
                    rows.add(row);
                    batchBytes += rowBytes;
                    if (batchBytes >= BATCH_BYTES || rows.size() >= BATCH_ROWS) {
                        ctx.checkCancelled();
                        put(batches, room, new Batch(t, kinds, rows, null, 0, rows.size(), batchBytes, kib(batchBytes * 2)));
                        rows = new ArrayList<>();
                        batchBytes = 0;
                    }
                }
                if (!rows.isEmpty()) put(batches, room, new Batch(t, kinds, rows, null, 0, rows.size(), batchBytes, kib(batchBytes * 2)));
            }
        } catch (SQLException e) {
            throw new ProviderException.Precondition("reading " + what + " from the source failed: " + src.redact(e.getMessage())
                    + " (error " + e.getErrorCode() + ")", e);
        }
    }

    /**
     * Rows straight into LOAD DATA's text. Through the text protocol ({@code raw}) a value's bytes are already
     * its exact text in UTF-8 (the connection's result character set): they are escaped, never decoded. Through
     * the binary protocol (tables with FLOAT/DOUBLE columns, which the text protocol would round) values are
     * read by type. Binary columns go as hex either way.
     */
    private void readEncoded(ResultSet rs, Table t, int[] kinds, boolean raw, java.util.concurrent.BlockingQueue<Batch> batches,
                             java.util.concurrent.Semaphore room) throws SQLException, InterruptedException {
        int n = kinds.length;
        boolean[] bin = new boolean[n];
        for (int i = 0; i < n; i++) bin[i] = LoadData.binary(t.types().get(i));
        LoadData.Buffer buf = new LoadData.Buffer();
        int count = 0;
        long valueBytes = 0;
        while (rs.next()) {
            for (int i = 1; i <= n; i++) {
                if (i > 1) buf.tab();
                int k = kinds[i - 1];
                if (!raw && (k == Types.FLOAT || k == Types.REAL || k == Types.DOUBLE)) {
                    Object o = rs.getObject(i);
                    buf.value(o == null ? null : ((Number) o).doubleValue());
                    valueBytes += 8;
                } else if (raw || bin[i - 1]) {
                    byte[] v = rs.getBytes(i);
                    if (v == null) buf.value(null);
                    else if (bin[i - 1]) buf.value(v);
                    else buf.escaped(v);
                    valueBytes += v == null ? 0 : v.length;
                } else {
                    String v = rs.getString(i);
                    buf.value(v);
                    valueBytes += v == null ? 0 : v.length();
                }
            }
            buf.newline();
            count++;
            if (buf.size >= BATCH_BYTES) {
                ctx.checkCancelled();
                put(batches, room, new Batch(t, kinds, null, buf.bytes, buf.size, count, valueBytes, kib(buf.size)));
                buf = new LoadData.Buffer();
                count = 0;
                valueBytes = 0;
            }
        }
        if (count > 0) put(batches, room, new Batch(t, kinds, null, buf.bytes, buf.size, count, valueBytes, kib(buf.size)));
    }

    /** A batch's share of the copy's buffer, in KiB (a batch bigger than the whole buffer takes all of it). */
    private static int kib(long bytes) {
        return (int) Math.max(1, Math.min(BUFFER_KIB, (bytes + 1023) / 1024));
    }

    private static void put(java.util.concurrent.BlockingQueue<Batch> batches, java.util.concurrent.Semaphore room, Batch b)
            throws InterruptedException {
        if (b.count() > 0 && b.table().addKeys() != null) b.table().pending().incrementAndGet();
        room.acquire(b.kib());
        batches.put(b);
    }

    /**
     * Writes batches until the readers say there are no more: LOAD DATA LOCAL from memory ({@link LoadData}) for
     * batches read as its text, multi-row INSERTs for the others.
     */
    private void write(Session dst, java.util.concurrent.BlockingQueue<Batch> batches, java.util.concurrent.Semaphore room)
            throws InterruptedException {
        String what = "";
        try (Statement st = dst.jdbc().createStatement()) {
            st.setEscapeProcessing(false);
            long packet = Long.parseLong(dst.queryString("SELECT @@max_allowed_packet"));
            int limit = (int) Math.min(8L << 20, Math.max(64 << 10, packet / 4));
            StringBuilder sql = new StringBuilder(256 << 10);
            while (true) {
                Batch b = batches.take();
                if (b.table() == null) return;
                ctx.checkCancelled();
                Table t = b.table();
                what = t.db() + "." + t.name();
                if (b.count() == 0) {
                    addKeys(dst, t);
                    continue;
                }
                if (b.data() != null) load(st, t, b);
                else sql = insertRows(dst, st, t, b, sql, limit);
                room.release(b.kib());
                if (t.addKeys() != null && t.pending().decrementAndGet() == 0) addKeys(dst, t);
                rows.addAndGet(b.count());
                bytes.addAndGet(b.bytes());
                status(what);
            }
        } catch (SQLException e) {
            throw new ProviderException.Precondition("writing " + what + " on the RDS instance failed: " + dst.redact(e.getMessage())
                    + " (error " + e.getErrorCode() + ")", e);
        }
    }

    private String since() {
        return "+" + (System.nanoTime() - started) / 1_000_000 + " ms";
    }

    /** The secondary keys left out of a big table's CREATE TABLE, once all its rows are in. */
    private void addKeys(Session dst, Table t) {
        progress.status("adding the secondary keys of " + t.db() + "." + t.name() + " (" + rows.get() + " rows copied in all)");
        long t0 = System.nanoTime();
        exec(dst, t.addKeys());
        LOG.fine(() -> "phase: " + since() + " keys of " + t.db() + "." + t.name() + " added in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    /**
     * One batch through LOAD DATA LOCAL. LOCAL turns duplicate keys into skipped rows, so the server's count of
     * loaded rows must be the batch's.
     */
    private void load(Statement st, Table t, Batch b) throws SQLException, InterruptedException {
        long loaded;
        for (int attempt = 1; ; attempt++) {
            try {
                loaded = LoadData.load(st, t.load(), b.data(), b.size());
                break;
            } catch (SQLException e) {
                if (LoadData.refused(e)) {
                    throw new ProviderException.Precondition("the RDS instance refused LOAD DATA LOCAL although its local_infile was 1 "
                            + "when the copy began (was the DB parameter group changed?): run pulumi up again, the copy then starts "
                            + "over and uses INSERT statements if local_infile is 0", e);
                }
                if ((e.getErrorCode() != 1213 && e.getErrorCode() != 1205) || attempt >= 10) throw e;
                LOG.fine("load chosen as a deadlock victim; again (" + attempt + ")");
                Thread.sleep(10L * attempt);
            }
        }
        if (loaded != b.count()) {
            throw new ProviderException.Precondition("the RDS instance loaded " + loaded + " of " + b.count() + " rows into "
                    + t.db() + "." + t.name() + " (a duplicate key on the RDS instance, or a value it cannot store); the copy stops "
                    + "rather than lose rows");
        }
    }

    /**
     * One batch as multi-row INSERT statements written here in one pass, each under a quarter of the RDS
     * instance's max_allowed_packet; a row too big for that alone goes through a prepared statement. Returns the
     * builder to reuse.
     */
    private static StringBuilder insertRows(Session dst, Statement st, Table t, Batch b, StringBuilder sql, int limit)
            throws SQLException, InterruptedException {
        String head = SnapshotSql.insertHead(t.db(), t.name(), t.columns());
        sql.setLength(0);
        sql.append(head);
        int inStatement = 0;
        for (Object[] row : b.rows()) {
            int mark = sql.length();
            sql.append(inStatement == 0 ? "(" : ",(");
            for (int i = 0; i < row.length; i++) {
                if (i > 0) sql.append(',');
                SnapshotSql.appendLiteral(sql, row[i]);
            }
            sql.append(')');
            if (sql.length() - mark > limit) { // this row alone is too big for a statement of literals
                sql.setLength(mark);
                insertPrepared(dst, t, b.kinds(), row);
                continue;
            }
            inStatement++;
            if (sql.length() > limit) {
                insert(st, sql.toString());
                sql.setLength(0);
                sql.append(head);
                inStatement = 0;
            }
        }
        if (inStatement > 0) insert(st, sql.toString());
        return sql.capacity() > 4 << 20 ? new StringBuilder(256 << 10) : sql; // after an unusually big batch
    }

    /**
     * One multi-row INSERT. Writers share the ranges of a big table, so InnoDB may pick one of two inserts as a
     * deadlock victim: the statement was rolled back whole (autocommit), so it is sent again.
     */
    private static void insert(Statement st, String sql) throws SQLException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                st.executeUpdate(sql);
                return;
            } catch (SQLException e) {
                if ((e.getErrorCode() != 1213 && e.getErrorCode() != 1205) || attempt >= 10) throw e;
                LOG.fine("insert chosen as a deadlock victim; again (" + attempt + ")");
                Thread.sleep(10L * attempt);
            }
        }
    }

    private static void insertPrepared(Session dst, Table t, int[] kinds, Object[] row) throws SQLException {
        try (PreparedStatement ins = dst.jdbc().prepareStatement(SnapshotSql.insert(t.db(), t.name(), t.columns()))) {
            for (int i = 1; i <= kinds.length; i++) {
                Object v = row[i - 1];
                switch (kinds[i - 1]) {
                    case Types.FLOAT, Types.REAL, Types.DOUBLE -> {
                        if (v == null) ins.setNull(i, Types.DOUBLE);
                        else ins.setDouble(i, (Double) v);
                    }
                    case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB, Types.BIT -> {
                        if (v == null) ins.setNull(i, Types.VARBINARY);
                        else ins.setBytes(i, (byte[]) v);
                    }
                    default -> {
                        if (v == null) ins.setNull(i, Types.VARCHAR);
                        else ins.setString(i, (String) v);
                    }
                }
            }
            ins.executeUpdate();
        }
    }

    private void status(String table) {
        long now = System.nanoTime();
        if (now - lastStatus < 500_000_000L) return;
        lastStatus = now;
        progress.status("copying " + table + "; in all " + rows.get() + " rows, " + bytes.get() / (1024 * 1024) + " MiB");
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
