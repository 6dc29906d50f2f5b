package io.rdsreplication.provider.bench;

import io.rdsreplication.provider.testing.Scratch;
import io.rdsreplication.provider.testing.ProviderProcess;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * `make bench` through bench/wan.sh (not part of `make test`): SourceSnapshot against the runbook's
 * `mariadb-dump --single-transaction [--compress] --order-by-primary | mariadb` and mydumper/myloader, every copy
 * reading the source through the same shaped link (bench/wan.sh: a shared rate limit and a latency each way),
 * the replica local. Data shapes: mixed tables, one big table, many small tables (BENCH_MB MiB each, BENCH_TABLES
 * small tables). The link's limit: the bytes our copy sent across it divided by its rate.
 */
class WanBench {
    static final String DB = "rdsrepl_wan";
    static final java.util.concurrent.atomic.AtomicLong LAST_COPY_MILLIS = new java.util.concurrent.atomic.AtomicLong();
    static final java.util.concurrent.atomic.AtomicLong LAST_CPU_MILLIS = new java.util.concurrent.atomic.AtomicLong();
    /**
     * The copies to run: the baselines and ours by default; the variants of ours (ours-keys: keys built during the
     * load, ours-insert: INSERTs instead of LOAD DATA, ours-plain: compression off, ours-c1: JIT C1 only, ours-xmx:
     * a 128 MiB heap) on request, since each adds a copy per shape and link.
     */
    static final List<String> TOOLS = List.of(System.getenv().getOrDefault("BENCH_TOOLS", "dumpz,dump,mydumper,ours").split(","));
    static final int THREADS = Integer.parseInt(System.getenv().getOrDefault("BENCH_THREADS", "4"));

    record Profile(String name, int mbit, int ms) {
        boolean loopback() {
            return mbit == 0;
        }
    }

    /**
     * {@code cpu}: CPU seconds spent during the copy by the copier (the tool or the plugin, with their children),
     * the source server, the replica server and the link's helpers (Toxiproxy, the forwarders): on this machine they
     * all share the same cores, which no real deployment does.
     */
    /**
     * A baseline tool (dump pipe, mydumper) that runs longer than this many seconds is stopped and reported as taking
     * more than that (BENCH_TOOL_TIMEOUT, default 600): the runbook's pipe crosses a 20 ms link several times per
     * table, so 10,000 tables alone can take it most of an hour.
     */
    static final int TOOL_TIMEOUT = Integer.parseInt(System.getenv().getOrDefault("BENCH_TOOL_TIMEOUT", "600"));

    /** A baseline stopped at TOOL_TIMEOUT. */
    static final class Capped extends Exception {
    }

    /** {@code capped}: the tool was stopped at TOOL_TIMEOUT, so {@code millis} is a lower bound. */
    record Figure(String tool, long millis, long linkBytes, long peakRssKb, long copyMillis, long cpuMillis, double[] cpu, boolean capped) {
    }

