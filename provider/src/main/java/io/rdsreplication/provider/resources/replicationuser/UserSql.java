package io.rdsreplication.provider.resources.replicationuser;

import io.rdsreplication.provider.mysql.ServerInfo;
import io.rdsreplication.provider.mysql.Sql;

/**
 * Pure SQL builders for the replication account (golden-tested). The account is {@code `user`@`host`}
 * ({@link Sql#account}), which the server reads the same in every sql_mode; the statements are sent verbatim
 * (see {@link Sql}). The password is a hash wherever the plugin takes one, else a literal written for the
 * session's sql_mode ({@link #passwordLiteral}). The plugin name comes from a fixed set.
 */
public final class UserSql {
    public static final String GRANT_PRIVILEGES = "REPLICATION CLIENT, REPLICATION SLAVE";

    private UserSql() {
    }

    /**
     * {@code owner} (a hex digest of the resource's URN, or null) is recorded as a user attribute where the server has
     * them (MySQL 8.0.21+): there passwords are salted, so it is how a create whose answer was lost is recognised.
     */
    public static String createUser(ServerInfo server, String user, String host, String authPlugin, boolean requireSsl,
                                    String passwordLiteral, String owner) {
        return "CREATE USER " + Sql.account(user, host) + " " + identified(server, authPlugin, passwordLiteral)
                + (requireSsl ? " REQUIRE SSL" : "")
                + (owner != null && hasUserAttributes(server) ? " ATTRIBUTE '{\"" + OWNER_KEY + "\": \"" + hex(owner) + "\"}'" : "");
    }

    /** The JSON key of the owner attribute. */
    public static final String OWNER_KEY = "rdsreplication_owner";

    /** The attributes of an account (MySQL 8.0.21+), as JSON text; null where the server has none. */
    public static final String SELECT_ATTRIBUTES =
            "SELECT ATTRIBUTE FROM INFORMATION_SCHEMA.USER_ATTRIBUTES WHERE USER = ? AND HOST = ?";

    public static boolean hasUserAttributes(ServerInfo server) {
        return server.isMysql() && server.atLeast(8, 0, 21);
    }

    private static String hex(String s) {
        if (!s.matches("[0-9a-f]+")) throw new IllegalArgumentException("an owner tag is a hex digest");
        return s;
    }

    public static String alterPassword(ServerInfo server, String user, String host, String authPlugin, String passwordLiteral) {
        return "ALTER USER " + Sql.account(user, host) + " " + identified(server, authPlugin, passwordLiteral);
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
     * How the password is given. mysql_native_password (MariaDB's default; MySQL's when asked for): its hash
     * ({@link #nativeHash}), never the password, so it reaches no log, binlog or process list on any server.
     * MySQL's other plugins (caching_sha2_password, its default) salt their hash on the server: the password
     * goes as a literal, which MySQL rewrites to {@code <secret>} in its general and slow logs and to the
     * salted hash in its binlog. MariaDB's ed25519: its authentication string, computed here ({@link Ed25519Hash}).
     */
    private static String identified(ServerInfo server, String plugin, String passwordLiteral) {
        if (server.isMariadb()) {
            if (usesNativeHash(server, plugin)) return "IDENTIFIED BY PASSWORD " + passwordLiteral;
            if (usesEd25519Hash(server, plugin)) return "IDENTIFIED VIA ed25519 USING " + passwordLiteral;
            return "IDENTIFIED VIA " + Sql.quoteIdentifier(plugin) + " USING PASSWORD(" + passwordLiteral + ")";
        }
        if (usesNativeHash(server, plugin)) return "IDENTIFIED WITH mysql_native_password AS " + passwordLiteral;
        if (plugin == null || plugin.isEmpty()) return "IDENTIFIED BY " + passwordLiteral;
        return "IDENTIFIED WITH " + Sql.quoteIdentifier(plugin) + " BY " + passwordLiteral;
    }

    /** Whether the password is given as {@link #nativeHash} rather than itself. */
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

    /** MariaDB's ed25519, whose stored form is computed here rather than by PASSWORD('…') on the server. */
    public static boolean usesEd25519Hash(ServerInfo server, String plugin) {
        return server.isMariadb() && "ed25519".equals(plugin);
    }

    /** What the server stores for this password when it is computed here; null when the server salts it. */
    public static String storedHash(ServerInfo server, String plugin, String password) {
        if (usesNativeHash(server, plugin)) return nativeHash(password);
        if (usesEd25519Hash(server, plugin)) return Ed25519Hash.of(password);
        return null;
    }

    /** The password's literal for the session's sql_mode: the stored hash where it is computed here, else the password. */
    public static String passwordLiteral(ServerInfo server, String plugin, String password, boolean noBackslashEscapes) {
        String hash = storedHash(server, plugin, password);
        return Sql.stringLiteral(hash != null ? hash : password, noBackslashEscapes);
    }
}
