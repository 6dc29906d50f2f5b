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

    static boolean canLogIn(String user, String password) {
        try (Connection c = TestBed.connect(TestBed.sourcePort(), user, password)) {
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
        try (Connection c = TestBed.sourceRoot(); PreparedStatement ps = c.prepareStatement(
                "CREATE USER '" + user + "'@'127.0.0.1' IDENTIFIED BY ?")) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0");
            ps.setString(1, pw);
            ps.execute();
        }
        Map<String, Object> state = create(Map.of("user", user, "host", "127.0.0.1", "password", new Secret(pw)));
        assertEquals(List.of("REPLICATION CLIENT", "REPLICATION SLAVE"), state.get("grants"));
        assertEquals("Y", account(user, "127.0.0.1").get("slave"));
        p.delete(T, (String) state.get("__id"), state);
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

    @Test
    void hostileNamesAreCreatedAndReadBackExactlyInEverySqlMode() throws Exception {
        List<String> names = List.of("o'brien", "back`tick", "back\\slash", "dq\"x", "pct%", "under_score",
                "with space", "ünïcødé", "日本語", "semi;colon--", "x'; DROP USER root; --");
        String saved;
        try (Connection c = TestBed.sourceRoot()) {
            saved = TestBed.query(c, "SELECT @@GLOBAL.sql_mode AS m").get(0).get("m");
        }
        try {
            for (String mode : List.of(saved, "NO_BACKSLASH_ESCAPES", "ANSI_QUOTES,NO_BACKSLASH_ESCAPES")) {
                try (Connection c = TestBed.sourceRoot(); PreparedStatement ps = c.prepareStatement("SET GLOBAL sql_mode = ?")) {
                    ps.setString(1, mode);
                    ps.execute();
                }
                for (String n : names) {
                    String user = n + Long.toString(System.nanoTime() % 100000, 36);
                    String pw = "pw'\\\"" + n;
                    Map<String, Object> state = create(Map.of("user", user, "host", "127.0.0.1", "password", new Secret(pw)));
                    String id = (String) state.remove("__id");
                    Map<String, String> acct = account(user, "127.0.0.1");
                    assertTrue(acct != null, "created exactly: " + user + " in " + mode);
                    assertEquals(user, acct.get("User"));
                    if (n.chars().allMatch(ch -> ch < 128)) assertTrue(canLogIn(user, pw), "password works for " + user + " in " + mode);
                    var read = ProviderProcess.decode(p.read(T, id, state, Map.of()).getInputs());
                    assertEquals(user, read.get("user"));
                    p.delete(T, id, state);
                    assertEquals(null, account(user, "127.0.0.1"), "dropped " + user);
                }
            }
            var refused = p.check(T, Map.of(), Map.of("user", "🐬dolphin", "host", "127.0.0.1"));
            assertEquals("user", refused.getFailures(0).getProperty());
            try (Connection c = TestBed.sourceRoot()) {
                assertFalse(TestBed.query(c, "SELECT 1 FROM mysql.user WHERE User = 'root'").isEmpty(), "root still exists");
            }
        } finally {
            try (Connection c = TestBed.sourceRoot(); PreparedStatement ps = c.prepareStatement("SET GLOBAL sql_mode = ?")) {
                ps.setString(1, saved);
                ps.execute();
            }
        }
    }
}
