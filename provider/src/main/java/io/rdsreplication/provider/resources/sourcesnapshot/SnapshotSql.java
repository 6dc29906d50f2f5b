package io.rdsreplication.provider.resources.sourcesnapshot;

import io.rdsreplication.provider.mysql.ServerInfo;
import io.rdsreplication.provider.mysql.Sql;

import java.util.List;
import java.util.regex.Pattern;

/** Pure SQL builders for the copy (golden-tested). */
public final class SnapshotSql {
    private static final Pattern DEFINER = Pattern.compile("\\sDEFINER\\s*=\\s*(`(?:[^`]|``)*`|'(?:[^']|'')*'|\\S+?)@(`(?:[^`]|``)*`|'(?:[^']|'')*'|\\S+)");

    private SnapshotSql() {
    }

    /** Column types read through CAST(… AS CHAR): the server's own text form is exact for them. */
    static boolean isTemporal(String dataType) {
        return switch (dataType.toLowerCase()) {
            case "date", "datetime", "timestamp", "time", "year" -> true;
            default -> false;
        };
    }

    static String select(String db, String table, List<String> columns, List<String> types) {
        StringBuilder sb = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) sb.append(", ");
            String c = Sql.quoteIdentifier(columns.get(i));
            sb.append(isTemporal(types.get(i)) ? "CAST(" + c + " AS CHAR)" : c);
        }
        return sb.append(" FROM ").append(Sql.quoteIdentifier(db)).append('.').append(Sql.quoteIdentifier(table)).toString();
    }

    /** As {@link #select}, limited to {@code where} (a condition built by {@link #ranges}); null: the whole table. */
    static String select(String db, String table, List<String> columns, List<String> types, String where) {
        return where == null ? select(db, table, columns, types) : select(db, table, columns, types) + " WHERE " + where;
    }

    /**
     * Conditions that split an integer primary key's values [min, max] into at most {@code n} ranges of about
     * equal width: every value falls in exactly one (the first range is open below, the last open above).
     */
    static List<String> ranges(String pk, java.math.BigInteger min, java.math.BigInteger max, int n) {
        String c = Sql.quoteIdentifier(pk);
        java.math.BigInteger width = max.subtract(min);
        List<java.math.BigInteger> bounds = new java.util.ArrayList<>();
        for (int i = 1; i < n; i++) {
            java.math.BigInteger[] qr = width.multiply(java.math.BigInteger.valueOf(i)).divideAndRemainder(java.math.BigInteger.valueOf(n));
            java.math.BigInteger b = min.add(qr[1].signum() > 0 ? qr[0].add(java.math.BigInteger.ONE) : qr[0]);
            if (b.compareTo(min) > 0 && (bounds.isEmpty() || b.compareTo(bounds.get(bounds.size() - 1)) > 0)) bounds.add(b);
        }
        List<String> out = new java.util.ArrayList<>();
        if (bounds.isEmpty()) {
            out.add(null);
            return out;
        }
        out.add(c + " < " + bounds.get(0));
        for (int i = 1; i < bounds.size(); i++) out.add(c + " >= " + bounds.get(i - 1) + " AND " + c + " < " + bounds.get(i));
        out.add(c + " >= " + bounds.get(bounds.size() - 1));
        return out;
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /**
     * Appends one value as an SQL literal for a session whose sql_mode lacks NO_BACKSLASH_ESCAPES (the copy's
     * writers set it): NULL, a double in Java's round-trip form, bytes as X'…', text quoted with every special
     * character escaped.
     */
    static void appendLiteral(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("NULL");
        } else if (v instanceof Double d) {
            sb.append(d.doubleValue());
        } else if (v instanceof byte[] b) {
            sb.append("X'");
            for (byte x : b) sb.append(HEX[(x >> 4) & 0xF]).append(HEX[x & 0xF]);
            sb.append('\'');
        } else {
            String s = (String) v;
            sb.append('\'');
            for (int i = 0, n = s.length(); i < n; i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '\0' -> sb.append("\\0");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\032' -> sb.append("\\Z");
                    case '\\' -> sb.append("\\\\");
                    case '\'' -> sb.append("\\'");
                    case '"' -> sb.append("\\\"");
                    default -> sb.append(c);
                }
            }
            sb.append('\'');
        }
    }

    /** Integer column types whose values a primary-key range can split. */
    static boolean isInteger(String dataType) {
        return switch (dataType.toLowerCase()) {
            case "tinyint", "smallint", "mediumint", "int", "integer", "bigint" -> true;
            default -> false;
        };
    }

    /** "INSERT INTO `db`.`t` (`a`, `b`) VALUES ": rows follow as literals. */
    static String insertHead(String db, String table, List<String> columns) {
        String ins = insert(db, table, columns);
        return ins.substring(0, ins.lastIndexOf(" VALUES (") + " VALUES ".length());
    }

    static String insert(String db, String table, List<String> columns) {
        StringBuilder sb = new StringBuilder("INSERT INTO ").append(Sql.quoteIdentifier(db)).append('.')
                .append(Sql.quoteIdentifier(table)).append(" (");
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(Sql.quoteIdentifier(columns.get(i)));
        }
        sb.append(") VALUES (");
        for (int i = 0; i < columns.size(); i++) sb.append(i == 0 ? "?" : ", ?");
        return sb.append(')').toString();
    }

    /**
     * The statement that shows the binlog coordinates, by the server's version: SHOW BINARY LOG STATUS on MySQL
     * 8.2 and later (SHOW MASTER STATUS is deprecated there and a syntax error from 8.4), SHOW MASTER STATUS
     * on older MySQL and on MariaDB.
     */
    public static String binlogStatus(ServerInfo server) {
        return server.isMysql() && server.atLeast(8, 2, 0) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
    }

    /** A MySQL GTID set as one line (the server breaks long sets after each comma). */
    public static String gtidSet(String raw) {
        return raw == null ? "" : raw.replace("\n", "").replace("\r", "").trim();
    }

    /** A CREATE TABLE without its plain secondary keys, and those keys as clauses of one ALTER TABLE. */
    record DeferredKeys(String create, List<String> keys) {
        String alter(String db, String table) {
            StringBuilder sb = new StringBuilder("ALTER TABLE ").append(Sql.quoteIdentifier(db)).append('.').append(Sql.quoteIdentifier(table));
            for (int i = 0; i < keys.size(); i++) sb.append(i == 0 ? " ADD " : ", ADD ").append(keys.get(i));
            return sb.toString();
        }
    }

    private static final Pattern KEY_LINE = Pattern.compile("KEY `(?:[^`]|``)*` \\(`((?:[^`]|``)*)`.*");

    /**
     * Splits the plain (non-unique, not full-text or spatial) secondary keys off a SHOW CREATE TABLE, so a big
     * table's rows load without maintaining them and the keys are built once afterwards, sorted. Null (keep the
     * table as it is) when it has no such key, has or may have foreign keys, or its definition is not one
     * definition a line as expected; a key that starts with the AUTO_INCREMENT column stays (the server needs it).
     */
    static DeferredKeys deferSecondaryKeys(String ddl, String autoIncrementColumn) {
        int open = ddl.indexOf(" (\n");
        int close = ddl.lastIndexOf("\n)");
        if (open < 0 || close <= open) return null;
        List<String> kept = new java.util.ArrayList<>();
        List<String> keys = new java.util.ArrayList<>();
        for (String line : ddl.substring(open + 3, close).split("\n", -1)) {
            if (!line.startsWith("  ") || line.startsWith("   ")) return null;
            String def = line.substring(2);
            if (def.endsWith(",")) def = def.substring(0, def.length() - 1);
            if (def.contains("FOREIGN KEY") || def.contains("REFERENCES")) return null;
            boolean known = def.startsWith("`") || def.startsWith("PRIMARY KEY ") || def.startsWith("UNIQUE KEY ")
                    || def.startsWith("FULLTEXT KEY ") || def.startsWith("SPATIAL KEY ") || def.startsWith("KEY ")
                    || def.startsWith("CONSTRAINT ") && def.contains(" CHECK ");
            if (!known) return null;
            var m = KEY_LINE.matcher(def);
            if (m.matches() && !m.group(1).replace("``", "`").equals(autoIncrementColumn)) keys.add(def);
            else kept.add(def);
        }
        if (keys.isEmpty() || kept.isEmpty()) return null;
        return new DeferredKeys(ddl.substring(0, open + 3) + "  " + String.join(",\n  ", kept) + ddl.substring(close), keys);
    }

    /** Removes a DEFINER clause: the RDS master user lacks SUPER/SET USER, so objects get it as definer. */
    static String withoutDefiner(String ddl) {
        return DEFINER.matcher(ddl).replaceFirst("");
    }
}