    @Test
    void wan() throws Exception {
        assumeTrue(System.getProperty("bench") != null && System.getProperty("wan.port") != null, "run through bench/wan.sh");
        int mb = Integer.parseInt(System.getenv().getOrDefault("BENCH_MB", "1024"));
        int small = Integer.parseInt(System.getenv().getOrDefault("BENCH_TABLES", "10000"));
        List<Profile> profiles = new ArrayList<>();
        for (String p : System.getenv().getOrDefault("BENCH_PROFILES", "100:20,1000:2,loopback").split(",")) {
            if (p.equals("loopback")) profiles.add(new Profile("loopback", 0, 0));
            else {
                String[] a = p.split(":");
                profiles.add(new Profile(a[0] + " Mbit/s + " + a[1] + " ms each way", Integer.parseInt(a[0]), Integer.parseInt(a[1])));
            }
        }
        Path dir = Scratch.dir("wanbench");
        Path src = dir.resolve("src.cnf");
        Path dst = dir.resolve("dst.cnf");
        Files.writeString(src, cnf(TestBed.get("SOURCE_ROOT_USER"), TestBed.get("SOURCE_ROOT_PASSWORD")));
        Files.writeString(dst, cnf(TestBed.get("REPLICA_ROOT_USER"), TestBed.get("REPLICA_ROOT_PASSWORD")));
        try {
            for (String shape : System.getenv().getOrDefault("BENCH_SHAPES", "mixed,onebig,small").split(",")) {
                long t0 = System.nanoTime();
                generate(shape, mb, small);
                long rowsAt = rowCount(true);
                System.out.printf("wan: shape %s: %s, %d rows, %d MiB of data on the source (generated in %d s)%n", shape, describe(shape, mb, small),
                        rowsAt, dataBytes() >> 20, (System.nanoTime() - t0) / 1_000_000_000L);
                Map<Profile, Figure> oursBy = new LinkedHashMap<>();
                for (Profile p : profiles) {
                    int port = p.loopback() ? TestBed.sourcePort() : Integer.getInteger("wan.port");
                    if (!p.loopback()) sh(System.getProperty("wan.script") + " profile " + p.mbit() + " " + p.ms(), Map.of());
                    List<Figure> figs = new ArrayList<>();
                    if (TOOLS.contains("dumpz")) figs.add(measure("mariadb-dump --compress | mariadb", rowsAt, () -> dumpPipe(port, src, dst, true)));
                    if (TOOLS.contains("dump")) figs.add(measure("mariadb-dump | mariadb", rowsAt, () -> dumpPipe(port, src, dst, false)));
                    if (TOOLS.contains("mydumper")) {
                        figs.add(measure("mydumper -C -t " + THREADS + " -r 100000, then myloader -e -t " + THREADS, rowsAt,
                                () -> mydumper(port, src, dst, dir)));
                    }
                    Figure ours = measure("SourceSnapshot (parallelism " + THREADS + ", as launched)", rowsAt, () -> ours(port, Map.of()));
                    figs.add(ours);
                    for (String v : System.getenv().getOrDefault("BENCH_VARIANTS", "").split(";")) {
                        if (v.isBlank()) continue; // e.g. RDSREPLICATION_COPY_WRITERS=2,RDSREPLICATION_COPY_BATCH_KIB=4096
                        Map<String, String> env = new LinkedHashMap<>();
                        for (String kv : v.split(",")) env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                        figs.add(measure("SourceSnapshot, " + v, rowsAt, () -> ours(port, env)));
                    }
                    if (TOOLS.contains("ours-keys")) {
                        figs.add(measure("SourceSnapshot, secondary keys built during the load", rowsAt,
                                () -> ours(port, Map.of("RDSREPLICATION_COPY_DEFER_KEYS_BYTES", Long.toString(Long.MAX_VALUE)))));
                    }
                    if (TOOLS.contains("ours-insert")) {
                        figs.add(measure("SourceSnapshot, rows as INSERTs (where local_infile = 0)", rowsAt,
                                () -> ours(port, Map.of("RDSREPLICATION_COPY_WRITE", "insert"))));
                    }
                    if (TOOLS.contains("ours-plain") && !p.loopback() && p.mbit() <= 100) {
                        figs.add(measure("SourceSnapshot, compression off", rowsAt,
                                () -> ours(port, Map.of("RDSREPLICATION_COPY_COMPRESSION", "off"))));
                    }
                    if (TOOLS.contains("ours-xmx")) {
                        figs.add(measure("SourceSnapshot, heap capped (-Xmx128m)", rowsAt,
                                () -> ours(port, Map.of("RDSREPLICATION_JAVA_OPTS", "-Xmx128m"))));
                    }
                    if (TOOLS.contains("ours-c1") && (p.loopback() || p.mbit() >= 1000)) {
                        figs.add(measure("SourceSnapshot, JIT C1 only (TieredStopAtLevel=1, the launcher before)", rowsAt,
                                () -> ours(port, Map.of("RDSREPLICATION_JAVA_OPTS", "-XX:TieredStopAtLevel=1"))));
                    }
                    report(shape, p, figs, ours);
                    oursBy.put(p, ours);
                }
                floor(shape, oursBy);
            }
        } finally {
            dropOnReplica();
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "SET SESSION sql_log_bin = 0", "DROP DATABASE IF EXISTS " + DB, "FLUSH BINARY LOGS", "PURGE BINARY LOGS BEFORE NOW()");
            }
            for (Path f : List.of(src, dst)) Files.deleteIfExists(f);
            sh("rm -rf " + dir, Map.of());
        }
    }

    static String describe(String shape, int mb, int small) {
        return switch (shape) {
            case "mixed" -> "one table of half the data, three of a tenth, one of random bytes, 20 small ones";
            case "onebig" -> "one table";
            default -> small + " tables of 20 rows";
        };
    }

    static void report(String shape, Profile p, List<Figure> figs, Figure ours) {
        System.out.printf("wan: --- %s, %s%n", shape, p.name());
        for (Figure f : figs) {
            System.out.printf("wan:   %-52s %s%8.1f s  %8.1f MiB across  ours/this %s %.2f%s%n", f.tool(), f.capped() ? ">" : " ",
                    f.millis() / 1000.0, f.linkBytes() / 1048576.0, f.capped() ? "<" : "=", (double) ours.millis() / f.millis(), f.peakRssKb() > 0
                            ? String.format("  (copy itself %.1f s, plugin CPU %.1f s, peak RSS %d MiB)", f.copyMillis() / 1000.0,
                            f.cpuMillis() / 1000.0, f.peakRssKb() >> 10) : "");
        }
        for (Figure f : figs) {
            double[] c = f.cpu();
            System.out.printf("wan:     CPU s of %-44s copier %5.1f  source %5.1f  replica %5.1f  link %5.1f  all %5.1f (%.0f%% of %d cores)%n",
                    f.tool(), c[0], c[1], c[2], c[3], c[0] + c[1] + c[2] + c[3],
                    100 * (c[0] + c[1] + c[2] + c[3]) / (f.millis() / 1000.0) / CORES, CORES);
        }
        if (!p.loopback()) {
            double limit = ours.linkBytes() * 8.0 / (p.mbit() * 1e6);
            System.out.printf("wan:   link limit (our %.1f MiB at %d Mbit/s): %.1f s; ours/limit = %.2f%n", ours.linkBytes() / 1048576.0,
                    p.mbit(), limit, ours.millis() / 1000.0 / limit);
        }
    }

    /**
     * Our copy on loopback (no link at all) against each link's limit: when it is near ours/limit through the link,
     * this machine's cores (source, RDS stand-in, copier and link helpers on the same ones), not the link, set the pace.
     */
    static void floor(String shape, Map<Profile, Figure> oursBy) {
        Figure local = oursBy.entrySet().stream().filter(e -> e.getKey().loopback()).map(Map.Entry::getValue).findFirst().orElse(null);
        if (local == null) return;
        for (var e : oursBy.entrySet()) {
            Profile p = e.getKey();
            if (p.loopback()) continue;
            double limit = e.getValue().linkBytes() * 8.0 / (p.mbit() * 1e6);
            System.out.printf("wan: floor of %s at %d Mbit/s: ours/limit = %.2f through the link, %.2f with no link at all (loopback, %.1f s)%n",
                    shape, p.mbit(), e.getValue().millis() / 1000.0 / limit, local.millis() / 1000.0 / limit, local.millis() / 1000.0);
        }
    }

    interface Run {
        long call() throws Exception; // peak RSS in KiB, or 0
    }

    static final int CORES = Runtime.getRuntime().availableProcessors();

    /** CPU seconds so far: this JVM's waited-for children; the source and replica servers; the link's helpers. */
    static double[] cpuNow() throws Exception {
        Path tb = TestBed.root().resolve(".testbed");
        double link = 0;
        for (String h : List.of("toxiproxy", "fwd-host", "fwd-ns")) link += cpuOf(tb.resolve("wan/" + h + ".pid"), true);
        return new double[]{cpuOf(Path.of("/proc/self/stat"), false, true), cpuOf(tb.resolve("source/mysqld.pid"), false),
                cpuOf(tb.resolve("replica/mysqld.pid"), false), link};
    }

    static double cpuOf(Path pidFile, boolean withChildren) throws Exception {
        if (!Files.exists(pidFile)) return 0;
        Path stat = Path.of("/proc/" + Files.readString(pidFile).trim() + "/stat");
        return Files.exists(stat) ? cpuOf(stat, withChildren, false) : 0;
    }

    /** utime + stime (+ cutime + cstime) of a /proc/PID/stat, at 100 ticks a second; {@code childrenOnly}: just the latter. */
    static double cpuOf(Path stat, boolean withChildren, boolean childrenOnly) throws Exception {
        String[] f = Files.readString(stat).replaceFirst("^.*\\) ", "").split(" ");
        long self = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        long children = Long.parseLong(f[13]) + Long.parseLong(f[14]);
        return (childrenOnly ? children : withChildren ? self + children : self) / 100.0;
    }

    static Figure measure(String tool, long rows, Run run) throws Exception {
        dropOnReplica();
        long b0 = linkBytes();
        double[] c0 = cpuNow();
        long t0 = System.nanoTime();
        LAST_COPY_MILLIS.set(0);
        LAST_CPU_MILLIS.set(0);
        long rss = 0;
        boolean capped = false;
        try {
            rss = run.call();
        } catch (Capped e) {
            capped = true;
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        double[] c1 = cpuNow();
        double[] cpu = new double[4];
        for (int i = 0; i < 4; i++) cpu[i] = c1[i] - c0[i];
        long b = linkBytes() - b0;
        long got = capped ? rows : rowCount(false);
        if (got != rows) throw new AssertionError(tool + " copied " + got + " rows of " + rows);
        return new Figure(tool, ms, b, rss, LAST_COPY_MILLIS.get(), LAST_CPU_MILLIS.get(), cpu, capped);
    }

    /** Bytes sent into the shaped link (both directions cross it; the source's answers are nearly all of it). */
    static long linkBytes() throws Exception {
        String dev = System.getProperty("wan.link");
        Path p = Path.of("/sys/class/net/" + dev + "/statistics/tx_bytes");
        return dev == null || !Files.exists(p) ? 0 : Long.parseLong(Files.readString(p).trim());
    }

    static String cnf(String user, String password) {
        String body = "user=" + user + "\npassword=" + password + "\n";
        return "[client]\n" + body + "[mydumper]\n" + body + "[myloader]\n" + body;
    }

    static long dumpPipe(int port, Path src, Path dst, boolean compress) throws Exception {
        tool("mariadb-dump --defaults-extra-file=" + src + " -h127.0.0.1 -P" + port + " --single-transaction"
                + (compress ? " --compress" : "") + " --order-by-primary --databases " + DB
                + " | mariadb --defaults-extra-file=" + dst + " -h127.0.0.1 -P" + TestBed.replicaPort());
        return 0;
    }

    /**
     * mydumper then myloader, with compression on the source link and the threads of our copy. myloader runs with
     * --enable-binlog (-e): by default it turns the binary log off for its session, which an RDS instance's master
     * user may not do and should not (the instance's point-in-time recovery and read replicas read that log); our
     * copy and the runbook's pipe write it too.
     */
    static long mydumper(int port, Path src, Path dst, Path dir) throws Exception {
        Path out = dir.resolve("dump");
        tool("rm -rf " + out + " && mydumper --defaults-file=" + src + " -h 127.0.0.1 -P " + port + " -B " + DB + " -t " + THREADS
                + " -C -r 100000 --trx-consistency-only -v 1 -o " + out
                + " && myloader --defaults-file=" + dst + " -h 127.0.0.1 -P " + TestBed.replicaPort() + " -e -t " + THREADS
                + " -o -v 1 -d " + out + " && rm -rf " + out);
        return 0;
    }

    @SuppressWarnings("unchecked")
    static long ours(int port, Map<String, String> env) throws Exception {
        try (ProviderProcess p = ProviderProcess.start(env, "-v=5")) {
            Map<String, Object> cfg = ProviderProcess.testBedConfig();
            ((Map<String, Object>) cfg.get("source")).put("port", (double) port);
            p.configure(cfg);
            var r = p.create("rdsreplication:index:SourceSnapshot", p.checked("rdsreplication:index:SourceSnapshot", Map.of(),
                    Map.of("databases", List.of(DB), "parallelism", (double) THREADS, "overwrite", true)), false);
            LAST_COPY_MILLIS.set(((Number) ProviderProcess.decode(r.getProperties()).get("durationMillis")).longValue());
            // the copy's phases, with the plugin's own timestamps: when the last row was read, when keys were added
            for (String line : p.log().split("\n")) {
                int at = line.indexOf("phase: ");
                if (at >= 0) System.out.println("wan:       copy " + line.substring(at + 7));
            }
            return peakRssKb();
        }
    }

    /** VmHWM of the plugin's JVM (a child of this test, started through the launcher). */
    static long peakRssKb() throws Exception {
        for (ProcessHandle h : ProcessHandle.current().descendants().toList()) {
            String cmd = h.info().commandLine().orElse("");
            if (!cmd.contains("pulumi-resource-rdsreplication.jar")) continue;
            String[] stat = Files.readString(Path.of("/proc/" + h.pid() + "/stat")).replaceFirst("^.*\\) ", "").split(" ");
            LAST_CPU_MILLIS.set((Long.parseLong(stat[11]) + Long.parseLong(stat[12])) * 10); // utime + stime, at 100 ticks a second
            for (String line : Files.readAllLines(Path.of("/proc/" + h.pid() + "/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    /** A baseline's command: as {@link #sh}, but stopped (with every process it started) after TOOL_TIMEOUT seconds. */
    static void tool(String cmd) throws Exception {
        Path out = Scratch.file("tool", ".log");
        Process p = new ProcessBuilder("bash", "-o", "pipefail", "-c", cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            if (!p.waitFor(TOOL_TIMEOUT, java.util.concurrent.TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                System.out.printf("wan:     stopped after %d s (BENCH_TOOL_TIMEOUT): %s%n", TOOL_TIMEOUT, cmd.replaceFirst("^rm -rf \\S+ && ", "").replaceAll(" .*", ""));
                throw new Capped();
            }
            if (p.exitValue() != 0) throw new AssertionError("failed (" + p.exitValue() + "): " + Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static void sh(String cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-o", "pipefail", "-c", cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new AssertionError("failed (" + p.exitValue() + "): " + out);
    }

    /** Drops the copy and the replica's binary logs of it: each copy of BENCH_MB=1024 logs 1.5 GiB there. */
    static void dropOnReplica() throws Exception {
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "DROP DATABASE IF EXISTS " + DB, "FLUSH BINARY LOGS", "PURGE BINARY LOGS BEFORE NOW()");
        }
    }

    static long dataBytes() throws Exception {
        try (Connection c = TestBed.sourceRoot()) {
            return Long.parseLong(TestBed.query(c, "SELECT COALESCE(SUM(DATA_LENGTH), 0) AS n FROM information_schema.TABLES "
                    + "WHERE TABLE_SCHEMA = '" + DB + "'").get(0).get("n"));
        }
    }

    /** Exact: COUNT(*) of every table, summed. */
    static long rowCount(boolean source) throws Exception {
        try (Connection c = source ? TestBed.sourceRoot() : TestBed.replicaRoot()) {
            List<Map<String, String>> ts = TestBed.query(c, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
                    + DB + "' AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME <> '_rdsreplication_copy_incomplete'");
            long n = 0;
            for (int i = 0; i < ts.size(); i += 500) {
                StringBuilder q = new StringBuilder("SELECT 0");
                for (var t : ts.subList(i, Math.min(ts.size(), i + 500))) {
                    q.append(" + (SELECT COUNT(*) FROM ").append(DB).append(".`").append(t.get("TABLE_NAME")).append("`)");
                }
                n += Long.parseLong(TestBed.query(c, q + " AS n").get(0).get("n"));
            }
            return n;
        }
    }

    static final String WORDS = "ELT(1 + seq % 8, 'shipped to', 'returned by', 'paid by card of', 'awaiting', 'cancelled by', "
            + "'invoiced to', 'delivered to', 'picked up by')";
    static final String CITY = "ELT(1 + seq % 7, 'Berlin', 'Lyon', 'Porto', 'Austin', 'Osaka', 'Leeds', 'Turin')";

    /** Orders-like rows of about 200 bytes: numbers, dates, repetitive text, a hash (compress about 3:1, like real data). */
    static String orders(String table, long rows) {
        return "CREATE TABLE " + DB + "." + table + " (id BIGINT PRIMARY KEY, customer INT NOT NULL, amount DECIMAL(12,2), "
                + "created DATETIME, status VARCHAR(20), note VARCHAR(255), h CHAR(32), KEY (customer));\n"
                + "INSERT INTO " + DB + "." + table + " SELECT seq, seq % 100003, (seq % 100000) / 100, "
                + "'2020-01-01' + INTERVAL (seq % 100000000) SECOND, ELT(1 + seq % 4, 'open', 'paid', 'shipped', 'closed'), "
                + "CONCAT(" + WORDS + ", ' customer ', seq % 100003, ' in ', " + CITY + ", ', ', REPEAT('-', seq % 60)), MD5(seq) "
                + "FROM seq_1_to_" + rows;
    }

    static void generate(String shape, int mb, int small) throws Exception {
        long bytes = (long) mb << 20;
        try (Connection c = TestBed.connect(TestBed.sourcePort(), TestBed.get("SOURCE_ROOT_USER"), TestBed.get("SOURCE_ROOT_PASSWORD"))) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0", "DROP DATABASE IF EXISTS " + DB, "CREATE DATABASE " + DB, "USE " + DB);
            List<String> sql = new ArrayList<>();
            switch (shape) {
                case "onebig" -> sql.add(orders("orders", bytes / 85));
                case "mixed" -> {
                    sql.add(orders("orders", bytes / 2 / 85));
                    for (int i = 0; i < 3; i++) {
                        sql.add("CREATE TABLE " + DB + ".events" + i + " (id INT PRIMARY KEY, at TIMESTAMP NULL, score DOUBLE, body TEXT);\n"
                                + "INSERT INTO " + DB + ".events" + i + " SELECT seq, FROM_UNIXTIME(1600000000 + seq * 7), seq / 3, "
                                + "CONCAT('{\"user\":', seq % 5000, ',\"action\":\"', " + WORDS + ", '\",\"ip\":\"10.', seq % 256, '.', "
                                + "(seq DIV 256) % 256, '.1\",\"ua\":\"Mozilla/5.0 (X11; Linux x86_64)\",\"city\":\"', " + CITY + ", '\"}') "
                                + "FROM seq_1_to_" + bytes / 10 / 70);
                    }
                    sql.add("CREATE TABLE " + DB + ".files (id INT PRIMARY KEY, name VARCHAR(100), data VARBINARY(600));\n"
                            + "INSERT INTO " + DB + ".files SELECT seq, CONCAT('file-', seq, '.bin'), RANDOM_BYTES(500) FROM seq_1_to_"
                            + bytes / 10 / 540);
                    for (int i = 0; i < 20; i++) {
                        sql.add("CREATE TABLE " + DB + ".lookup" + i + " (id INT PRIMARY KEY, name VARCHAR(80), v INT);\n"
                                + "INSERT INTO " + DB + ".lookup" + i + " SELECT seq, CONCAT(" + CITY + ", ' ', seq), seq * 3 FROM seq_1_to_"
                                + Math.max(1, bytes / 100 / 20 / 60));
                    }
                }
                case "small" -> {
                    StringBuilder b = new StringBuilder();
                    for (int i = 0; i < small; i++) {
                        b.append("CREATE TABLE ").append(DB).append(".s").append(i).append(" (id INT PRIMARY KEY, name VARCHAR(50), v INT);\n")
                                .append("INSERT INTO ").append(DB).append(".s").append(i).append(" SELECT seq, CONCAT('row ', seq), seq FROM seq_1_to_20;\n");
                        if (i % 250 == 249 || i == small - 1) {
                            sql.add(b.toString());
                            b.setLength(0);
                        }
                    }
                }
                default -> throw new IllegalArgumentException("BENCH_SHAPES: unknown shape " + shape);
            }
            for (String s : sql) {
                for (String one : s.split(";\n")) {
                    // big INSERT … SELECT … FROM seq_1_to_N in slices: one statement must end within the connection's timeout
                    var m = java.util.regex.Pattern.compile("FROM seq_1_to_(\\d+)$").matcher(one);
                    long n = m.find() ? Long.parseLong(m.group(1)) : 0;
                    if (n <= 500_000) {
                        TestBed.exec(c, one);
                        continue;
                    }
                    for (long from = 1; from <= n; from += 500_000) {
                        TestBed.exec(c, one.substring(0, m.start()) + "FROM seq_" + from + "_to_" + Math.min(n, from + 499_999));
                    }
                }
            }
        }
    }
}
