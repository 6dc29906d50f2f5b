package io.rdsreplication.provider.resources.replicationuser;

import io.rdsreplication.provider.mysql.ServerInfo;
import io.rdsreplication.provider.mysql.Sql;

/** Pure SQL builders for the replication account (golden-tested). Passwords are always a bound `?`. */
public final class UserSql {
    public static final String GRANT_PRIVILEGES = "REPLICATION CLIENT, REPLICATION SLAVE";

    private UserSql() {
    }

    public static String createUser(ServerInfo server, String user, String host, String authPlugin, boolean requireSsl) {
        return "CREATE USER " + Sql.account(user, host) + " " + identified(server, authPlugin)
                + (requireSsl ? " REQUIRE SSL" : "");
    }

    public static String alterPassword(ServerInfo server, String user, String host, String authPlugin) {
        return "ALTER USER " + Sql.account(user, host) + " " + identified(server, authPlugin);
    }

    public static String alterTls(String user, String host, boolean requireSsl) {
        return "ALTER USER " + Sql.account(user, host) + (requireSsl ? " REQUIRE SSL" : " REQUIRE NONE");
    }

    public static String grant(String user, String host) {
        return "GRANT " + GRANT_PRIVILEGES + " ON *.* TO " + Sql.account(user, host);
    }

    public static String dropUser(String user, String host) {
        return "DROP USER IF EXISTS " + Sql.account(user, host);
    }

    /** Reads what Read needs from mysql.user: same columns on MariaDB (a view) and MySQL. */
    public static final String SELECT_ACCOUNT =
            "SELECT Repl_slave_priv, Repl_client_priv, ssl_type, plugin FROM mysql.user WHERE User = ? AND Host = ?";

    private static String identified(ServerInfo server, String plugin) {
        if (plugin == null || plugin.isEmpty()) return "IDENTIFIED BY ?";
        if (server.isMariadb()) {
            return "IDENTIFIED VIA " + Sql.quoteIdentifier(plugin) + " USING PASSWORD(?)";
        }
        return "IDENTIFIED WITH " + Sql.quoteIdentifier(plugin) + " BY ?";
    }
}
