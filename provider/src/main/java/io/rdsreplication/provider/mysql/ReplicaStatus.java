package io.rdsreplication.provider.mysql;

import java.util.List;
import java.util.Map;

/**
 * The replica status row of one channel (the default one unless named), under either naming generation (Slave_/Master_ or
 * Replica_/Source_). {@code readFile}/{@code readPosition} are what the I/O thread fetched, {@code appliedFile}/
 * {@code appliedPosition} what the SQL thread applied (the only safe place to re-point from).
 */
public record ReplicaStatus(boolean configured, String ioState, boolean sqlRunning, Integer secondsBehind,
                            String sourceHost, Integer sourcePort, String sourceUser, String appliedFile,
                            Long appliedPosition, int lastIoErrno, String lastIoError, int lastSqlErrno,
                            String lastSqlError, String usingGtid, Integer delaySeconds, boolean sslAllowed,
                            String readFile, Long readPosition, boolean autoPosition) {

    /** RDS's view of a channel (rds_replication_service_state_for_channel): what every procedure tests. */
    public enum State { ON, OFF, BROKEN, NOT_EXIST }

    public static final ReplicaStatus NOT_CONFIGURED = new ReplicaStatus(false, "No", false, null, "", null, "", "",
            null, 0, "", 0, "", "No", null, false, "", null, false);

    public boolean ioRunning() {
        return "Yes".equalsIgnoreCase(ioState);
    }

    public boolean running() {
        return ioRunning() && sqlRunning;
    }

    /** ON: both threads run; OFF: both stopped; BROKEN: any mix (Connecting, one thread stopped or failed). */
    public State state() {
        if (!configured) return State.NOT_EXIST;
        boolean ioOff = "No".equalsIgnoreCase(ioState) || ioState.isEmpty();
        if (running()) return State.ON;
        if (ioOff && !sqlRunning) return State.OFF;
        return State.BROKEN;
    }

    public static ReplicaStatus fromRows(List<Map<String, String>> rows) {
        return fromRows(rows, Channel.DEFAULT);
    }

    /**
     * The row of {@code channel}: MySQL lists one row per channel ({@code Channel_Name}), and a channel it does not
     * list is not configured, even when others are; MariaDB's single row has no channel column and is the default
     * channel's.
     */
    public static ReplicaStatus fromRows(List<Map<String, String>> rows, Channel channel) {
        Map<String, String> r = null;
        for (Map<String, String> row : rows) {
            if (row.containsKey("Channel_Name") ? channel.names(row.get("Channel_Name")) : channel.isDefault()) {
                r = row;
                break;
            }
        }
        if (r == null) return NOT_CONFIGURED;
        String host = get(r, "Master_Host", "Source_Host");
        if (host == null || host.isEmpty()) return NOT_CONFIGURED;
        boolean auto = "1".equals(get(r, "Auto_Position"));
        String usingGtid = get(r, "Using_Gtid");
        if (usingGtid == null) usingGtid = auto ? "Auto_Position" : "No";
        return new ReplicaStatus(true,
                nz(get(r, "Slave_IO_Running", "Replica_IO_Running")),
                "Yes".equalsIgnoreCase(get(r, "Slave_SQL_Running", "Replica_SQL_Running")),
                intOrNull(get(r, "Seconds_Behind_Master", "Seconds_Behind_Source")),
                host,
                intOrNull(get(r, "Master_Port", "Source_Port")),
                nz(get(r, "Master_User", "Source_User")),
                nz(get(r, "Relay_Master_Log_File", "Relay_Source_Log_File")),
                longOrNull(get(r, "Exec_Master_Log_Pos", "Exec_Source_Log_Pos")),
                intOr0(get(r, "Last_IO_Errno")), nz(get(r, "Last_IO_Error")),
                intOr0(get(r, "Last_SQL_Errno")), nz(get(r, "Last_SQL_Error")),
                usingGtid,
                intOrNull(get(r, "SQL_Delay")),
                "Yes".equalsIgnoreCase(get(r, "Master_SSL_Allowed", "Source_SSL_Allowed")),
                nz(get(r, "Master_Log_File", "Source_Log_File")),
                longOrNull(get(r, "Read_Master_Log_Pos", "Read_Source_Log_Pos")),
                auto);
    }

    private static String get(Map<String, String> r, String... names) {
        for (String n : names) {
            if (r.containsKey(n)) return r.get(n);
        }
        return null;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static Integer intOrNull(String s) {
        if (s == null || s.isEmpty()) return null;
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int intOr0(String s) {
        Integer i = intOrNull(s);
        return i == null ? 0 : i;
    }

    private static Long longOrNull(String s) {
        if (s == null || s.isEmpty()) return null;
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
