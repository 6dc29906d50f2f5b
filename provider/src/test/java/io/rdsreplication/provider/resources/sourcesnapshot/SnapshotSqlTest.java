package io.rdsreplication.provider.resources.sourcesnapshot;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SnapshotSqlTest {
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
}
