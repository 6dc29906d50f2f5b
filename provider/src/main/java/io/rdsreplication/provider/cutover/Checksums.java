package io.rdsreplication.provider.cutover;

import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.mysql.Session;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CHECKSUM TABLE of the same tables on both sides. The figure depends on the row format, so it compares only
 * between servers of one flavour and major version (a MariaDB source and a MySQL replica may differ with equal
 * rows); the caller decides whether to ask for it.
 */
public final class Checksums {
    private Checksums() {
    }

    /** One table's checksum on each side. */
    public record TableChecksum(String table, String source, String replica) {
        public boolean equal() {
            return source != null && source.equals(replica);
        }
    }

    public static List<TableChecksum> compare(Session source, Session replica, List<String> tables) {
        List<TableChecksum> out = new ArrayList<>();
        for (String t : tables) {
            TableName n = TableName.parse(t);
            if (n == null) throw new ProviderException.InvalidInput("checksumTables", "must be database.table, got " + t);
            out.add(new TableChecksum(n.toString(), checksum(source, n, "source"), checksum(replica, n, "replica")));
        }
        return out;
    }

    /** CHECKSUM TABLE's figure; refuses when the table does not exist there (the server answers NULL). */
    static String checksum(Session s, TableName n, String role) {
        List<Map<String, String>> rows = s.query("CHECKSUM TABLE " + n.quoted() + " EXTENDED");
        String v = rows.isEmpty() ? null : rows.get(0).get("Checksum");
        if (v == null) throw new ProviderException.Precondition("table " + n + " does not exist on the " + role);
        return v;
    }
}
