package io.rdsreplication.provider.mysql;

import io.rdsreplication.provider.core.CheckFailure;
import io.rdsreplication.provider.core.Progress;
import io.rdsreplication.provider.core.ProviderException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The runbook's second guideline: the source must keep its binary logs until the replica has applied them. Reads
 * the source's automatic expiry and the files it keeps, and the file the replica still needs (the one its SQL
 * thread applies: relay logs beyond it are lost when RDS recovers the relay log), and says which files are safe
 * to purge and what is at risk.
 */
public final class BinlogRetention {
    private BinlogRetention() {
    }

    /**
     * @param minExpirySeconds the shortest automatic expiry accepted (0: any); a source that never expires passes
     * @param warnOnly         report problems as warnings instead of refusing
     */
    public record Options(long minExpirySeconds, boolean warnOnly, Channel channel) {
        public static final long MAX = 90L * 86400;

        public Options(long minExpirySeconds, boolean warnOnly) {
            this(minExpirySeconds, warnOnly, Channel.DEFAULT);
        }

        public List<CheckFailure> validate() {
            List<CheckFailure> out = new ArrayList<>();
            if (minExpirySeconds < 0 || minExpirySeconds > MAX) {
                out.add(new CheckFailure("minBinlogExpirySeconds", "must be between 0 and " + MAX + " (90 days), got " + minExpirySeconds));
            }
            return out;
        }
    }

    /** How the source expires binlogs: {@code seconds} 0 means never (no automatic purge). */
    public record Expiry(long seconds, String variable) {
        public boolean never() {
            return seconds <= 0;
        }
    }

    /**
     * @param expiry      the source's automatic expiry
     * @param sourceLogs  SHOW BINARY LOGS, oldest first
     * @param neededFile  the source binlog the replica's SQL thread is in (null: no replication configured)
     * @param safeToPurge every source binlog before {@code neededFile} (empty when none or nothing configured)
     * @param purgeTo     the statement's argument: {@code PURGE BINARY LOGS TO 'purgeTo'} removes exactly safeToPurge
     * @param problems    what puts the replica at risk (empty when none)
     */
    public record Report(Expiry expiry, List<Binlog.LogFile> sourceLogs, String neededFile, List<String> safeToPurge,
                         String purgeTo, List<String> problems) {
    }

    /** Reads the source's expiry and files and the replica's position; changes nothing. */
    public static Report inspect(Session source, Session replica, Options o) {
        Expiry expiry = expiry(variables(source));
        List<Binlog.LogFile> logs = Binlog.files(source);
        ReplicaStatus st = Replication.status(replica, o.channel());
        String needed = st.configured() && !st.appliedFile().isEmpty() ? st.appliedFile() : null;
        return report(expiry, logs, needed, o.minExpirySeconds());
    }

    /** {@link #inspect}, then refuses on any problem, or warns for each when {@code warnOnly}. */
    public static Report preflight(Progress progress, Session source, Session replica, Options o) {
        List<CheckFailure> bad = o.validate();
        if (!bad.isEmpty()) throw new ProviderException.InvalidInput(bad);
        Report r = inspect(source, replica, o);
        if (!r.problems().isEmpty()) {
            if (!o.warnOnly()) {
                throw new ProviderException.Precondition("binlog retention on the source " + source.spec().address() + ": "
                        + String.join("; ", r.problems()) + " (set warnOnly to proceed anyway)");
            }
            for (String p : r.problems()) progress.warn("binlog retention on the source: " + p);
        }
        return r;
    }

    /** The pure part: problems and the purge advice from what was read. */
    public static Report report(Expiry expiry, List<Binlog.LogFile> logs, String needed, long minExpirySeconds) {
        List<String> problems = new ArrayList<>();
        if (!expiry.never() && expiry.seconds() < minExpirySeconds) {
            problems.add("binlogs expire after " + expiry.seconds() + " s (" + expiry.variable() + "), shorter than the minimum "
                    + minExpirySeconds + " s: a replica stopped longer than that cannot resume; raise " + expiry.variable());
        }
        List<String> purge = new ArrayList<>();
        String purgeTo = null;
        if (needed != null && !logs.isEmpty()) {
            int at = -1;
            for (int i = 0; i < logs.size(); i++) {
                if (logs.get(i).name().equals(needed)) at = i;
            }
            if (at < 0) {
                problems.add("the replica needs " + needed + ", which the source no longer has (oldest kept: "
                        + logs.get(0).name() + "): replication cannot resume from there");
            } else {
                for (int i = 0; i < at; i++) purge.add(logs.get(i).name());
                if (!purge.isEmpty()) purgeTo = needed;
                if (at == 0 && logs.size() > 1) {
                    problems.add("the replica needs " + needed + ", the oldest binlog the source keeps: the next expiry or purge "
                            + "removes it before the replica is done with it");
                }
            }
        }
        return new Report(expiry, logs, needed, List.copyOf(purge), purgeTo, List.copyOf(problems));
    }

    /**
     * The effective automatic expiry: {@code binlog_expire_logs_seconds} when set (MySQL 8.0+, MariaDB 10.6+), else
     * {@code expire_logs_days} (a fraction on MariaDB); never when both are 0 or MySQL's
     * {@code binlog_expire_logs_auto_purge} is OFF.
     */
    public static Expiry expiry(Map<String, String> vars) {
        if ("OFF".equalsIgnoreCase(vars.get("binlog_expire_logs_auto_purge"))) return new Expiry(0, "binlog_expire_logs_auto_purge");
        long seconds = parseLong(vars.get("binlog_expire_logs_seconds"));
        if (seconds > 0) return new Expiry(seconds, "binlog_expire_logs_seconds");
        double days = parseDouble(vars.get("expire_logs_days"));
        if (days > 0) return new Expiry(Math.round(days * 86400), "expire_logs_days");
        return new Expiry(0, vars.containsKey("binlog_expire_logs_seconds") ? "binlog_expire_logs_seconds" : "expire_logs_days");
    }

    private static Map<String, String> variables(Session s) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Map<String, String> r : s.query("SHOW GLOBAL VARIABLES WHERE Variable_name IN "
                + "('binlog_expire_logs_seconds', 'expire_logs_days', 'binlog_expire_logs_auto_purge')")) {
            out.put(r.get("Variable_name").toLowerCase(java.util.Locale.ROOT), r.get("Value"));
        }
        return out;
    }

    private static long parseLong(String v) {
        try {
            return v == null ? 0 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static double parseDouble(String v) {
        try {
            return v == null ? 0 : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
