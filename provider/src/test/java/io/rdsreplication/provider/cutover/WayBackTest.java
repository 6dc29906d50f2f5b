package io.rdsreplication.provider.cutover;

import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.mysql.Binlog;
import io.rdsreplication.provider.mysql.ServerInfo;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WayBackTest {
    static final WayBack.Options O = new WayBack.Options("db.example.com", 3306, "back", "%", new Secret("p'w\\x"),
            new Binlog.Coordinates("mysql-bin-changelog.000012", 157), 24, true, 60);

    @Test
    void mariadbGetsChangeMasterByPosition() {
        assertEquals("CHANGE MASTER TO MASTER_HOST = 'db.example.com', MASTER_PORT = 3306, MASTER_USER = 'back', "
                        + "MASTER_PASSWORD = 'p''w\\\\x', MASTER_LOG_FILE = 'mysql-bin-changelog.000012', MASTER_LOG_POS = 157, "
                        + "MASTER_SSL = 1, MASTER_USE_GTID = no",
                WayBack.changeSource(ServerInfo.parse("10.11.19-MariaDB-log"), O, false));
    }

    @Test
    void mysqlGetsTheNewStatementWithoutAutoPosition() {
        String s = WayBack.changeSource(ServerInfo.parse("8.0.31"), O, true);
        assertTrue(s.startsWith("CHANGE REPLICATION SOURCE TO SOURCE_HOST = 'db.example.com'"), s);
        assertTrue(s.contains("SOURCE_PASSWORD = 'p''w\\x'") && s.endsWith("SOURCE_SSL = 1, SOURCE_AUTO_POSITION = 0"), s);
        assertTrue(WayBack.changeSource(ServerInfo.parse("8.0.20"), O, false).startsWith("CHANGE MASTER TO MASTER_HOST"));
    }
}
