package io.rdsreplication.provider.mysql;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Replication state on the RDS instance, read and driven the way its master user can: status through SHOW
 * REPLICA STATUS (MySQL, which grants it REPLICATION CLIENT) or {@code mysql.rds_replica_status} (RDS for MariaDB
 * 10.5+, where SHOW is refused), and every change through the {@code mysql.rds_*} procedures, whose refusals
 * (SIGNAL SQLSTATE 45000) are classified here in one place.
 */
public final class Replication {
    private Replication() {
    }

    public static ReplicaStatus status(Session s) {
        return status(s, Channel.DEFAULT);
    }

    /** The status of one channel; a channel the instance does not have is not configured. */
    public static ReplicaStatus status(Session s, Channel channel) {
        ServerInfo v = s.server();
        if (v.isMysql()) {
            return ReplicaStatus.fromRows(mysqlStatusRows(s), channel);
        }
        if (!channel.isDefault()) return ReplicaStatus.NOT_CONFIGURED; // RDS for MariaDB has no channels
        try {
            return ReplicaStatus.fromRows(s.query(v.atLeast(10, 5, 1) ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS"));
        } catch (SqlErrors.SqlFailure e) {
            if (e.code() != SqlErrors.SPECIFIC_ACCESS_DENIED) throw e;
        }
        // RDS for MariaDB 10.5+: the master user reads status through this procedure.
        return ReplicaStatus.fromRows(s.call("mysql.rds_replica_status"));
    }

    /** MySQL's status rows, one per channel (8.4 and 9.x only know the new statement; 8.0.22+ has both). */
    public static List<Map<String, String>> mysqlStatusRows(Session s) {
        return s.query(s.server().atLeast(8, 0, 22) ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS");
    }

    /** The named channels MySQL lists besides the default one (multi-source); empty on MariaDB. */
    public static java.util.Map<String, ReplicaStatus> namedChannels(Session s) {
        java.util.Map<String, ReplicaStatus> out = new java.util.LinkedHashMap<>();
        if (!s.server().isMysql()) return out;
        for (Map<String, String> r : mysqlStatusRows(s)) {
            String name = r.getOrDefault("Channel_Name", "");
            if (!name.isEmpty()) out.put(name, ReplicaStatus.fromRows(List.of(r), Channel.of(name)));
        }
        return out;
    }

    /** The {@code mysql.rds_*} procedures this instance has (empty when they cannot be listed). */
    public static Set<String> procedures(Session s) {
        Set<String> out = new LinkedHashSet<>();
        try {
            for (Map<String, String> r : s.query("SELECT ROUTINE_NAME AS n FROM information_schema.ROUTINES "
                    + "WHERE ROUTINE_SCHEMA = 'mysql' AND ROUTINE_TYPE = 'PROCEDURE' AND ROUTINE_NAME LIKE 'rds\\_%'")) {
                out.add(r.get("n").toLowerCase(Locale.ROOT));
            }
        } catch (SqlErrors.SqlFailure e) {
            return Set.of();
        }
        return out;
    }

    /** What an RDS procedure's refusal (SQLSTATE 45000) means. */
    public enum Refusal {
        /** ON or BROKEN: "… replication is running", "may already be running", "might be running". */
        RUNNING,
        /** OFF: "Slave is already stopped or may not be configured". */
        ALREADY_STOPPED,
        /** NOT_EXIST: "… isn't configured". */
        NOT_CONFIGURED,
        /** START ran, but the threads are not both running: the status says why. */
        START_FAILED,
        READ_REPLICA,
        MULTI_AZ_CLUSTER,
        /** rds_start_replication_until with replica_parallel_workers > 1. */
        MULTI_THREADED,
        /** Multi-source: another channel already replicates from this host and port. */
        SAME_SOURCE,
        /** Multi-source: the instance has RDS's 15 channels already. */
        TOO_MANY_CHANNELS,
        OTHER;

        public static Refusal of(SqlErrors.SqlFailure e) {
            String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("already stopped") || m.contains("already been stopped")) return ALREADY_STOPPED;
            if (m.contains("isn't configured") || m.contains("is not configured") || m.contains("channel does not exist")) return NOT_CONFIGURED;
            if (m.contains("multiple channels to replicate from")) return SAME_SOURCE;
            if (m.contains("channels are allowed")) return TOO_MANY_CHANNELS;
            if (m.contains("replication is running") || m.contains("already be running") || m.contains("might be running")) return RUNNING;
            if (m.contains("has encountered an error") || m.contains("start replication failed")) return START_FAILED;
            if (m.contains("read replica")) return READ_REPLICA;
            if (m.contains("multi-az")) return MULTI_AZ_CLUSTER;
            if (m.contains("multi-threaded")) return MULTI_THREADED;
            return OTHER;
        }
    }

    /** True for a refusal by an RDS procedure (SIGNAL), as opposed to another SQL error. */
    public static boolean isRefusal(SqlErrors.SqlFailure e) {
        return e.code() == SqlErrors.SIGNAL;
    }

    /**
     * Stops replication when it runs or is half-running (ON or BROKEN); returns whether it had to. A replica
     * already stopped, or no longer configured, is left as it is: stopping twice is not an error.
     */
    public static boolean stop(Session s) {
        return stop(s, Channel.DEFAULT);
    }

    /** {@link #stop(Session)} for one channel ({@code rds_stop_replication_for_channel} on a named one). */
    public static boolean stop(Session s, Channel channel) {
        ReplicaStatus st = status(s, channel);
        if (st.state() == ReplicaStatus.State.OFF || st.state() == ReplicaStatus.State.NOT_EXIST) return false;
        try {
            s.call(channel.procedure("rds_stop_replication"), channel.args());
        } catch (SqlErrors.SqlFailure e) {
            if (!isRefusal(e)) throw e;
            Refusal r = Refusal.of(e);
            if (r != Refusal.ALREADY_STOPPED && r != Refusal.NOT_CONFIGURED) throw e;
        }
        return true;
    }

    /** The replica's {@code replica_parallel_workers} (MySQL 8.0.26+ name, else the old one), or 0. */
    public static int parallelWorkers(Session s) {
        for (String v : List.of("@@GLOBAL.replica_parallel_workers", "@@GLOBAL.slave_parallel_workers")) {
            try {
                String w = s.queryString("SELECT " + v);
                return w == null ? 0 : Integer.parseInt(w.trim());
            } catch (SqlErrors.SqlFailure | NumberFormatException e) {
                // try the older name
            }
        }
        return 0;
    }
}
