package io.rdsreplication.provider.mysql;

/**
 * The one quoting rule. Names are quoted with backticks (a backtick doubled): the server reads them the same
 * in every sql_mode (ANSI_QUOTES and NO_BACKSLASH_ESCAPES change string literals, not backtick identifiers),
 * which is why accounts are written {@code `user`@`host`}. Values are bound parameters wherever the server's
 * grammar takes an expression. The one exception is a password in CREATE/ALTER USER, whose grammar takes
 * only a literal: {@link #stringLiteral} writes it for the sql_mode the session actually has.
 *
 * <p>Statements holding an account are sent unprepared, with the driver's escape processing off
 * ({@link Session#executeVerbatim}): a client-side prepared statement makes the driver look for `?` in the text,
 * and it reads a backslash inside backticks as an escape (so {@code `x\`} hid the placeholders that followed);
 * and a bound account name does not work either, since under NO_BACKSLASH_ESCAPES the driver sends strings
 * holding a quote as hex literals, which CREATE USER does not accept as a name.
 */
public final class Sql {
    private Sql() {
    }

    public static String quoteIdentifier(String name) {
        if (name.indexOf('\0') >= 0) throw new IllegalArgumentException("identifier contains a NUL byte");
        return "`" + name.replace("`", "``") + "`";
    }

    /** {@code `user`@`host`} */
    public static String account(String user, String host) {
        return quoteIdentifier(user) + "@" + quoteIdentifier(host);
    }

    /**
     * A single-quoted string literal that the server reads back as {@code value} under the given sql_mode:
     * quotes doubled (right in every mode), backslashes doubled unless NO_BACKSLASH_ESCAPES is set (where a
     * backslash is an ordinary character). ANSI_QUOTES does not affect single quotes.
     */
    public static String stringLiteral(String value, boolean noBackslashEscapes) {
        if (value.indexOf('\0') >= 0) throw new IllegalArgumentException("value contains a NUL byte");
        String v = noBackslashEscapes ? value : value.replace("\\", "\\\\");
        return "'" + v.replace("'", "''") + "'";
    }
}
