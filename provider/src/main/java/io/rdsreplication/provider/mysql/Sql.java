package io.rdsreplication.provider.mysql;

/**
 * The one quoting rule. Identifiers and account parts are quoted with backticks (a backtick doubled), which
 * means the same in every sql_mode (ANSI_QUOTES and NO_BACKSLASH_ESCAPES change string literals, not
 * backtick identifiers). Values are never quoted here: they are bound parameters.
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
}
