package io.rdsreplication.provider.cutover;

import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.mysql.SqlErrors;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Write fencing of the source: {@code read_only} (and {@code super_read_only} on MySQL, which stops accounts
 * with SUPER/CONNECTION_ADMIN too), remembered as it was so {@link #restore()} puts back exactly the values
 * found. Replication threads are not affected by either variable, so a fenced server can still replicate.
 */
public final class Fence {
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_]{1,32}");
    private final Session source;
    private final String readOnlyBefore;
    private final String superReadOnlyBefore;
    private boolean raised;

    private Fence(Session source, String readOnlyBefore, String superReadOnlyBefore) {
        this.source = source;
        this.readOnlyBefore = readOnlyBefore;
        this.superReadOnlyBefore = superReadOnlyBefore;
    }

    /** Reads the current values (changes nothing). */
    public static Fence of(Session source) {
        return new Fence(source, variable(source, "read_only"),
                source.server().isMysql() ? variable(source, "super_read_only") : null);
    }

    /** Whether the source was already read-only before the fence. */
    public boolean wasReadOnly() {
        return isOn(readOnlyBefore);
    }

    public String readOnlyBefore() {
        return readOnlyBefore;
    }

    /**
     * Raises the fence. {@code lockWaitSeconds} bounds how long SET GLOBAL read_only may wait for the global
     * read lock behind running statements (MariaDB's default wait is a year).
     */
    public void raise(int lockWaitSeconds) {
        source.execute("SET SESSION lock_wait_timeout = " + lockWaitSeconds);
        raised = true;   // from here on a failure may have left it half-set: restore() puts the old values back
        if (source.server().isMysql()) {
            source.execute("SET GLOBAL super_read_only = ON");   // implies read_only = ON
        } else {
            source.execute("SET GLOBAL read_only = ON");
        }
    }

    public boolean raised() {
        return raised;
    }

    /** Puts back the values found before {@link #raise}; nothing when the fence was never raised. */
    public void restore() {
        if (!raised) return;
        if (superReadOnlyBefore != null) source.execute("SET GLOBAL super_read_only = " + keyword(superReadOnlyBefore));
        source.execute("SET GLOBAL read_only = " + keyword(readOnlyBefore));
        raised = false;
    }

    /** The statement a person runs to lower the fence by hand (for messages). */
    public String restoreStatement() {
        return (superReadOnlyBefore != null ? "SET GLOBAL super_read_only = " + keyword(superReadOnlyBefore) + "; " : "")
                + "SET GLOBAL read_only = " + keyword(readOnlyBefore);
    }

    /**
     * Ends every session of the named accounts (user names as in the process list) except this one; returns
     * how many were ended. A session that ended meanwhile is not an error.
     */
    public int endSessions(List<String> users) {
        if (users.isEmpty()) return 0;
        List<Long> ids = new ArrayList<>();
        for (String u : users) {
            for (Map<String, String> r : source.query(
                    "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ? AND ID <> CONNECTION_ID()", u)) {
                ids.add(Long.parseLong(r.get("ID")));
            }
        }
        int ended = 0;
        for (long id : ids) {
            try {
                source.execute("KILL CONNECTION " + id);
                ended++;
            } catch (SqlErrors.SqlFailure e) {
                if (e.code() != 1094) throw e;   // ER_NO_SUCH_THREAD: it ended by itself
            }
        }
        return ended;
    }

    static boolean isOn(String v) {
        return v != null && (v.equals("1") || v.equalsIgnoreCase("ON"));
    }

    private static String variable(Session s, String name) {
        List<Map<String, String>> rows = s.query("SHOW GLOBAL VARIABLES LIKE ?", name);
        return rows.isEmpty() ? null : rows.get(0).get("Value");
    }

    /** A variable's value as read back, written as the bare keyword SET takes (ON, OFF, NO_LOCK, …). */
    private static String keyword(String v) {
        if (v == null || !VALUE.matcher(v).matches()) return "OFF";
        return v.toUpperCase(Locale.ROOT);
    }
}
