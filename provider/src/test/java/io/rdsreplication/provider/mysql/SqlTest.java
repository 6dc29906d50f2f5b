package io.rdsreplication.provider.mysql;

import io.rdsreplication.provider.resources.replicationuser.UserSql;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqlTest {
    private static final ServerInfo MARIADB = ServerInfo.parse("10.11.9-MariaDB-log");
    private static final ServerInfo MYSQL80 = ServerInfo.parse("8.0.36");

    @Test
    void identifiersDoubleBackticksAndNothingElse() {
        assertEquals("`repl`", Sql.quoteIdentifier("repl"));
        assertEquals("`a``b`", Sql.quoteIdentifier("a`b"));
        assertEquals("`it's \\ \"x\" %_ 🐬`", Sql.quoteIdentifier("it's \\ \"x\" %_ 🐬"));
        assertThrows(IllegalArgumentException.class, () -> Sql.quoteIdentifier("a\0b"));
    }

    static void golden(String sql, List<String> params, UserSql.Stmt st) {
        assertEquals(sql, st.sql());
        assertEquals(params, st.params());
    }

    @Test
    void userStatementsAreGolden() {
        String hash = UserSql.nativeHash("pw");
        golden("CREATE USER ?@? IDENTIFIED BY PASSWORD ?", List.of("repl", "10.1.2.3", hash),
                UserSql.createUser(MARIADB, "repl", "10.1.2.3", null, false, "pw"));
        golden("CREATE USER ?@? IDENTIFIED BY ?", List.of("repl", "10.1.2.3", "pw"),
                UserSql.createUser(MYSQL80, "repl", "10.1.2.3", null, false, "pw"));
        golden("CREATE USER ?@? IDENTIFIED BY ? REQUIRE SSL", List.of("repl", "%.example.com", "pw"),
                UserSql.createUser(MYSQL80, "repl", "%.example.com", null, true, "pw"));
        golden("CREATE USER ?@? IDENTIFIED VIA `ed25519` USING PASSWORD(?)", List.of("r", "h", "pw"),
                UserSql.createUser(MARIADB, "r", "h", "ed25519", false, "pw"));
        golden("CREATE USER ?@? IDENTIFIED WITH `caching_sha2_password` BY ?", List.of("r", "h", "pw"),
                UserSql.createUser(MYSQL80, "r", "h", "caching_sha2_password", false, "pw"));
        golden("CREATE USER ?@? IDENTIFIED WITH mysql_native_password AS ?", List.of("r", "h", hash),
                UserSql.createUser(MYSQL80, "r", "h", "mysql_native_password", false, "pw"));
        golden("ALTER USER ?@? IDENTIFIED BY PASSWORD ?", List.of("r", "h", hash), UserSql.alterPassword(MARIADB, "r", "h", null, "pw"));
        golden("ALTER USER ?@? IDENTIFIED BY ?", List.of("r", "h", "pw"), UserSql.alterPassword(MYSQL80, "r", "h", null, "pw"));
        golden("ALTER USER ?@? REQUIRE SSL", List.of("r", "h"), UserSql.alterTls("r", "h", true));
        golden("ALTER USER ?@? REQUIRE NONE", List.of("r", "h"), UserSql.alterTls("r", "h", false));
        golden("GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO ?@?", List.of("r`x", "h"), UserSql.grant("r`x", "h"));
        golden("DROP USER IF EXISTS ?@?", List.of("r", "h"), UserSql.dropUser("r", "h"));
    }

    @Test
    void noAccountNameOrPasswordIsEverPartOfTheSqlText() {
        String user = "x'; DROP DATABASE d; -- `\\";
        String host = "h\\";
        for (ServerInfo server : List.of(MARIADB, MYSQL80)) {
            for (String plugin : java.util.Arrays.asList(null, "mysql_native_password", "caching_sha2_password", "ed25519")) {
                for (UserSql.Stmt st : List.of(UserSql.createUser(server, user, host, plugin, true, "se'cr\\et"),
                        UserSql.alterPassword(server, user, host, plugin, "se'cr\\et"), UserSql.alterTls(user, host, false),
                        UserSql.grant(user, host), UserSql.dropUser(user, host))) {
                    assertFalse(st.sql().contains("'") || st.sql().contains("\\") || st.sql().contains("DROP DATABASE"), st.sql());
                    assertEquals(st.sql().chars().filter(c -> c == '?').count(), st.params().size(), st.sql());
                    assertEquals(List.of(user, host), st.params().subList(0, 2));
                }
            }
        }
    }

    @Test
    void passwordsNeverReachTheSqlText() {
        // MariaDB's PASSWORD('secret') is *14E65567ABDB5135D0CFD9A70B3032C179A49EE7
        assertEquals("*14E65567ABDB5135D0CFD9A70B3032C179A49EE7", UserSql.nativeHash("secret"));
        assertEquals(UserSql.nativeHash("pw"), UserSql.passwordParameter(MARIADB, null, "pw"));
        assertEquals(UserSql.nativeHash("pw"), UserSql.passwordParameter(MYSQL80, "mysql_native_password", "pw"));
        assertEquals("pw", UserSql.passwordParameter(MYSQL80, null, "pw"));
        assertEquals("pw", UserSql.passwordParameter(MYSQL80, "caching_sha2_password", "pw"));
    }

    @Test
    void serverVersionsParse() {
        assertTrue(MARIADB.isMariadb());
        assertEquals(10, MARIADB.major());
        assertTrue(ServerInfo.parse("5.5.5-10.6.16-MariaDB").isMariadb());
        assertEquals(10, ServerInfo.parse("5.5.5-10.6.16-MariaDB").major());
        ServerInfo my = ServerInfo.parse("8.4.3");
        assertTrue(my.isMysql());
        assertTrue(my.atLeast(8, 4, 0));
        assertFalse(ServerInfo.parse("8.0.25").atLeast(8, 0, 26));
    }

    @Test
    void validationHelpers() {
        assertTrue(Validation.isBinlogFile("mysql-bin-changelog.000031"));
        assertFalse(Validation.isBinlogFile("mysql-bin"));
        assertFalse(Validation.isBinlogFile("../etc/passwd.000001x"));
        assertTrue(Validation.isMariadbGtid("0-1234510749-1728"));
        assertTrue(Validation.isMariadbGtid("0-1-5,1-2-7"));
        assertFalse(Validation.isMariadbGtid("0-1"));
        assertTrue(Validation.isGtid("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5"));
        assertTrue(Validation.isEc2PrivateDns("ip-10-0-0-12.ec2.internal"));
        assertTrue(Validation.isEc2PrivateDns("ip-172-31-5-9.eu-west-1.compute.internal"));
        assertFalse(Validation.isEc2PrivateDns("db.example.com"));
        assertEquals("\"a\\x00b\"", Validation.show("a\0b"));
    }
}
