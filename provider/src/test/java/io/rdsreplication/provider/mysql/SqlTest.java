package io.rdsreplication.provider.mysql;

import io.rdsreplication.provider.resources.replicationuser.UserSql;
import org.junit.jupiter.api.Test;

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
        assertEquals("`u`@`10.0.0.%`", Sql.account("u", "10.0.0.%"));
    }

    @Test
    void userStatementsAreGolden() {
        assertEquals("CREATE USER `repl`@`10.1.2.3` IDENTIFIED BY PASSWORD ?",
                UserSql.createUser(MARIADB, "repl", "10.1.2.3", null, false));
        assertEquals("CREATE USER `repl`@`10.1.2.3` IDENTIFIED BY ?", UserSql.createUser(MYSQL80, "repl", "10.1.2.3", null, false));
        assertEquals("CREATE USER `repl`@`%.example.com` IDENTIFIED BY ? REQUIRE SSL",
                UserSql.createUser(MYSQL80, "repl", "%.example.com", null, true));
        assertEquals("CREATE USER `r`@`h` IDENTIFIED VIA `ed25519` USING PASSWORD(?)", UserSql.createUser(MARIADB, "r", "h", "ed25519", false));
        assertEquals("CREATE USER `r`@`h` IDENTIFIED WITH `caching_sha2_password` BY ?",
                UserSql.createUser(MYSQL80, "r", "h", "caching_sha2_password", false));
        assertEquals("ALTER USER `r`@`h` IDENTIFIED BY PASSWORD ?", UserSql.alterPassword(MARIADB, "r", "h", null));
        assertEquals("ALTER USER `r`@`h` IDENTIFIED BY ?", UserSql.alterPassword(MYSQL80, "r", "h", null));
        assertEquals("ALTER USER `r`@`h` REQUIRE SSL", UserSql.alterTls("r", "h", true));
        assertEquals("ALTER USER `r`@`h` REQUIRE NONE", UserSql.alterTls("r", "h", false));
        assertEquals("GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO `r``x`@`h`", UserSql.grant("r`x", "h"));
        assertEquals("DROP USER IF EXISTS `r`@`h`", UserSql.dropUser("r", "h"));
    }

    @Test
    void passwordsNeverReachTheSqlText() {
        String sql = UserSql.createUser(MARIADB, "u", "h", "ed25519", false);
        assertTrue(sql.endsWith("PASSWORD(?)"));
        // MariaDB's PASSWORD('secret') is *14E65567ABDB5135D0CFD9A70B3032C179A49EE7
        assertEquals("*14E65567ABDB5135D0CFD9A70B3032C179A49EE7", UserSql.nativeHash("secret"));
        assertEquals(UserSql.nativeHash("pw"), UserSql.passwordParameter(MARIADB, null, "pw"));
        assertEquals("pw", UserSql.passwordParameter(MYSQL80, null, "pw"));
        assertFalse(sql.contains("'"));
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
