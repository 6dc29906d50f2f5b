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
            "SELECT Repl_slave_priv, Repl_client_priv, ssl_type, plugin, authentication_string FROM mysql.user WHERE User = ? AND Host = ?";

    /**
     * MariaDB with its default mysql_native_password plugin: the provider sends the password's hash
     * ({@link #nativeHash}), never the password, so it is not in the server's logs or process list, and no
     * escaping is involved whatever the sql_mode. Other plugins, and MySQL, take the password as a bound value.
     */
    private static String identified(ServerInfo server, String plugin) {
        if (server.isMariadb()) {
            if (usesNativeHash(server, plugin)) return "IDENTIFIED BY PASSWORD ?";
            return "IDENTIFIED VIA " + Sql.quoteIdentifier(plugin) + " USING PASSWORD(?)";
        }
        if (plugin == null || plugin.isEmpty()) return "IDENTIFIED BY ?";
        return "IDENTIFIED WITH " + Sql.quoteIdentifier(plugin) + " BY ?";
    }

    /** Whether the bound value is {@link #nativeHash} of the password rather than the password. */
    public static boolean usesNativeHash(ServerInfo server, String plugin) {
        return server.isMariadb() && (plugin == null || plugin.isEmpty() || plugin.equals("mysql_native_password"));
    }

    /** mysql_native_password's stored form: '*' and the upper-case hex of SHA1(SHA1(password)). */
    public static String nativeHash(String password) {
        try {
            java.security.MessageDigest sha1 = java.security.MessageDigest.getInstance("SHA-1");
            byte[] once = sha1.digest(password.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] twice = java.security.MessageDigest.getInstance("SHA-1").digest(once);
            return "*" + java.util.HexFormat.of().withUpperCase().formatHex(twice);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The value to bind for the password placeholder. */
    public static String passwordParameter(ServerInfo server, String plugin, String password) {
        return usesNativeHash(server, plugin) ? nativeHash(password) : password;
    }
}
