package io.rdsreplication.provider.mysql;

import io.rdsreplication.provider.core.ProviderException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A server's own binary log: where it ends now, its GTID state, and the files it still keeps. Coordinates
 * compare within one series of files ({@code name.000012}): by the file's number, then by position.
 */
public final class Binlog {
    private Binlog() {
    }

    /** A point in a binary log. */
    public record Coordinates(String file, long position) implements Comparable<Coordinates> {
        /** The file name without its number ({@code source-bin} of {@code source-bin.000012}). */
        public String series() {
            return seriesOf(file);
        }

        @Override
        public int compareTo(Coordinates o) {
            int c = Long.compare(numberOf(file), numberOf(o.file));
            return c != 0 ? c : Long.compare(position, o.position);
        }

        public boolean atLeast(Coordinates o) {
            return compareTo(o) >= 0;
        }

        @Override
        public String toString() {
            return file + ":" + position;
        }
    }

    /** One file of SHOW BINARY LOGS. */
    public record LogFile(String name, long size) {
    }

    public static String seriesOf(String file) {
        int i = file == null ? -1 : file.lastIndexOf('.');
        return i < 0 ? String.valueOf(file) : file.substring(0, i);
    }

    /** The number after the last dot of a binlog file name (-1 when there is none). */
    public static long numberOf(String file) {
        int i = file == null ? -1 : file.lastIndexOf('.');
        if (i < 0) return -1;
        try {
            return Long.parseLong(file.substring(i + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Where the server's binary log ends now: SHOW BINARY LOG STATUS on MySQL 8.2+ (the only form on 8.4 and
     * 9.x), SHOW MASTER STATUS elsewhere. Refuses when the server writes no binary log.
     */
    public static Coordinates current(Session s, String role) {
        ServerInfo v = s.server();
        List<Map<String, String>> rows = s.query(v.isMysql() && v.atLeast(8, 2, 0) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS");
        if (rows.isEmpty() || rows.get(0).get("File") == null) {
            throw new ProviderException.Precondition("the " + role + " at " + s.spec().address()
                    + " writes no binary log (log_bin is off): it has no coordinates to read");
        }
        return new Coordinates(rows.get(0).get("File"), Long.parseLong(rows.get(0).get("Position")));
    }

    /** The server's GTID state: MySQL {@code gtid_executed} (empty with gtid_mode off), MariaDB {@code gtid_binlog_pos}. */
    public static String gtid(Session s) {
        String v = s.queryString(s.server().isMysql() ? "SELECT @@GLOBAL.gtid_executed" : "SELECT @@GLOBAL.gtid_binlog_pos");
        return v == null ? "" : v.replace("\n", "");
    }

    /** SHOW BINARY LOGS, oldest first. */
    public static List<LogFile> files(Session s) {
        List<LogFile> out = new ArrayList<>();
        for (Map<String, String> r : s.query("SHOW BINARY LOGS")) {
            String size = r.get("File_size");
            out.add(new LogFile(r.get("Log_name"), size == null ? 0 : Long.parseLong(size.trim())));
        }
        return out;
    }
}
