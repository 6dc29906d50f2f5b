package io.rdsreplication.provider.resources.sourcesnapshot;

import io.rdsreplication.provider.core.DiffResult;
import io.rdsreplication.provider.core.Props;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.mysql.ServerInfo;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotSqlTest {
    @Test
    void literalsEscapeEverythingTheServerReads() {
        StringBuilder sb = new StringBuilder();
        for (Object v : new Object[]{null, 0.1, -0.0, 1e300, new byte[]{0, (byte) 0xff, 0x27}, "a'b\\c\0d\ne\rf\u001ag\"h", "é𝄞"}) {
            SnapshotSql.appendLiteral(sb, v);
            sb.append(' ');
        }
        assertEquals("NULL 0.1 -0.0 1.0E300 X'00FF27' 'a\\'b\\\\c\\0d\\ne\\rf\\Zg\\\"h' 'é𝄞' ", sb.toString());
        assertEquals("INSERT INTO `d`.`t` (`a`, `b`) VALUES ", SnapshotSql.insertHead("d", "t", List.of("a", "b")));
    }

    @Test
    void primaryKeyRangesCoverEveryValueOnce() {
        java.math.BigInteger lo = java.math.BigInteger.ONE;
        assertEquals(List.of("`id` < 34", "`id` >= 34 AND `id` < 67", "`id` >= 67"),
                SnapshotSql.ranges("id", lo, java.math.BigInteger.valueOf(100), 3));
        assertEquals("SELECT `id` FROM `d`.`t` WHERE `id` < 34",
                SnapshotSql.select("d", "t", List.of("id"), List.of("int"), "`id` < 34"));
        // fewer distinct values than ranges: no empty or repeated range
        assertEquals(List.of("`k` < 2", "`k` >= 2"), SnapshotSql.ranges("k", lo, java.math.BigInteger.TWO, 8));
        java.util.List<String> one = new java.util.ArrayList<>();
        one.add(null);
        assertEquals(one, SnapshotSql.ranges("k", lo, lo, 8));
        // BIGINT UNSIGNED extremes stay exact
        assertEquals(List.of("`u` < 9223372036854775808", "`u` >= 9223372036854775808"),
                SnapshotSql.ranges("u", java.math.BigInteger.ZERO, new java.math.BigInteger("18446744073709551615"), 2));
    }

    @Test
    void selectCastsTemporalColumnsAndQuotesEverything() {
        assertEquals("SELECT `id`, CAST(`dt` AS CHAR), `f``x` FROM `d b`.`t`",
                SnapshotSql.select("d b", "t", List.of("id", "dt", "f`x"), List.of("int", "datetime", "float")));
        assertEquals("INSERT INTO `d`.`t` (`a`, `b`) VALUES (?, ?)", SnapshotSql.insert("d", "t", List.of("a", "b")));
    }

    @Test
    void definerIsRemoved() {
        assertEquals("CREATE ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `v` AS select 1",
                SnapshotSql.withoutDefiner("CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` AS select 1"));
        assertEquals("CREATE PROCEDURE `p`() SELECT 1", SnapshotSql.withoutDefiner("CREATE DEFINER=`a``b`@`%` PROCEDURE `p`() SELECT 1"));
        assertEquals("CREATE TRIGGER t AFTER INSERT ON x FOR EACH ROW SET @a = 1",
                SnapshotSql.withoutDefiner("CREATE DEFINER='u'@'h' TRIGGER t AFTER INSERT ON x FOR EACH ROW SET @a = 1"));
    }

    @Test
    void databaseNamesAreChecked() {
        assertNull(SourceSnapshotResource.problem("app"));
        assertEquals("is a system schema; it cannot be copied", SourceSnapshotResource.problem("MySQL"));
        assertEquals("is empty", SourceSnapshotResource.problem(""));
    }

    @Test
    void binlogStatusStatementFollowsTheServerVersion() {
        assertEquals("SHOW MASTER STATUS", SnapshotSql.binlogStatus(ServerInfo.parse("8.0.31")));
        assertEquals("SHOW MASTER STATUS", SnapshotSql.binlogStatus(ServerInfo.parse("8.1.0")));
        assertEquals("SHOW BINARY LOG STATUS", SnapshotSql.binlogStatus(ServerInfo.parse("8.4.3")));
        assertEquals("SHOW BINARY LOG STATUS", SnapshotSql.binlogStatus(ServerInfo.parse("9.7.4")));
        assertEquals("SHOW MASTER STATUS", SnapshotSql.binlogStatus(ServerInfo.parse("10.11.6-MariaDB-0+deb12u1-log")));
        assertEquals("SHOW MASTER STATUS", SnapshotSql.binlogStatus(ServerInfo.parse("11.8.9-MariaDB")));
        assertEquals("a:1-5,b:1-3", SnapshotSql.gtidSet("a:1-5,\nb:1-3\n"));
        assertEquals("", SnapshotSql.gtidSet(null));
    }

    static Map<String, Object> conn(String host, double port, String user, String password, String tls) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("host", host);
        c.put("port", port);
        c.put("username", user);
        c.put("password", new Secret(password));
        c.put("tls", tls);
        return c;
    }

    static Map<String, Object> inputs(Map<String, Object> source, Map<String, Object> replica, List<String> dbs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("databases", dbs);
        if (source != null) m.put("source", source);
        if (replica != null) m.put("replica", replica);
        m.put("lockMode", "snapshot");
        m.put("parallelism", 2.0);
        m.put("overwrite", false);
        m.put("copyRoutines", true);
        m.put("binlogFile", "b.000001"); // outputs in the old state are not inputs: never compared
        return m;
    }

    static DiffResult diff(Map<String, Object> olds, Map<String, Object> news) {
        return new SourceSnapshotResource().diff("id", new Props(olds), new Props(news));
    }

    @Test
    void onlyDataInputsAndServerIdentityReplace() {
        var src = conn("db.example.com", 3306, "root", "pw1", "preferred");
        var rep = conn("rds.example.com", 3306, "admin", "pw2", "required");
        var old = inputs(src, rep, List.of("a", "b"));

        // credentials and TLS: in place, on both connections
        var creds = inputs(conn("db.example.com", 3306, "copier", "pw9", "required"), conn("rds.example.com", 3306, "admin", "pw8", "required"),
                List.of("a", "b"));
        DiffResult d = diff(old, creds);
        assertTrue(d.replaces().isEmpty(), d.detailed().toString());
        assertEquals(DiffResult.Kind.UPDATE, d.detailed().get("source.password"));
        assertEquals(DiffResult.Kind.UPDATE, d.detailed().get("source.username"));
        assertEquals(DiffResult.Kind.UPDATE, d.detailed().get("source.tls"));
        assertEquals(DiffResult.Kind.UPDATE, d.detailed().get("replica.password"));

        // the same server written differently, the same databases in another order: nothing
        var same = inputs(conn("DB.example.com", 3306.0, "root", "pw1", "preferred"), rep, List.of("b", "a"));
        assertFalse(diff(old, same).hasChanges(), diff(old, same).detailed().toString());
        Map<String, Object> noPort = new LinkedHashMap<>(src);
        noPort.remove("port");
        assertFalse(diff(old, inputs(noPort, rep, List.of("a", "b"))).hasChanges(), "port defaults to 3306");

        // another server on either side, or other databases: a new copy
        assertEquals(List.of("source.host"), diff(old, inputs(conn("other", 3306, "root", "pw1", "preferred"), rep, List.of("a", "b"))).replaces());
        assertEquals(List.of("replica.port"), diff(old, inputs(src, conn("rds.example.com", 3307, "admin", "pw2", "required"), List.of("a", "b"))).replaces());
        assertEquals(List.of("databases"), diff(old, inputs(src, rep, List.of("a"))).replaces());

        // knobs: in place
        var knobs = inputs(src, rep, List.of("a", "b"));
        knobs.put("lockMode", "readOnly");
        knobs.put("parallelism", 4.0);
        knobs.put("overwrite", true);
        knobs.put("copyRoutines", false);
        DiffResult k = diff(old, knobs);
        assertTrue(k.replaces().isEmpty());
        assertEquals(4, k.detailed().size(), k.detailed().toString());

        // the resource's own connection dropped for the provider's: in place (Update warns when the server differs)
        DiffResult dropped = diff(old, inputs(null, rep, List.of("a", "b")));
        assertEquals(Map.of("source", DiffResult.Kind.DELETE), dropped.detailed());
    }

    @Test
    void unknownServerOrDatabasesMayReplace() {
        var src = conn("db.example.com", 3306, "root", "pw1", "preferred");
        var old = inputs(src, null, List.of("a"));
        Map<String, Object> unknownHost = new LinkedHashMap<>(src);
        unknownHost.put("host", io.rdsreplication.provider.core.Unknown.VALUE);
        assertEquals(List.of("source.host"), diff(old, inputs(unknownHost, null, List.of("a"))).replaces());
        Map<String, Object> unknownPw = new LinkedHashMap<>(src);
        unknownPw.put("password", io.rdsreplication.provider.core.Unknown.VALUE);
        assertTrue(diff(old, inputs(unknownPw, null, List.of("a"))).replaces().isEmpty());
    }

    @Test
    void plainSecondaryKeysOfABigTableAreAddedAfterItsRows() {
        String ddl = "CREATE TABLE `t` (\n  `id` bigint NOT NULL,\n  `a` int DEFAULT NULL,\n  `b` varchar(20) DEFAULT NULL,\n  `c` text,\n"
                + "  PRIMARY KEY (`id`),\n  UNIQUE KEY `ub` (`b`),\n  KEY `ka` (`a`),\n  KEY `k``ab` (`a`,`b`) COMMENT 'x, y',\n"
                + "  FULLTEXT KEY `fc` (`c`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
        var d = SnapshotSql.deferSecondaryKeys(ddl, null);
        assertEquals("CREATE TABLE `t` (\n  `id` bigint NOT NULL,\n  `a` int DEFAULT NULL,\n  `b` varchar(20) DEFAULT NULL,\n  `c` text,\n"
                + "  PRIMARY KEY (`id`),\n  UNIQUE KEY `ub` (`b`),\n  FULLTEXT KEY `fc` (`c`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4", d.create());
        assertEquals("ALTER TABLE `d`.`t` ADD KEY `ka` (`a`), ADD KEY `k``ab` (`a`,`b`) COMMENT 'x, y'", d.alter("d", "t"));
        // the AUTO_INCREMENT column's key stays; the other goes
        var ai = SnapshotSql.deferSecondaryKeys("CREATE TABLE `t` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `x` int NOT NULL,\n"
                + "  PRIMARY KEY (`x`,`id`),\n  KEY `id` (`id`),\n  KEY `kx` (`x`)\n) ENGINE=InnoDB", "id");
        assertEquals(List.of("KEY `kx` (`x`)"), ai.keys());
        assertTrue(ai.create().contains("  KEY `id` (`id`)\n)"), ai.create());
        // foreign keys, no plain key, or an unexpected layout: the table stays as it is
        assertNull(SnapshotSql.deferSecondaryKeys("CREATE TABLE `c` (\n  `id` int NOT NULL,\n  `p` int,\n  PRIMARY KEY (`id`),\n  KEY `p` (`p`),\n"
                + "  CONSTRAINT `f` FOREIGN KEY (`p`) REFERENCES `par` (`code`)\n) ENGINE=InnoDB", null));
        assertNull(SnapshotSql.deferSecondaryKeys("CREATE TABLE `t` (\n  `id` int NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB", null));
        assertNull(SnapshotSql.deferSecondaryKeys("CREATE TABLE `t` (\n  `id` int NOT NULL,\n  `g` int GENERATED ALWAYS AS (\n`id`) VIRTUAL,\n"
                + "  KEY `g` (`g`)\n) ENGINE=InnoDB", null));
    }
}
