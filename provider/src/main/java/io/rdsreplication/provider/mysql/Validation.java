package io.rdsreplication.provider.mysql;

import java.util.regex.Pattern;

/** Pure checks on user input, shared by every resource's Check. */
public final class Validation {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.\\-]*[A-Za-z0-9])?|\\[?[0-9A-Fa-f:]+]?");
    private static final Pattern BINLOG_FILE = Pattern.compile("[A-Za-z0-9_.\\-]{1,250}\\.[0-9]{6,}");
    private static final Pattern MARIADB_GTID = Pattern.compile("\\d+-\\d+-\\d+(,\\d+-\\d+-\\d+)*");
    private static final Pattern MYSQL_GTID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(:\\d+(-\\d+)?)+"
            + "(,\\s*[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(:\\d+(-\\d+)?)+)*");
    private static final Pattern EC2_PRIVATE_DNS = Pattern.compile(
            "(?i)ip-\\d{1,3}-\\d{1,3}-\\d{1,3}-\\d{1,3}(\\.[a-z0-9-]+)?\\.(ec2|compute)\\.internal\\.?");

    private Validation() {
    }

    public static boolean isHostName(String s) {
        return s.length() <= 255 && HOST.matcher(s).matches();
    }

    public static boolean isBinlogFile(String s) {
        return BINLOG_FILE.matcher(s).matches();
    }

    public static boolean isGtid(String s) {
        return MARIADB_GTID.matcher(s).matches() || MYSQL_GTID.matcher(s).matches();
    }

    public static boolean isMariadbGtid(String s) {
        return MARIADB_GTID.matcher(s).matches();
    }

    public static boolean isEc2PrivateDns(String s) {
        return EC2_PRIVATE_DNS.matcher(s).matches();
    }

    /** A user-supplied value for an error message: quoted, control characters escaped, cut at 80 chars. */
    public static String show(String s) {
        StringBuilder sb = new StringBuilder("\"");
        int n = 0;
        for (int i = 0; i < s.length() && n < 80; i++, n++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
            else if (c == '"' || c == '\\') sb.append('\\').append(c);
            else sb.append(c);
        }
        if (s.length() > 80) sb.append("…");
        return sb.append('"').toString();
    }
}
