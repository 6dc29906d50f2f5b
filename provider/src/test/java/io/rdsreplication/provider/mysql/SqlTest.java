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
        assertEquals("`u`@`10.0.0.%`", Sql.account("u", "10.0.0.%"));
        assertEquals("`x'; DROP DATABASE d; -- ``\\`@`%`", Sql.account("x'; DROP DATABASE d; -- `\\", "%"));
    }

    @Test
    void stringLiteralsFollowTheSqlMode() {
        assertEquals("'it''s'", Sql.stringLiteral("it's", false));
        assertEquals("'it''s'", Sql.stringLiteral("it's", true));
        assertEquals("'a\\\\'", Sql.stringLiteral("a\\", false)); // 'a\\' reads back as a\ by default
        assertEquals("'a\\'", Sql.stringLiteral("a\\", true));    // 'a\' is a\ under NO_BACKSLASH_ESCAPES
        assertEquals("'\\\\'''", Sql.stringLiteral("\\'", false));
        assertEquals("'\\'''", Sql.stringLiteral("\\'", true));
        assertThrows(IllegalArgumentException.class, () -> Sql.stringLiteral("a\0", false));
    }

    @Test
    void userStatementsAreGolden() {
        String hash = "'" + UserSql.nativeHash("pw") + "'";
        assertEquals("CREATE USER `repl`@`10.1.2.3` IDENTIFIED BY PASSWORD " + hash,
                UserSql.createUser(MARIADB, "repl", "10.1.2.3", null, false, UserSql.passwordLiteral(MARIADB, null, "pw", false), null));
        assertEquals("CREATE USER `repl`@`10.1.2.3` IDENTIFIED BY 'p''w\\\\'",
                UserSql.createUser(MYSQL80, "repl", "10.1.2.3", null, false, UserSql.passwordLiteral(MYSQL80, null, "p'w\\", false), null));
        assertEquals("CREATE USER `repl`@`10.1.2.3` IDENTIFIED BY 'p''w\\'",
                UserSql.createUser(MYSQL80, "repl", "10.1.2.3", null, false, UserSql.passwordLiteral(MYSQL80, null, "p'w\\", true), null));
        assertEquals("CREATE USER `repl`@`%.example.com` IDENTIFIED BY 'pw' REQUIRE SSL",
                UserSql.createUser(MYSQL80, "repl", "%.example.com", null, true, "'pw'", null));
        assertEquals("CREATE USER `r`@`h` IDENTIFIED VIA ed25519 USING 'ZIgUREUg5PVgQ6LskhXmO+eZLS0nC8be6HPjYWR4YJY'",
                UserSql.createUser(MARIADB, "r", "h", "ed25519", false, UserSql.passwordLiteral(MARIADB, "ed25519", "secret", false), null));
        assertEquals("CREATE USER `r`@`h` IDENTIFIED WITH `caching_sha2_password` BY 'pw'",
                UserSql.createUser(MYSQL80, "r", "h", "caching_sha2_password", false, "'pw'", null));
        assertEquals("CREATE USER `r`@`h` IDENTIFIED WITH mysql_native_password AS " + hash,
                UserSql.createUser(MYSQL80, "r", "h", "mysql_native_password", false,
                        UserSql.passwordLiteral(MYSQL80, "mysql_native_password", "pw", false), null));
        assertEquals("ALTER USER `r`@`h` IDENTIFIED BY PASSWORD " + hash, UserSql.alterPassword(MARIADB, "r", "h", null, hash));
        assertEquals("ALTER USER `r`@`h` IDENTIFIED BY 'pw'", UserSql.alterPassword(MYSQL80, "r", "h", null, "'pw'"));
        assertEquals("ALTER USER `r`@`h` REQUIRE SSL", UserSql.alterTls("r", "h", true));
        assertEquals("ALTER USER `r`@`h` REQUIRE NONE", UserSql.alterTls("r", "h", false));
        assertEquals("GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO `r``x`@`h`", UserSql.grant("r`x", "h"));
        assertEquals("DROP USER IF EXISTS `r`@`h`", UserSql.dropUser("r", "h"));
        // MySQL 8.0.21+ records which resource made the account (its hashes are salted); MariaDB compares hashes
        assertEquals("CREATE USER `r`@`h` IDENTIFIED BY 'pw' ATTRIBUTE '{\"rdsreplication_owner\": \"0a1b\"}'",
                UserSql.createUser(MYSQL80, "r", "h", null, false, "'pw'", "0a1b"));
        assertEquals("CREATE USER `r`@`h` IDENTIFIED BY PASSWORD " + hash,
                UserSql.createUser(MARIADB, "r", "h", null, false, hash, "0a1b"));
    }

    @Test
    void nativeHashesKeepPasswordsOutOfTheText() {
        // MariaDB's PASSWORD('secret') is *14E65567ABDB5135D0CFD9A70B3032C179A49EE7
        assertEquals("*14E65567ABDB5135D0CFD9A70B3032C179A49EE7", UserSql.nativeHash("secret"));
        assertEquals("'" + UserSql.nativeHash("pw") + "'", UserSql.passwordLiteral(MARIADB, null, "pw", false));
        assertEquals("'" + UserSql.nativeHash("pw") + "'", UserSql.passwordLiteral(MYSQL80, "mysql_native_password", "pw", true));
        assertEquals("'pw'", UserSql.passwordLiteral(MYSQL80, null, "pw", false));
        assertFalse(UserSql.createUser(MARIADB, "u", "h", null, false, UserSql.passwordLiteral(MARIADB, null, "secret", false), null)
                .contains("secret"));
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
