package io.rdsreplication.provider.cutover;

import io.rdsreplication.provider.mysql.Sql;

/** A {@code database.table} name as a user writes it (the first dot splits; backticks are not needed). */
public record TableName(String database, String table) {
    /** The parsed name, or null when it is not {@code database.table} with both parts non-empty. */
    public static TableName parse(String s) {
        if (s == null || s.indexOf('\0') >= 0) return null;
        int i = s.indexOf('.');
        if (i <= 0 || i == s.length() - 1 || s.length() > 129) return null;
        return new TableName(s.substring(0, i), s.substring(i + 1));
    }

    /** {@code `db`.`table`}, quoted by the project's one rule. */
    public String quoted() {
        return Sql.quoteIdentifier(database) + "." + Sql.quoteIdentifier(table);
    }

    @Override
    public String toString() {
        return database + "." + table;
    }
}
