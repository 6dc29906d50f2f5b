package io.rdsreplication.provider.resources;

import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.mysql.ServerInfo;
import io.rdsreplication.provider.resources.externalmaster.Procedures;
import io.rdsreplication.provider.resources.externalmaster.Procedures.Settings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every row of the procedures table in shared/reference/rds-procedures.md. */
class ProceduresTest {
    static final ServerInfo MARIADB = ServerInfo.parse("10.11.9-MariaDB");
    static final ServerInfo MYSQL57 = ServerInfo.parse("5.7.44");
    static final ServerInfo MYSQL8025 = ServerInfo.parse("8.0.25");
    static final ServerInfo MYSQL80 = ServerInfo.parse("8.0.36");
    static final ServerInfo MYSQL84 = ServerInfo.parse("8.4.3");

    static Settings file(Integer delay) {
        return new Settings("203.0.113.5", 3306, "repl", "pw", "mysql-bin.000031", 107L, null, false, true, delay);
    }

    static Settings gtid() {
        return new Settings("h", 3306, "repl", "pw", null, null, "0-1-100", false, false, null);
    }

    static Settings auto(Integer delay) {
        return new Settings("h", 3306, "repl", "pw", null, null, null, true, false, delay);
    }

    @Test
    void binlogPositionUsesTheGenerationName() {
        assertEquals(new Procedures.Call("mysql.rds_set_external_master",
                List.of("203.0.113.5", 3306, "repl", "pw", "mysql-bin.000031", 107L, 1)), Procedures.setExternal(MARIADB, file(null)));
        assertEquals("mysql.rds_set_external_master", Procedures.setExternal(MYSQL57, file(0)).procedure());
        assertEquals("mysql.rds_set_external_master", Procedures.setExternal(MYSQL80, file(null)).procedure());
        assertEquals("mysql.rds_set_external_source", Procedures.setExternal(MYSQL84, file(null)).procedure());
    }

    @Test
    void delayUsesWithDelayOnMysqlOnly() {
        assertEquals(new Procedures.Call("mysql.rds_set_external_master_with_delay",
                List.of("203.0.113.5", 3306, "repl", "pw", "mysql-bin.000031", 107L, 1, 3600)), Procedures.setExternal(MYSQL80, file(3600)));
        assertEquals("mysql.rds_set_external_master_with_delay", Procedures.setExternal(MYSQL57, file(60)).procedure());
        assertEquals("mysql.rds_set_external_source_with_delay", Procedures.setExternal(MYSQL84, file(60)).procedure());
        var e = assertThrows(ProviderException.InvalidInput.class, () -> Procedures.setExternal(MARIADB, file(60)));
        assertEquals("delaySeconds", e.failures().get(0).property());
        var old = assertThrows(ProviderException.InvalidInput.class, () -> Procedures.setExternal(MYSQL8025, file(60)));
        assertTrue(old.getMessage().contains("8.0.26"));
    }

    @Test
    void gtidIsMariadbOnly() {
        assertEquals(new Procedures.Call("mysql.rds_set_external_master_gtid", List.of("h", 3306, "repl", "pw", "0-1-100", 0)),
                Procedures.setExternal(MARIADB, gtid()));
        var e = assertThrows(ProviderException.InvalidInput.class, () -> Procedures.setExternal(MYSQL80, gtid()));
        assertEquals("gtid", e.failures().get(0).property());
    }

    @Test
    void autoPositionIsMysqlOnly() {
        assertEquals(new Procedures.Call("mysql.rds_set_external_master_with_auto_position", List.of("h", 3306, "repl", "pw", 0, 0)),
                Procedures.setExternal(MYSQL80, auto(null)));
        assertEquals(List.of("h", 3306, "repl", "pw", 0, 30), Procedures.setExternal(MYSQL57, auto(30)).args());
        assertEquals("mysql.rds_set_external_source_with_auto_position", Procedures.setExternal(MYSQL84, auto(null)).procedure());
        assertEquals("autoPosition", assertThrows(ProviderException.InvalidInput.class,
                () -> Procedures.setExternal(MARIADB, auto(null))).failures().get(0).property());
        assertThrows(ProviderException.InvalidInput.class, () -> Procedures.setExternal(MYSQL8025, auto(null)));
    }

    @Test
    void resetAndUntil() {
        assertEquals("mysql.rds_reset_external_master", Procedures.reset(MARIADB));
        assertEquals("mysql.rds_reset_external_master", Procedures.reset(MYSQL80));
        assertEquals("mysql.rds_reset_external_source", Procedures.reset(MYSQL84));
        assertEquals(new Procedures.Call("mysql.rds_start_replication_until", List.of("mysql-bin.000002", 120L)),
                Procedures.startUntil(MYSQL80, "mysql-bin.000002", 120L, null));
        assertEquals("mysql.rds_start_replication_until_gtid", Procedures.startUntil(MYSQL84, null, null, "uuid:1-5").procedure());
        assertThrows(ProviderException.InvalidInput.class, () -> Procedures.startUntil(MARIADB, "f.000001", 4L, null));
    }
}
