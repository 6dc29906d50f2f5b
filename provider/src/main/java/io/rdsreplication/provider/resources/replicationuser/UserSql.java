package io.rdsreplication.provider.resources.replicationuser;

import io.rdsreplication.provider.mysql.ServerInfo;
import io.rdsreplication.provider.mysql.Sql;

import java.util.List;

/**
 * Pure SQL builders for the replication account (golden-tested). No user-supplied text is ever part of the
 * SQL: the account is {@link Sql#ACCOUNT} ({@code ?@?}) and the password a {@code ?}, all bound values that the
 * driver writes as string literals escaped for the session's sql_mode. The plugin name comes from a fixed set.
 */
public final class UserSql {
    public static final String GRANT_PRIVILEGES = "REPLICATION CLIENT, REPLICATION SLAVE";

    private UserSql() {
    }

    /** One statement and its bound values, in order. */
    public record Stmt(String sql, List<String> params) {
        public Object[] args() {
            return params.toArray();
        }
    }

    public static Stmt createUser(ServerInfo server, String user, String host, String authPlugin, boolean requireSsl,
                                  String password) {
        return new Stmt("CREATE USER " + Sql.ACCOUNT + " " + identified(server, authPlugin) + (requireSsl ? " REQUIRE SSL" : ""),
                List.of(user, host, passwordParameter(server, authPlugin, password)));
    }

    public static Stmt alterPassword(ServerInfo server, String user, String host, String authPlugin, String password) {
        return new Stmt("ALTER USER " + Sql.ACCOUNT + " " + identified(server, authPlugin),
                List.of(user, host, passwordParameter(server, authPlugin, password)));
    }

    public static Stmt alterTls(String user, String host, boolean requireSsl) {
        return new Stmt("ALTER USER " + Sql.ACCOUNT + (requireSsl ? " REQUIRE SSL" : " REQUIRE NONE"), List.of(user, host));
    }

    public static Stmt grant(String user, String host) {
        return new Stmt("GRANT " + GRANT_PRIVILEGES + " ON *.* TO " + Sql.ACCOUNT, List.of(user, host));
    }

    public static Stmt dropUser(String user, String host) {
        return new Stmt("DROP USER IF EXISTS " + Sql.ACCOUNT, List.of(user, host));
    }

    /** Reads what Read needs from mysql.user: same columns on MariaDB (a view) and MySQL. */
    public static final String SELECT_ACCOUNT =
            "SELECT Repl_slave_priv, Repl_client_priv, ssl_type, plugin, authentication_string FROM mysql.user WHERE User = ? AND Host = ?";

    /**
     * How the password is given. mysql_native_password (MariaDB's default; MySQL's when asked for): its hash
     * ({@link #nativeHash}), never the password, so it reaches no log, binlog or process list on any server
     * and needs no escaping. MySQL's other plugins (caching_sha2_password, its default) salt their hash on the
     * server: the password goes as a bound value, which MySQL rewrites to {@code <secret>} in its general and
     * slow logs and to the salted hash in its binlog. MariaDB's ed25519 takes PASSWORD(?).
     */
    private static String identified(ServerInfo server, String plugin) {
        boolean unset = plugin == null || plugin.isEmpty();
        if (server.isMariadb()) {
            if (usesNativeHash(server, plugin)) return "IDENTIFIED BY PASSWORD ?";
            return "IDENTIFIED VIA " + Sql.quoteIdentifier(plugin) + " USING PASSWORD(?)";
        }
        if (usesNativeHash(server, plugin)) return "IDENTIFIED WITH mysql_native_password AS ?";
        if (unset) return "IDENTIFIED BY ?";
        return "IDENTIFIED WITH " + Sql.quoteIdentifier(plugin) + " BY ?";
    }

    /** Whether the bound value is {@link #nativeHash} of the password rather than the password. */
    public static boolean usesNativeHash(ServerInfo server, String plugin) {
        if ("mysql_native_password".equals(plugin)) return true;
        return server.isMariadb() && (plugin == null || plugin.isEmpty());
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
