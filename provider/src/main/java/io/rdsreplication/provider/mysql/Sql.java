package io.rdsreplication.provider.mysql;

/**
 * The one quoting rule. User-supplied values, account names included, are never spliced into SQL text: they
 * are bound parameters ({@code ?}), which the driver writes as string literals escaped for the session's
 * sql_mode (it reads NO_BACKSLASH_ESCAPES when it connects; ANSI_QUOTES does not change single-quoted
 * literals). An account is therefore {@link #ACCOUNT}, {@code ?@?}, bound to the user and the host.
 * Only names that cannot be bound (databases, tables, columns) are quoted here, with backticks (a backtick
 * doubled), which mean the same in every sql_mode.
 */
public final class Sql {
    /** An account in CREATE/ALTER/DROP USER and GRANT: bind the user name, then the host. */
    public static final String ACCOUNT = "?@?";

    private Sql() {
    }

    public static String quoteIdentifier(String name) {
        if (name.indexOf('\0') >= 0) throw new IllegalArgumentException("identifier contains a NUL byte");
        return "`" + name.replace("`", "``") + "`";
    }
}
