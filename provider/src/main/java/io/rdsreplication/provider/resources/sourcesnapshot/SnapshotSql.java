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

    /** Removes a DEFINER clause: the RDS master user lacks SUPER/SET USER, so objects get it as definer. */
    static String withoutDefiner(String ddl) {
        return DEFINER.matcher(ddl).replaceFirst("");
    }
}
