package io.rdsreplication.provider.resources.sourcesnapshot;

import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.mysql.Sql;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The copy's fast way into the RDS instance: LOAD DATA LOCAL INFILE, fed from memory, never from a file.
 *
 * The server asks the client for "the file" by name, and a driver that honours any name lets a server (or a
 * man in the middle of an unverified link) read the plugin's local files. So a writer connects with local
 * files confined to an empty private directory (which alone sets the protocol's LOCAL capability); then
 * {@link #arm} hands the driver an in-memory stream and only after that allows LOCAL: from then on every
 * request, whatever name it gives, is answered from that stream (the batch being loaded, or nothing).
 *
 * The rows go as tab-separated text, UTF-8, with `\N` for NULL and backslash escapes; binary values as hex,
 * turned back into bytes by UNHEX on the server.
 */
final class LoadData {
    /** Column types whose values load exactly as text (or, for the binary ones, as UNHEX of hex). */
    private static final Set<String> LOADABLE = Set.of("tinyint", "smallint", "mediumint", "int", "integer", "bigint",
            "decimal", "numeric", "float", "double", "real", "char", "varchar", "tinytext", "text", "mediumtext", "longtext",
            "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "date", "time", "datetime", "timestamp", "year",
            "enum", "set", "json");
    /** Server errors that mean "LOAD DATA LOCAL is off here" (local_infile = 0): MySQL's, MariaDB's. */
    private static final Set<Integer> REFUSED = Set.of(1148, 3948, 3950, 4166);

    private static volatile Path emptyDir;

    private LoadData() {
    }

    /** Whether a table's columns all load exactly through LOAD DATA (otherwise its rows go as INSERTs). */
    static boolean loadable(List<String> dataTypes) {
        for (String t : dataTypes) if (!LOADABLE.contains(t.toLowerCase())) return false;
        return true;
    }

    static boolean binary(String dataType) {
        return switch (dataType.toLowerCase()) {
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" -> true;
            default -> false;
        };
    }

    static boolean refused(SQLException e) {
        return REFUSED.contains(e.getErrorCode());
    }

    /** Driver properties for a writer: LOCAL off, local files confined to an empty private directory. */
    static Map<String, String> connectProperties() {
        return Map.of("allowLoadLocalInfile", "false", "allowLoadLocalInfileInPath", emptyDir().toString());
    }

    private static Path emptyDir() {
        Path d = emptyDir;
        if (d == null) {
            synchronized (LoadData.class) {
                if (emptyDir == null) {
                    try {
                        emptyDir = Files.createTempDirectory("rdsreplication-no-local-files",
                                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                        emptyDir.toFile().deleteOnExit();
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot create a private temporary directory", e);
                    }
                }
                d = emptyDir;
            }
        }
        return d;
    }

    /** Every LOCAL request on this connection is answered from memory from now on; then LOCAL is allowed. */
    static void arm(Session s) {
        arm(s.jdbc());
    }

    static void arm(java.sql.Connection c) {
        try (Statement st = c.createStatement()) {
            st.unwrap(com.mysql.cj.jdbc.JdbcStatement.class).setLocalInfileInputStream(InputStream.nullInputStream());
            c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).getPropertySet()
                    .getBooleanProperty(com.mysql.cj.conf.PropertyKey.allowLoadLocalInfile).setValue(true);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the driver for LOAD DATA from memory", e);
        }
    }

    /** Loads the rows in {@code data[0, size)}; returns the server's count of the rows it loaded. */
    static long load(Statement st, String sql, byte[] data, int size) throws SQLException {
        st.unwrap(com.mysql.cj.jdbc.JdbcStatement.class).setLocalInfileInputStream(new ByteArrayInputStream(data, 0, size));
        return st.executeLargeUpdate(sql);
    }

    /**
     * "LOAD DATA LOCAL INFILE … INTO TABLE `db`.`t` … (`a`, @v1) SET `b` = UNHEX(@v1)": binary columns come as
     * hex into user variables.
     */
    static String statement(String db, String table, List<String> columns, List<String> types) {
        StringBuilder cols = new StringBuilder();
        StringBuilder set = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) cols.append(", ");
            String c = Sql.quoteIdentifier(columns.get(i));
            if (binary(types.get(i))) {
                cols.append("@v").append(i);
                set.append(set.isEmpty() ? " SET " : ", ").append(c).append(" = UNHEX(@v").append(i).append(')');
            } else {
                cols.append(c);
            }
        }
        return "LOAD DATA LOCAL INFILE 'rdsreplication-rows' INTO TABLE " + Sql.quoteIdentifier(db) + "." + Sql.quoteIdentifier(table)
                + " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (" + cols + ")" + set;
    }

    /** Rows as LOAD DATA's text: fields end with a tab, rows with a newline. */
    static final class Buffer {
        private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        /** A batch ends past 1 MiB: a little more room, so most batches never grow their array. */
        byte[] bytes = new byte[(1 << 20) + (64 << 10)];
        int size;

        private void room(int n) {
            if (size + n > bytes.length) bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
        }

        private void put(int b) {
            bytes[size++] = (byte) b;
        }

        /** Puts the escape of a byte that LOAD DATA's text treats specially (backslash, tab, newline, CR, NUL); false for any other. */
        private boolean escape(int b) {
            char e = switch (b) {
                case '\\' -> '\\';
                case '\t' -> 't';
                case '\n' -> 'n';
                case '\r' -> 'r';
                case 0 -> '0';
                default -> 0;
            };
            if (e == 0) return false;
            put('\\');
            put(e);
            return true;
        }

        void tab() {
            room(1);
            put('\t');
        }

        void newline() {
            room(1);
            put('\n');
        }

        /** A value's text already in UTF-8, escaped as {@link #text} escapes (no byte of a multi-byte character is below 0x80). */
        void escaped(byte[] v) {
            room(v.length * 2);
            for (byte x : v) {
                if (!escape(x)) bytes[size++] = x;
            }
        }

        void value(Object v) {
            if (v == null) {
                room(2);
                put('\\');
                put('N');
            } else if (v instanceof Double d) {
                text(Double.toString(d));
            } else if (v instanceof byte[] b) {
                room(b.length * 2);
                for (byte x : b) {
                    put(HEX[(x >> 4) & 0xF]);
                    put(HEX[x & 0xF]);
                }
            } else {
                text((String) v);
            }
        }

        /**
         * UTF-8, with tab, newline, carriage return, NUL and backslash escaped. Room for three bytes a char is
         * enough: an escape takes two, a char of the BMP at most three, a surrogate pair four for its two chars.
         */
        void text(String s) {
            int n = s.length();
            room(n * 3);
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    if (!escape(c)) put(c);
                } else if (c < 0x800) {
                    put(0xC0 | (c >> 6));
                    put(0x80 | (c & 0x3F));
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    put(0xF0 | (cp >> 18));
                    put(0x80 | ((cp >> 12) & 0x3F));
                    put(0x80 | ((cp >> 6) & 0x3F));
                    put(0x80 | (cp & 0x3F));
                } else {
                    put(0xE0 | (c >> 12));
                    put(0x80 | ((c >> 6) & 0x3F));
                    put(0x80 | (c & 0x3F));
                }
            }
        }
    }
}
