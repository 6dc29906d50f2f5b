package io.rdsreplication.provider.resources.externalmaster;

import io.rdsreplication.provider.mysql.ServerInfo;

/**
 * For the test bed only: RDSREPLICATION_ASSUME_ENGINE=mysql:8.4.0 makes the provider choose the MySQL
 * procedures for a server that is really MariaDB carrying the emulated MySQL-named procedures.
 */
public final class EngineOverride {
    private EngineOverride() {
    }

    public static ServerInfo apply(ServerInfo real) {
        String o = System.getenv("RDSREPLICATION_ASSUME_ENGINE");
        if (o == null || !o.contains(":")) return real;
        String[] p = o.split(":", 2);
        return ServerInfo.of("mariadb".equalsIgnoreCase(p[0]) ? ServerInfo.Flavor.MARIADB : ServerInfo.Flavor.MYSQL, p[1]);
    }
}
