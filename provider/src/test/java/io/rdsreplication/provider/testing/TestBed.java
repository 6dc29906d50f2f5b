package io.rdsreplication.provider.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The running test bed, as written by `make testbed-up` to .testbed/env. */
public final class TestBed {
    private static Map<String, String> env;

    private TestBed() {
    }

    public static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("schema.json"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("project root (with schema.json) not found");
        return p;
    }

    public static synchronized Map<String, String> env() {
        if (env == null) {
            Path f = root().resolve(".testbed/env");
            if (!Files.exists(f)) throw new IllegalStateException(f + " is missing: run `make testbed-up` first");
            Map<String, String> m = new LinkedHashMap<>();
            try {
                for (String line : Files.readAllLines(f)) {
                    int i = line.indexOf('=');
                    if (i > 0 && !line.startsWith("#")) m.put(line.substring(0, i), unquote(line.substring(i + 1)));
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            env = m;
        }
        return env;
    }

    /** testbed.sh single-quotes a value that is more than a plain word (the file is also sourced by shells). */
    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("'") && v.endsWith("'") ? v.substring(1, v.length() - 1) : v;
    }

    public static String get(String key) {
        String v = env().get(key);
        if (v == null) throw new IllegalStateException(key + " missing from .testbed/env");
        return v;
    }

    public static int sourcePort() {
        return Integer.parseInt(get("SOURCE_PORT"));
    }

    public static int replicaPort() {
        return Integer.parseInt(get("REPLICA_PORT"));
    }

    /**
     * Whether the second source runs: testbed.sh starts it (the source's engine, server-id 3) beside an RDS for MySQL
     * replica only, for multi-source replication (the *_for_channel procedures), and then writes SOURCE2_* to
     * .testbed/env.
     */
    public static boolean hasSource2() {
        return env().containsKey("SOURCE2_PORT");
    }

    public static int source2Port() {
        return Integer.parseInt(get("SOURCE2_PORT"));
    }

    /** The source's engine id (mariadb1011, mariadb114, mysql80, mysql9, mariadb118: see testbed/engines.sh). */
    public static String sourceEngine() {
        return env().getOrDefault("SOURCE_ENGINE", "mariadb1011");
    }

    /** The RDS-like replica's engine id. */
    public static String replicaEngine() {
        return env().getOrDefault("REPLICA_ENGINE", "mariadb1011");
    }

    public static boolean sourceIsMysql() {
        return "mysql".equals(env().getOrDefault("SOURCE_FLAVOR", "mariadb"));
    }

    public static boolean replicaIsMysql() {
        return "mysql".equals(env().getOrDefault("REPLICA_FLAVOR", "mariadb"));
    }

    /** {major, minor} of a server's VERSION() as recorded in .testbed/env (SOURCE_VERSION / REPLICA_VERSION). */
    static int[] version(String key) {
        var m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(env().getOrDefault(key, "10.11"));
        return m.find() ? new int[]{Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : new int[]{0, 0};
    }

    /** MySQL 8.2+ (8.4, 9.x): SHOW BINARY LOG STATUS only; SHOW MASTER STATUS is a syntax error from 8.4. */
    static boolean binaryLogStatusSyntax(String versionKey) {
        int[] v = version(versionKey);
        return v[0] > 8 || (v[0] == 8 && v[1] >= 2);
    }

    public static Connection sourceRoot() throws SQLException {
        return connect(sourcePort(), get("SOURCE_ROOT_USER"), get("SOURCE_ROOT_PASSWORD"));
    }

    /** Root on the second source (see {@link #hasSource2()}). */
    public static Connection source2() throws SQLException {
        return connect(source2Port(), get("SOURCE2_ROOT_USER"), get("SOURCE2_ROOT_PASSWORD"));
    }

    public static Connection replicaRoot() throws SQLException {
        return connect(replicaPort(), get("REPLICA_ROOT_USER"), get("REPLICA_ROOT_PASSWORD"));
    }

    public static Connection replicaAdmin() throws SQLException {
        return connect(replicaPort(), get("REPLICA_ADMIN_USER"), get("REPLICA_ADMIN_PASSWORD"));
    }

    public static Connection connect(int port, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("sslMode", "DISABLED");
        p.setProperty("connectTimeout", "5000");
        p.setProperty("socketTimeout", "60000");
        // MySQL's test roots use caching_sha2_password: without TLS, its first login fetches the server's RSA key
        p.setProperty("allowPublicKeyRetrieval", Boolean.toString(sourceIsMysql() || replicaIsMysql()));
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/", p);
    }

    public static List<Map<String, String>> query(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<Map<String, String>> out = new ArrayList<>();
            var md = rs.getMetaData();
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) row.put(md.getColumnLabel(i), rs.getString(i));
                out.add(row);
            }
            return out;
        }
    }

    public static void exec(Connection c, String... sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : sql) st.execute(s);
        }
    }

    /**
     * The replica status row as root (empty map when not configured): SHOW REPLICA STATUS on MySQL, SHOW SLAVE
     * STATUS on MariaDB. Every column is there under both naming generations (Slave_IO_Running and
     * Replica_IO_Running, Master_Host and Source_Host, Exec_Master_Log_Pos and Exec_Source_Log_Pos, …), whichever
     * the server used.
     */
    public static Map<String, String> replicaStatus() throws SQLException {
        try (Connection c = replicaRoot()) {
            var rows = query(c, replicaIsMysql() ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS");
            return rows.isEmpty() ? Map.of() : bothGenerations(rows.get(0));
        }
    }

    /** The MySQL replica's status row of one channel as root (names compare without case), empty when it has none. */
    public static Map<String, String> channelStatus(String channel) throws SQLException {
        try (Connection c = replicaRoot()) {
            for (var row : query(c, "SHOW REPLICA STATUS")) {
                if (channel.equalsIgnoreCase(row.get("Channel_Name"))) return row;
            }
            return Map.of();
        }
    }

    /** A status row with each column also under the other generation's name (the server's own name wins). */
    public static Map<String, String> bothGenerations(Map<String, String> row) {
        Map<String, String> out = new LinkedHashMap<>(row);
        for (var e : row.entrySet()) {
            out.putIfAbsent(otherGeneration(e.getKey()), e.getValue());
        }
        return out;
    }

    /** Master ↔ Source, Slave ↔ Replica as words of a column name (not Replicate_Do_DB), keeping their case. */
    static String otherGeneration(String name) {
        StringBuilder out = new StringBuilder();
        var m = java.util.regex.Pattern.compile("(?i)(?<![a-z])(master|source|slave|replica)(?![a-z])").matcher(name);
        int last = 0;
        while (m.find()) {
            String w = m.group();
            String to = switch (w.toLowerCase(java.util.Locale.ROOT)) {
                case "master" -> "source";
                case "source" -> "master";
                case "slave" -> "replica";
                default -> "slave";
            };
            if (Character.isUpperCase(w.charAt(0))) to = Character.toUpperCase(to.charAt(0)) + to.substring(1);
            out.append(name, last, m.start()).append(to);
            last = m.end();
        }
        return out.append(name.substring(last)).toString();
    }

    /**
     * Leaves the replica with no replication configured (as root). The replica's own GTID history stays on
     * MySQL (gtid_executed, as on RDS); MariaDB's gtid_slave_pos is cleared.
     */
    public static void resetReplica() throws SQLException {
        try (Connection c = replicaRoot()) {
            if (replicaIsMysql()) {
                exec(c, "STOP REPLICA", "RESET REPLICA ALL");
            } else {
                exec(c, "STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL gtid_slave_pos = ''");
            }
        }
    }

    /** Source coordinates as root: [file, position]. */
    public static String[] sourcePosition() throws SQLException {
        try (Connection c = sourceRoot()) {
            var r = query(c, sourceIsMysql() && binaryLogStatusSyntax("SOURCE_VERSION") ? "SHOW BINARY LOG STATUS"
                    : "SHOW MASTER STATUS").get(0);
            return new String[]{r.get("File"), r.get("Position")};
        }
    }

    /** Waits (bounded) until {@code sql} as replica or source root returns at least one row; returns the rows. */
    public static List<Map<String, String>> awaitRows(boolean onReplica, String sql, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            try (Connection c = onReplica ? replicaRoot() : sourceRoot()) {
                var rows = query(c, sql);
                if (!rows.isEmpty()) return rows;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not seen within " + seconds + " s: " + sql);
    }

    /** Waits up to {@code seconds} for {@code sql} on the replica (as root) to return {@code expected}. */
    public static String waitForReplica(String sql, String expected, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        String last = null;
        while (System.nanoTime() < end) {
            try (Connection c = replicaRoot()) {
                var rows = query(c, sql);
                last = rows.isEmpty() ? null : rows.get(0).values().iterator().next();
                if (expected.equals(last)) return last;
            } catch (SQLException e) {
                last = e.getMessage();
            }
            Thread.sleep(100);
        }
        return last;
    }

    /** An EC2 client for moto (the caller closes it). */
    public static software.amazon.awssdk.services.ec2.Ec2Client ec2() {
        return moto(software.amazon.awssdk.services.ec2.Ec2Client.builder()).build();
    }

    /** An RDS client for moto (the caller closes it). */
    public static software.amazon.awssdk.services.rds.RdsClient rds() {
        return moto(software.amazon.awssdk.services.rds.RdsClient.builder()).build();
    }

    private static <B extends software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, ?>
            & software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, ?>> B moto(B b) {
        return b.region(software.amazon.awssdk.regions.Region.of(get("AWS_REGION")))
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("testing", "testing")))
                .endpointOverride(java.net.URI.create(get("AWS_ENDPOINT_URL")))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create());
    }

    public static String unique(String prefix) {
        return prefix + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    }
}
