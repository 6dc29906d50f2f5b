package io.rdsreplication.provider.mysql;

import io.rdsreplication.provider.core.ProviderException;

import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.Collection;

/** MySQL/MariaDB error numbers in one place, and the messages users get for them. */
public final class SqlErrors {
    public static final int ACCESS_DENIED = 1045;
    public static final int SPECIFIC_ACCESS_DENIED = 1227;
    public static final int CANNOT_USER = 1396;
    public static final int NONEXISTING_GRANT = 1141;
    public static final int PASSWORD_NO_MATCH = 1133;
    public static final int SIGNAL = 1644;
    public static final int SLAVE_MUST_STOP = 1198;
    public static final int SP_DOES_NOT_EXIST = 1305;
    public static final int CONN_HOST_ERROR = 2003;
    public static final int BINLOG_READ_FATAL = 1236;
    public static final int SAME_SERVER_ID = 1593;
    public static final int UNKNOWN_DATABASE = 1049;

    private SqlErrors() {
    }

    public static String redact(String s, Collection<String> secrets) {
        if (s == null) return "";
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 1) s = s.replace(secret, "***");
        }
        return s;
    }

    static ProviderException connectFailure(SQLException e, String role, ConnectionSpec spec) {
        String base = "cannot connect to the " + role + " at " + spec.address() + " as " + spec.username() + ": ";
        String msg = redact(firstLine(e.getMessage()), java.util.List.of(spec.passwordValue()));
        if (e.getErrorCode() == ACCESS_DENIED) {
            return new ProviderException.Precondition(base + "access denied; check `" + role
                    + ".username` and `" + role + ".password` (" + msg + ")");
        }
        if (msg.contains("Public Key Retrieval is not allowed")) {
            // caching_sha2_password (MySQL's default) sends the password only over TLS or RSA-encrypted with the
            // server's key, which the provider never fetches unverified
            return new ProviderException.Precondition(base + "the account uses caching_sha2_password, which logs in over TLS "
                    + "only: set `" + role + ".tls` to preferred, required, verifyCa or verifyIdentity (" + msg + ")");
        }
        if ("08001".equals(e.getSQLState()) || "08S01".equals(e.getSQLState()) || e instanceof SQLTimeoutException) {
            return new ProviderException.Remote(base + "the server did not answer (" + msg
                    + "); check the host, port, firewall and `" + role + ".connectTimeoutSeconds`", e);
        }
        return new ProviderException.Remote(base + msg, e);
    }

    static ProviderException classify(SQLException e, String what, ConnectionSpec spec, Collection<String> secrets) {
        String msg = redact(firstLine(e.getMessage()), secrets);
        String where = " (" + spec.address() + ", " + firstWords(what) + ")";
        if (e instanceof SQLTimeoutException || "08S01".equals(e.getSQLState())) {
            return new ProviderException.Remote("the server stopped answering" + where + ": " + msg
                    + "; raise socketTimeoutSeconds if the operation is expected to take long", e);
        }
        return new SqlFailure(e.getErrorCode(), msg + where, e);
    }

    /** A SQL error with its number, for callers that decide by number (gone, refused, …). */
    public static final class SqlFailure extends ProviderException.Precondition {
        private final int code;

        SqlFailure(int code, String message, Throwable cause) {
            super(message, cause);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    public static int codeOf(Throwable t) {
        return t instanceof SqlFailure f ? f.code() : 0;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    /** The statement kind only (e.g. "CREATE USER"), never its arguments. */
    private static String firstWords(String sql) {
        String[] w = sql.trim().split("\\s+");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(2, w.length); i++) {
            if (i > 0) sb.append(' ');
            sb.append(w[i].replaceAll("[^A-Za-z_.]", ""));
        }
        return sb.toString();
    }
}
