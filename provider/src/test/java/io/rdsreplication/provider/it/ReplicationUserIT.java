package io.rdsreplication.provider.it;

import io.grpc.StatusRuntimeException;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.testing.ProviderProcess;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import pulumirpc.Provider;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ReplicationUser against the real MariaDB source, through the plugin process. */
@Tag("integration")
class ReplicationUserIT {
    static final String T = "rdsreplication:index:ReplicationUser";
    static ProviderProcess p;

    @BeforeAll
    static void start() throws Exception {
        p = ProviderProcess.start(Map.of(), "-v=9", "--logtostderr").configureTestBed();
    }

    @AfterAll
    static void stop() throws Exception {
        p.close();
    }

    static Map<String, String> account(String user, String host) throws SQLException {
        try (Connection c = TestBed.sourceRoot();
             PreparedStatement ps = c.prepareStatement("SELECT User, Host, Repl_slave_priv, Repl_client_priv, ssl_type FROM mysql.user WHERE User = ? AND Host = ?")) {
            ps.setString(1, user);
            ps.setString(2, host);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                return Map.of("User", rs.getString(1), "Host", rs.getString(2), "slave", rs.getString(3),
                        "client", rs.getString(4), "ssl", rs.getString(5));
            }
        }
    }

    /** MySQL or MariaDB as the source: from .testbed/env (SOURCE_FLAVOR), else from the server itself. */
    static synchronized boolean sourceIsMysql() throws SQLException {
        if (sourceIsMysql == null) {
            String flavor = TestBed.env().get("SOURCE_FLAVOR");
            if (flavor != null) {
                sourceIsMysql = flavor.equals("mysql");
            } else {
                try (Connection c = TestBed.sourceRoot()) {
                    sourceIsMysql = !TestBed.query(c, "SELECT VERSION() AS v").get(0).get("v").contains("MariaDB");
                }
            }
        }
        return sourceIsMysql;
    }

    static Boolean sourceIsMysql;

    /** Whether the source can load mysql_native_password (MariaDB and MySQL 8.0 can; MySQL 9.x removed it). */
    static boolean sourceHasNativePassword() throws SQLException {
        try (Connection c = TestBed.sourceRoot()) {
            return !TestBed.query(c, "SELECT PLUGIN_NAME FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'mysql_native_password' "
                    + "AND PLUGIN_STATUS = 'ACTIVE'").isEmpty();
        }
    }

    /**
     * A source login for an account made by root: on MySQL without mysql_native_password (9.x) the account has
     * caching_sha2_password, which logs in over TLS only (the test bed's source has a certificate).
     */
    static Map<String, Object> sourceLogin(String user, String password, boolean nativeAccount) {
        Map<String, Object> c = new LinkedHashMap<>(ProviderProcess.connection(TestBed.sourcePort(), user, password));
        if (!nativeAccount) c.put("tls", "required");
        return c;
    }

    /** Logs in as the account (over TLS when the server offers it, as caching_sha2_password needs a secure channel). */
    static boolean canLogIn(String user, String password) {
        return canLogIn(TestBed.sourcePort(), user, password);
    }

    static boolean canLogIn(int port, String user, String password) {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("sslMode", "PREFERRED");
        p.setProperty("allowPublicKeyRetrieval", "true");
        p.setProperty("connectTimeout", "5000");
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/", p)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    static Map<String, Object> create(Map<String, Object> news) {
        Map<String, Object> in = p.checked(T, Map.of(), news);
        Provider.CreateResponse r = p.create(T, in, false);
        Map<String, Object> out = ProviderProcess.decode(r.getProperties());
        out.put("__id", r.getId());
        return out;
    }

    @Test
    void fullLifecycle() throws Exception {
        String user = TestBed.unique("repl");
        String pw1 = "first'pw\\\"x";
        Map<String, Object> news = new LinkedHashMap<>(Map.of("user", user, "host", "127.0.0.1", "password", new Secret(pw1)));
        Map<String, Object> state = create(news);
        String id = (String) state.remove("__id");
        assertEquals(user + "@127.0.0.1", id);
        assertEquals(List.of("REPLICATION CLIENT", "REPLICATION SLAVE"), state.get("grants"));
        assertInstanceOf(Secret.class, state.get("password"));
        Map<String, String> acct = account(user, "127.0.0.1");
        assertEquals("Y", acct.get("slave"));
        assertEquals("Y", acct.get("client"));
        assertTrue(canLogIn(user, pw1));
        try (Connection c = TestBed.sourceRoot()) {
            String file = TestBed.sourcePosition()[0];
            assertTrue(TestBed.query(c, "SHOW BINLOG EVENTS IN '" + file + "'").stream()
                    .noneMatch(e -> String.valueOf(e.get("Info")).contains(user)), "account changes stay out of the binlog");
        }

        // unchanged program: no diff
        Map<String, Object> same = p.checked(T, news, news);
        assertEquals(Provider.DiffResponse.DiffChanges.DIFF_NONE, p.diff(T, id, state, same).getChanges());

        // rotate the password and require TLS, in place
        String pw2 = "second-pw-" + user;
        Map<String, Object> news2 = new LinkedHashMap<>(news);
        news2.put("password", new Secret(pw2));
        news2.put("requireSsl", true);
        Map<String, Object> in2 = p.checked(T, news, news2);
        var d = p.diff(T, id, state, in2);
        assertEquals(0, d.getReplacesCount());
        state = ProviderProcess.decode(p.update(T, id, state, in2).getProperties());
        assertEquals("ANY", account(user, "127.0.0.1").get("ssl"));
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "ALTER USER '" + user + "'@'127.0.0.1' REQUIRE NONE");
        }
        assertTrue(canLogIn(user, pw2));
        assertFalse(canLogIn(user, pw1));
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "ALTER USER '" + user + "'@'127.0.0.1' REQUIRE SSL");
        }

        // drift: a privilege revoked by hand shows on refresh and is granted again on update
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "REVOKE REPLICATION SLAVE ON *.* FROM '" + user + "'@'127.0.0.1'");
        }
        var read = p.read(T, id, state, in2);
        Map<String, Object> refreshed = ProviderProcess.decode(read.getProperties());
        assertEquals(List.of("REPLICATION CLIENT"), refreshed.get("grants"));
        var drift = p.diff(T, id, refreshed, p.checked(T, in2, news2));
        assertEquals(Provider.PropertyDiff.Kind.UPDATE, drift.getDetailedDiffOrThrow("grants").getKind());
        state = ProviderProcess.decode(p.update(T, id, refreshed, in2).getProperties());
        assertEquals("Y", account(user, "127.0.0.1").get("slave"));

        // a new host replaces
        Map<String, Object> news3 = new LinkedHashMap<>(news2);
        news3.put("host", "10.9.8.7");
        assertEquals(List.of("host"), p.diff(T, id, state, p.checked(T, in2, news3)).getReplacesList());

        // delete drops the account; a second delete is fine; read says gone
        p.delete(T, id, state);
        assertEquals(null, account(user, "127.0.0.1"));
        p.delete(T, id, state);
        assertEquals("", p.read(T, id, state, in2).getId());

        String log = p.log();
        assertTrue(log.length() > 0, "the provider logs at -v=9");
        assertFalse(log.contains(pw1) || log.contains(pw2), "a password reached the provider log");
    }

    @Test
    void generatedPasswordWorksAndIsSecret() throws Exception {
        String user = TestBed.unique("gen");
        Map<String, Object> state = create(Map.of("user", user, "host", "127.0.0.1"));
        Secret pw = (Secret) state.get("password");
        assertEquals(32, ((String) pw.value()).length());
        assertTrue(canLogIn(user, (String) pw.value()));
        p.delete(T, (String) state.get("__id"), state);
        assertFalse(p.log().contains((String) pw.value()));
    }

    @Test
    void existingAccountIsRefusedWithTheImportCommand() throws Exception {
        String user = TestBed.unique("exists");
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "CREATE USER '" + user + "'@'127.0.0.1' IDENTIFIED BY 'x'");
        }
        try {
            var e = assertThrows(StatusRuntimeException.class, () -> create(Map.of("user", user, "host", "127.0.0.1")));
            assertTrue(e.getStatus().getDescription().contains("pulumi import " + T), e.getMessage());
            assertTrue(e.getStatus().getDescription().contains(user + "@127.0.0.1"), e.getMessage());
            assertEquals("N", account(user, "127.0.0.1").get("slave"), "the existing account was not touched");
        } finally {
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "DROP USER IF EXISTS '" + user + "'@'127.0.0.1'");
            }
        }
    }

    @Test
    void anAccountLeftByALostCreateOfTheSameResourceIsFinished() throws Exception {
        // the server (or the provider) died after CREATE USER: the account exists with this resource's password
        String user = TestBed.unique("lost");
        String pw = "lost-attempt-" + user;
        // MySQL salts caching_sha2_password hashes: only a mysql_native_password account can be recognised there
        boolean mysql = sourceIsMysql();
        org.junit.jupiter.api.Assumptions.assumeTrue(!mysql || sourceHasNativePassword(), "this MySQL source has no "
                + "mysql_native_password (removed in 9.x) and its caching_sha2_password hashes are salted, so no lost create "
                + "can be recognised there (such an account is never adopted)");
        try (Connection c = TestBed.sourceRoot(); PreparedStatement ps = c.prepareStatement(
                "CREATE USER '" + user + "'@'127.0.0.1' IDENTIFIED " + (mysql ? "WITH mysql_native_password " : "") + "BY ?")) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0");
            ps.setString(1, pw);
            ps.execute();
        }
        Map<String, Object> news = new LinkedHashMap<>(Map.of("user", user, "host", "127.0.0.1", "password", new Secret(pw)));
        if (mysql) news.put("authPlugin", "mysql_native_password");
        Map<String, Object> state = create(news);
        assertEquals(List.of("REPLICATION CLIENT", "REPLICATION SLAVE"), state.get("grants"));
        assertEquals("Y", account(user, "127.0.0.1").get("slave"));
        p.delete(T, (String) state.get("__id"), state);
        assertEquals(null, account(user, "127.0.0.1"));
    }

    /**
     * The same resource's create runs again after its answer was lost (the provider or the source died after CREATE
     * USER): on every engine the account is finished, not refused — on MariaDB by its unsalted password hash, on
     * MySQL (salted caching_sha2_password hashes) by the owner attribute the create recorded.
     */
    @Test
    void aCreateRunAgainAfterItsAnswerWasLostFinishesTheAccountOnEveryEngine() throws Exception {
        String user = TestBed.unique("again");
        Map<String, Object> in = p.checked(T, Map.of(), Map.of("user", user, "host", "127.0.0.1"));
        p.create(T, in, false, "again");
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "REVOKE REPLICATION SLAVE ON *.* FROM '" + user + "'@'127.0.0.1'"); // as if killed before the GRANT
        }
        var r = p.create(T, in, false, "again");
        Map<String, Object> state = ProviderProcess.decode(r.getProperties());
        assertEquals(List.of("REPLICATION CLIENT", "REPLICATION SLAVE"), state.get("grants"));
        assertEquals("Y", account(user, "127.0.0.1").get("slave"));
        // another resource (another URN) never takes it over
        var e = org.junit.jupiter.api.Assertions.assertThrows(io.grpc.StatusRuntimeException.class,
                () -> p.create(T, p.checked(T, Map.of(), Map.of("user", user, "host", "127.0.0.1", "password", new Secret("other-pw"))), false, "other"));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        p.delete(T, r.getId(), state);
        assertEquals(null, account(user, "127.0.0.1"));
    }

    @Test
    void importByUserAtHost() throws Exception {
        String user = TestBed.unique("imp");
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "CREATE USER '" + user + "'@'10.%' IDENTIFIED BY 'x'",
                    "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + user + "'@'10.%'");
        }
        try {
            var r = p.read(T, user + "@10.%", Map.of(), Map.of());
            assertEquals(user + "@10.%", r.getId());
            Map<String, Object> in = ProviderProcess.decode(r.getInputs());
            assertEquals(user, in.get("user"));
            assertEquals("10.%", in.get("host"));
            Map<String, Object> out = ProviderProcess.decode(r.getProperties());
            assertEquals(List.of("REPLICATION CLIENT", "REPLICATION SLAVE"), out.get("grants"));
            // the program for it (no password given) shows no changes
            Map<String, Object> checked = p.checked(T, in, Map.of("user", user, "host", "10.%"));
            assertEquals(Provider.DiffResponse.DiffChanges.DIFF_NONE, p.diff(T, r.getId(), out, checked).getChanges());
            assertEquals("", p.read(T, user + "@10.9.%", Map.of(), Map.of()).getId());
        } finally {
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "DROP USER IF EXISTS '" + user + "'@'10.%'");
            }
        }
    }

    // ---- quoting: generated names and hosts, every sql_mode ----

    static final List<String> FRAGMENTS = List.of("'", "\\", "`", "\"", "--", "-- ", "/*", "*/", "?", "%", "_", ";", "#",
            "\\'", "''", "``", "\\\\", "${x}", "שלום", "\u0627\u0644\u0639", "日本", "ü", "\u202e", "\u200f", "🐬", " ", "\t", "\n");

    /** Each fragment leading, inside and trailing, and the names from the issue. */
    static List<String> generatedNames() {
        List<String> out = new java.util.ArrayList<>();
        for (String f : FRAGMENTS) {
            out.add(f + "a");
            out.add("a" + f + "b");
            out.add("a" + f);
        }
        out.add("x'; DROP DATABASE d; -- `\\"); // the issue's name; `d` is the canary database
        out.add("x\\");
        out.add("?");
        out.add("'");
        out.add("\\");
        return out;
    }

    /** What Check must refuse in a user name: characters MySQL/MariaDB cannot store, invisible ones, outer blanks. */
    static boolean refusedUser(String n) {
        return n.codePoints().anyMatch(c -> c > 0xFFFF || Character.getType(c) == Character.CONTROL
                || Character.getType(c) == Character.FORMAT) || !n.equals(n.strip());
    }

    static boolean refusedHost(String h) {
        return !h.matches("[A-Za-z0-9.:%_/\\-]+");
    }

    static String hex(String s) {
        return java.util.HexFormat.of().withUpperCase().formatHex(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static void setGlobalSqlMode(String mode) throws SQLException {
        try (Connection c = TestBed.sourceRoot(); PreparedStatement ps = c.prepareStatement("SET GLOBAL sql_mode = ?")) {
            ps.setString(1, mode);
            ps.execute();
        }
    }

    @Test
    void generatedHostileNamesAndHostsAreRefusedByNameOrCreatedExactlyInEverySqlMode() throws Exception {
        String saved;
        try (Connection c = TestBed.sourceRoot()) {
            saved = TestBed.query(c, "SELECT @@GLOBAL.sql_mode AS m").get(0).get("m");
            TestBed.exec(c, "CREATE DATABASE IF NOT EXISTS d", "SET GLOBAL log_output = 'TABLE'",
                    "TRUNCATE TABLE mysql.general_log", "SET GLOBAL general_log = 1");
        }
        int created = 0;
        int refused = 0;
        List<String> passwords = new java.util.ArrayList<>();
        try {
            int i = 0;
            for (String mode : List.of(saved, "NO_BACKSLASH_ESCAPES", "ANSI_QUOTES", "ANSI_QUOTES,NO_BACKSLASH_ESCAPES")) {
                setGlobalSqlMode(mode);
                List<String[]> cases = new java.util.ArrayList<>();
                for (String n : generatedNames()) cases.add(new String[]{n, "127.0.0.1"});
                for (String h : generatedNames()) cases.add(new String[]{"h", h});
                for (String h : List.of("127.0.0.%", "127.0.0._", "127.0.0.1/255.255.255.255", "localhost")) cases.add(new String[]{"h", h});
                for (String[] c : cases) {
                    String tag = "q" + Integer.toString(i++, 36) + "_";
                    String user = tag + c[0];
                    String host = c[1];
                    String pw = "pw'\\\"" + tag + "\\";
                    Map<String, Object> news = Map.of("user", user, "host", host, "password", new Secret(pw));
                    var check = p.check(T, Map.of(), news);
                    boolean expectRefused = refusedUser(user) || refusedHost(host);
                    if (check.getFailuresCount() > 0) {
                        assertTrue(expectRefused, "refused " + describe(user) + "@" + describe(host) + ": " + check.getFailuresList());
                        for (var f : check.getFailuresList()) {
                            assertTrue(f.getProperty().equals("user") && refusedUser(user) || f.getProperty().equals("host") && refusedHost(host),
                                    f.getProperty() + " for " + describe(user) + "@" + describe(host));
                        }
                        refused++;
                        continue;
                    }
                    assertFalse(expectRefused, "accepted " + describe(user) + "@" + describe(host));
                    passwords.add(pw);
                    Map<String, Object> state = create(news);
                    String id = (String) state.remove("__id");
                    created++;
                    try (Connection root = TestBed.sourceRoot(); PreparedStatement ps = root.prepareStatement(
                            "SELECT HEX(User) AS u, HEX(Host) AS h FROM mysql.user WHERE User = ?")) {
                        ps.setString(1, user);
                        var rows = new java.util.ArrayList<String[]>();
                        try (var rs = ps.executeQuery()) {
                            while (rs.next()) rows.add(new String[]{rs.getString(1), rs.getString(2)});
                        }
                        assertEquals(1, rows.size(), "exactly one account " + describe(user) + " in " + mode);
                        assertEquals(hex(user), rows.get(0)[0], "user byte for byte in " + mode);
                        assertEquals(hex(host), rows.get(0)[1], "host byte for byte in " + mode);
                    }
                    assertEquals(List.of("REPLICATION CLIENT", "REPLICATION SLAVE"), state.get("grants"));
                    if (host.equals("127.0.0.1") && user.chars().allMatch(ch -> ch < 128)) {
                        assertTrue(canLogIn(user, pw), "password works for " + describe(user) + " in " + mode);
                    }
                    var read = ProviderProcess.decode(p.read(T, id, state, Map.of()).getInputs());
                    assertEquals(user, read.get("user"));
                    assertEquals(host, read.get("host"));
                    p.delete(T, id, state);
                    assertEquals(null, account(user, host), "dropped " + describe(user) + " in " + mode);
                }
            }
        } finally {
            setGlobalSqlMode(saved);
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "SET GLOBAL general_log = 0");
            }
        }
        try (Connection c = TestBed.sourceRoot()) {
            assertFalse(TestBed.query(c, "SHOW DATABASES LIKE 'd'").isEmpty(), "the canary database survived");
            assertFalse(TestBed.query(c, "SELECT 1 FROM mysql.user WHERE User = 'root'").isEmpty(), "root still exists");
            // nothing but the expected statements reached the server; no password in its general log
            Map<String, Integer> verbs = new java.util.TreeMap<>();
            for (var row : TestBed.query(c, "SELECT CONVERT(argument USING utf8mb4) AS a FROM mysql.general_log WHERE command_type = 'Query'")) {
                String a = row.get("a").replaceFirst("^(\\s*/\\*.*?\\*/\\s*)+", "").trim();
                for (String pw : passwords) assertFalse(a.contains(pw), "a password reached the general log: " + describe(a));
                String verb = a.startsWith("CREATE USER ") ? "CREATE USER" : a.startsWith("DROP USER IF EXISTS ") ? "DROP USER"
                        : a.startsWith("GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO ") ? "GRANT"
                        : a.matches("(?is)(SELECT|SET|SHOW|TRUNCATE TABLE mysql\\.general_log|CREATE DATABASE IF NOT EXISTS d)\\b.*")
                        ? "other" : "UNEXPECTED: " + a;
                assertFalse(verb.startsWith("UNEXPECTED"), verb);
                verbs.merge(verb, 1, Integer::sum);
            }
            assertEquals(created, verbs.getOrDefault("CREATE USER", 0), "one CREATE USER per account: " + verbs);
            assertEquals(created, verbs.getOrDefault("GRANT", 0), "one GRANT per account: " + verbs);
            assertEquals(created, verbs.getOrDefault("DROP USER", 0), "one DROP USER per account: " + verbs);
            TestBed.exec(c, "TRUNCATE TABLE mysql.general_log", "DROP DATABASE d");
        }
        System.out.printf("quoting: %d accounts created exactly, %d refused by Check naming the field%n", created, refused);
        assertTrue(created > 100 && refused > 50, created + " created, " + refused + " refused");
    }

    static String describe(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(c -> sb.append(c < 0x20 || c > 0x7e ? String.format("\\u{%x}", c) : Character.toString(c)));
        return sb.toString();
    }

    // ---- MySQL and MariaDB sources: plugins, secrets, the binlog ----

    static List<String> binlogEventsSince(Connection c, String[] from) throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        boolean on = false;
        for (var f : TestBed.query(c, "SHOW BINARY LOGS")) {
            String file = f.get("Log_name");
            if (file.equals(from[0])) on = true;
            if (!on) continue;
            for (var e : TestBed.query(c, "SHOW BINLOG EVENTS IN '" + file + "'")) out.add(String.valueOf(e.get("Info")));
        }
        return out;
    }

    static List<String> showGrants(String user, String host) throws SQLException {
        try (Connection c = TestBed.sourceRoot(); PreparedStatement ps = c.prepareStatement("SHOW GRANTS FOR ?@?")) {
            ps.setString(1, user);
            ps.setString(2, host);
            List<String> out = new java.util.ArrayList<>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        }
    }

    /** REPLICATION SLAVE and REPLICATION CLIENT by meaning: MariaDB 10.5+ prints the latter as BINLOG MONITOR. */
    static boolean hasReplicationGrants(List<String> grants) {
        String all = String.join("\n", grants).toUpperCase();
        return all.contains("REPLICATION SLAVE") && (all.contains("REPLICATION CLIENT") || all.contains("BINLOG MONITOR"));
    }

    static String plugin(String user, String host) throws SQLException {
        try (Connection c = TestBed.sourceRoot(); PreparedStatement ps = c.prepareStatement("SELECT plugin FROM mysql.user WHERE User = ? AND Host = ?")) {
            ps.setString(1, user);
            ps.setString(2, host);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void passwordsNeverReachTheGeneralLogTheBinlogOrPsAndReplicatedDdlIsSaidInTheCli() throws Exception {
        boolean mysql = sourceIsMysql();
        boolean hasNative = sourceHasNativePassword();
        String lim = TestBed.unique("lim");
        String limPw = "lim-" + lim;
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, mysql && hasNative ? "CREATE USER '" + lim + "'@'127.0.0.1' IDENTIFIED WITH mysql_native_password BY '" + limPw + "'"
                            : "CREATE USER '" + lim + "'@'127.0.0.1' IDENTIFIED BY '" + limPw + "'",
                    "GRANT CREATE USER, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + lim + "'@'127.0.0.1' WITH GRANT OPTION",
                    "GRANT SELECT ON mysql.* TO '" + lim + "'@'127.0.0.1'",
                    "SET GLOBAL log_output = 'TABLE'", "TRUNCATE TABLE mysql.general_log", "SET GLOBAL general_log = 1");
        }
        String[] from = TestBed.sourcePosition();
        String user = TestBed.unique("sec");
        String pw1 = "Pw1-" + user + "'\\";
        String pw2 = "Pw2-" + user + "\"%";
        String nat = TestBed.unique("nat");
        String pw3 = "Pw3-" + nat;
        Map<String, Object> src = sourceLogin(lim, limPw, !mysql || hasNative);
        try {
            Map<String, Object> news = new LinkedHashMap<>(Map.of("user", user, "host", "127.0.0.1", "password", new Secret(pw1), "source", src));
            Map<String, Object> state = create(news);
            String id = (String) state.remove("__id");
            assertEquals(mysql ? "caching_sha2_password" : "mysql_native_password", plugin(user, "127.0.0.1"),
                    "the server's default plugin");
            assertTrue(hasReplicationGrants(showGrants(user, "127.0.0.1")), String.valueOf(showGrants(user, "127.0.0.1")));
            assertEquals(List.of("REPLICATION CLIENT", "REPLICATION SLAVE"), state.get("grants"));
            assertTrue(canLogIn(user, pw1));
            // rotation: the new password logs in, the old one no longer does
            Map<String, Object> news2 = new LinkedHashMap<>(news);
            news2.put("password", new Secret(pw2));
            Map<String, Object> in2 = p.checked(T, news, news2);
            assertEquals(0, p.diff(T, id, state, in2).getReplacesCount());
            state = ProviderProcess.decode(p.update(T, id, state, in2).getProperties());
            assertTrue(canLogIn(user, pw2), "rotated password logs in");
            assertFalse(canLogIn(user, pw1), "old password refused");
            // mysql_native_password asked for explicitly (MySQL 8.0 and MariaDB still have it; MySQL 9.x refuses it,
            // naming authPlugin, and its password stays out of the logs all the same)
            Map<String, Object> natInputs = Map.of("user", nat, "host", "127.0.0.1", "password", new Secret(pw3),
                    "authPlugin", "mysql_native_password", "source", src);
            if (hasNative) {
                Map<String, Object> nstate = create(natInputs);
                assertEquals("mysql_native_password", plugin(nat, "127.0.0.1"));
                assertTrue(canLogIn(nat, pw3));
                p.delete(T, (String) nstate.get("__id"), nstate);
            } else {
                var refused = assertThrows(StatusRuntimeException.class, () -> create(natInputs));
                assertTrue(refused.getStatus().getDescription().contains("authPlugin"), refused.getStatus().getDescription());
                assertFalse(refused.getMessage().contains(pw3), "the refusal names no password");
                assertEquals(null, account(nat, "127.0.0.1"));
            }
            p.delete(T, id, state);
            assertEquals(null, account(user, "127.0.0.1"));

            String log = p.log();
            assertTrue(log.contains("may not turn sql_log_bin off"), "the CLI is told that the account's DDL replicates");
            try (Connection c = TestBed.sourceRoot()) {
                List<String> events = binlogEventsSince(c, from);
                assertTrue(events.stream().anyMatch(e -> e.contains(user)), "the DDL went to the binlog (the user could not stop it)");
                for (String pw : List.of(pw1, pw2, pw3)) {
                    assertTrue(events.stream().noneMatch(e -> e.contains(pw)), "a password reached the binlog");
                    for (var row : TestBed.query(c, "SELECT CONVERT(argument USING utf8mb4) AS a FROM mysql.general_log")) {
                        assertFalse(String.valueOf(row.get("a")).contains(pw), "a password reached the general log: " + row.get("a"));
                    }
                    assertTrue(TestBed.query(c, "SELECT CONVERT(argument USING utf8mb4) AS a FROM mysql.general_log").stream()
                            .anyMatch(r -> String.valueOf(r.get("a")).startsWith("CREATE USER") || String.valueOf(r.get("a")).contains("CREATE USER")),
                            "the general log did record the statements");
                    assertTrue(ProcessHandle.allProcesses().noneMatch(ph -> ph.info().commandLine().orElse("").contains(pw)),
                            "a password is in a process's arguments");
                    assertFalse(log.contains(pw), "a password reached the provider log");
                }
            }
        } finally {
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "SET GLOBAL general_log = 0", "TRUNCATE TABLE mysql.general_log",
                        "DROP USER IF EXISTS '" + lim + "'@'127.0.0.1'", "DROP USER IF EXISTS '" + user + "'@'127.0.0.1'",
                        "DROP USER IF EXISTS '" + nat + "'@'127.0.0.1'");
            }
        }
    }

    @Test
    void aPluginTheServerLacksIsRefusedNamingAuthPlugin() throws Exception {
        String missing = sourceIsMysql() ? "ed25519" : "caching_sha2_password";
        String user = TestBed.unique("plg");
        var e = assertThrows(StatusRuntimeException.class, () -> create(Map.of("user", user, "host", "127.0.0.1", "authPlugin", missing)));
        assertTrue(e.getStatus().getDescription().contains("authPlugin"), e.getStatus().getDescription());
        assertEquals(null, account(user, "127.0.0.1"));
    }

    @Test
    void aNewSourceServerReplacesTheAccountAndNewCredentialsDoNot() throws Exception {
        String user = TestBed.unique("mv");
        String other = TestBed.unique("adm");
        String otherPw = "adm-" + other;
        boolean otherNative = !sourceIsMysql() || sourceHasNativePassword();
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "CREATE USER '" + other + "'@'127.0.0.1' IDENTIFIED "
                            + (sourceIsMysql() && otherNative ? "WITH mysql_native_password " : "") + "BY '" + otherPw + "'",
                    "GRANT ALL ON *.* TO '" + other + "'@'127.0.0.1' WITH GRANT OPTION");
        }
        Map<String, Object> onSource = ProviderProcess.connection(TestBed.sourcePort(), TestBed.get("SOURCE_ROOT_USER"), TestBed.get("SOURCE_ROOT_PASSWORD"));
        Map<String, Object> onOther = ProviderProcess.connection(TestBed.replicaPort(), TestBed.get("REPLICA_ROOT_USER"), TestBed.get("REPLICA_ROOT_PASSWORD"));
        Map<String, Object> news = new LinkedHashMap<>(Map.of("user", user, "host", "127.0.0.1", "password", new Secret("mv-" + user), "source", onSource));
        Map<String, Object> state = create(news);
        String id = (String) state.remove("__id");
        Map<String, Object> newState = null;
        try {
            // new credentials for the same server: an update that leaves the account alone
            Map<String, Object> creds = new LinkedHashMap<>(news);
            creds.put("source", sourceLogin(other, otherPw, otherNative));
            Map<String, Object> inCreds = p.checked(T, news, creds);
            var d = p.diff(T, id, state, inCreds);
            assertEquals(List.of(), d.getReplacesList());
            assertEquals(Provider.DiffResponse.DiffChanges.DIFF_SOME, d.getChanges());
            state = ProviderProcess.decode(p.update(T, id, state, inCreds).getProperties());
            assertTrue(canLogIn(user, "mv-" + user));

            // another server (another port): replace = create there, then drop here
            Map<String, Object> moved = new LinkedHashMap<>(creds);
            moved.put("source", onOther);
            Map<String, Object> inMoved = p.checked(T, inCreds, moved);
            var dm = p.diff(T, id, state, inMoved);
            assertEquals(List.of("source"), dm.getReplacesList());
            assertEquals(pulumirpc.Provider.PropertyDiff.Kind.UPDATE_REPLACE, dm.getDetailedDiffOrThrow("source.port").getKind());
            assertTrue(dm.getDeleteBeforeReplace(), "delete first: the other name may be an alias of the same server");
            var r = p.create(T, inMoved, false);
            newState = ProviderProcess.decode(r.getProperties());
            assertEquals(List.of("REPLICATION CLIENT", "REPLICATION SLAVE"), newState.get("grants"));
            assertTrue(canLogIn(TestBed.replicaPort(), user, "mv-" + user), "the account exists on the new server");
            p.delete(T, id, state);
            assertEquals(null, account(user, "127.0.0.1"), "dropped from the old server");
            assertTrue(canLogIn(TestBed.replicaPort(), user, "mv-" + user), "still on the new server");
            p.delete(T, r.getId(), newState);
            assertFalse(canLogIn(TestBed.replicaPort(), user, "mv-" + user));
            newState = null;
        } finally {
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "DROP USER IF EXISTS '" + other + "'@'127.0.0.1'", "DROP USER IF EXISTS '" + user + "'@'127.0.0.1'");
            }
            if (newState != null) {
                try (Connection c = TestBed.replicaRoot()) {
                    TestBed.exec(c, "DROP USER IF EXISTS '" + user + "'@'127.0.0.1'");
                }
            }
        }
    }

    @Test
    void aPasswordTooLongForARdsMysqlReplicaIsAWarningInCheckNotARefusal() throws Exception {
        String longPw = "L".repeat(33);
        var r = p.check(T, Map.of(), Map.of("user", "warn33", "host", "127.0.0.1", "password", new Secret(longPw)));
        assertEquals(0, r.getFailuresCount(), r.getFailuresList().toString());
        assertTrue(p.log().contains("error 3056"), "the warning goes to the CLI through the engine's Log channel");
        var gen = p.checked(T, Map.of(), Map.of("user", "gen32", "host", "127.0.0.1"));
        assertTrue(((String) ((Secret) gen.get("password")).value()).length() <= 32, "generated passwords suit a MySQL replica");
        assertFalse(p.log().contains(longPw), "the password itself is not in the warning");
    }

    @Test
    void mariadbEd25519IsSentAsItsHashAndLogsIn() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(sourceIsMysql(), "ed25519 is MariaDB's plugin");
        String user = TestBed.unique("ed");
        String pw = "Ed-pw'\\" + user;
        try (Connection c = TestBed.sourceRoot()) {
            if (TestBed.query(c, "SELECT 1 FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'ed25519'").isEmpty()) {
                try {
                    TestBed.exec(c, "SET SESSION sql_log_bin = 0", "INSTALL SONAME 'auth_ed25519'");
                } catch (java.sql.SQLException e) {
                    // the MariaDB 11.4 build from Maven Central ships without the plugin's library
                    org.junit.jupiter.api.Assumptions.abort("this MariaDB server has no auth_ed25519 library: " + e.getMessage());
                }
            }
            TestBed.exec(c, "SET GLOBAL log_output = 'TABLE'", "TRUNCATE TABLE mysql.general_log", "SET GLOBAL general_log = 1");
        }
        try {
            Map<String, Object> state = create(Map.of("user", user, "host", "127.0.0.1", "password", new Secret(pw), "authPlugin", "ed25519"));
            assertEquals("ed25519", plugin(user, "127.0.0.1"));
            try (Connection c = TestBed.sourceRoot()) {
                for (var row : TestBed.query(c, "SELECT CONVERT(argument USING utf8mb4) AS a FROM mysql.general_log")) {
                    assertFalse(String.valueOf(row.get("a")).contains(pw), "the password reached the general log: " + row.get("a"));
                }
            }
            // Connector/J has no ed25519 client plugin: log in with the MariaDB client (password through the environment)
            ProcessBuilder pb = new ProcessBuilder("mariadb", "-h", "127.0.0.1", "-P", Integer.toString(TestBed.sourcePort()),
                    "-u", user, "--ssl=0", "-N", "-e", "SELECT CURRENT_USER()").redirectErrorStream(true);
            pb.environment().put("MYSQL_PWD", pw);
            Process proc = pb.start();
            String out = new String(proc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(proc.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(0, proc.exitValue(), out);
            assertTrue(out.contains(user + "@127.0.0.1"), out);
            p.delete(T, (String) state.get("__id"), state);
        } finally {
            try (Connection c = TestBed.sourceRoot()) {
                TestBed.exec(c, "SET GLOBAL general_log = 0", "TRUNCATE TABLE mysql.general_log",
                        "DROP USER IF EXISTS '" + user + "'@'127.0.0.1'");
            }
        }
    }
}
