package io.rdsreplication.provider.resources.replicationstart;

import io.rdsreplication.provider.mysql.ReplicaStatus;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a replica status that is not running into a sentence that says what to fix. The I/O error numbers
 * differ by engine: MySQL 8 reports a purged binlog as 13114 and equal server ids as 13117 (MariaDB and 5.7:
 * 1236, 1593), a refused COM_REGISTER_SLAVE as 13120; MariaDB wraps a refused login in 1597 "(Errno: 1045)".
 */
public final class Diagnosis {
    private static final Pattern INNER = Pattern.compile("\\(Errno: (\\d+)\\)|error (\\d+)|errno (\\d+)", Pattern.CASE_INSENSITIVE);

    private Diagnosis() {
    }

    /** The I/O error number, unwrapped from MariaDB's 1597 and MySQL's 13120 where they carry the real one. */
    static int ioErrno(ReplicaStatus st) {
        int io = st.lastIoErrno();
        if (io == 1597 || io == 13120) {
            Matcher m = INNER.matcher(st.lastIoError());
            while (m.find()) {
                String g = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
                int inner = Integer.parseInt(g);
                if (inner != io && inner != 0) return inner;
            }
        }
        return io;
    }

    public static String of(ReplicaStatus st) {
        String src = st.sourceHost() + ":" + st.sourcePort();
        int io = ioErrno(st);
        String detail = st.lastIoError().isEmpty() ? st.lastSqlError() : st.lastIoError();
        String why = switch (io) {
            case 1045 -> "the replication user's password is wrong (or the account '" + st.sourceUser()
                    + "' does not exist on the source for the replica's address): check ReplicationUser and "
                    + "ExternalMaster.replicationPassword";
            case 2003, 2005, 2002 -> "the replica cannot reach the source at " + src
                    + ": check the security group and the source's firewall (it must allow the RDS instance's IPs)";
            case 1236, 13114 -> "the source no longer has binlog " + (st.appliedFile().isEmpty() ? "the replica needs" : st.appliedFile())
                    + " (purged), or has no GTIDs the replica asks for: take a new snapshot (SourceSnapshot) and point ExternalMaster "
                    + "at its coordinates, and keep binlogs on the source until the replica has applied them";
            case 1593, 13117 -> "the source and the replica have the same server_id: give the source a different server_id";
            case 2061 -> "the source's account uses caching_sha2_password, which needs an encrypted link: set "
                    + "ExternalMaster.sslEncryption to true";
            case 2026 -> "TLS to the source failed: check the source's TLS setup or ExternalMaster.sslEncryption";
            case 1227, 13120, 1597 -> "the source refused the replica's registration: the replication user lacks REPLICATION SLAVE on the "
                    + "source, or cannot log in from the replica's address: check ReplicationUser's grants and host";
            default -> null;
        };
        if (why == null && st.lastSqlErrno() != 0) {
            why = "the replica could not apply an event (error " + st.lastSqlErrno() + "): the data on the replica differs "
                    + "from the source; fix the row, skip the event (CALL mysql.rds_skip_repl_error) or re-copy (SourceSnapshot)";
        }
        if (why == null && st.lastIoErrno() != 0) why = "the I/O thread failed with error " + st.lastIoErrno();
        if (why == null) why = "replication is not running (I/O thread: " + st.ioState() + ", SQL thread: "
                + (st.sqlRunning() ? "Yes" : "No") + ")";
        return why + (detail.isEmpty() ? "" : " [replica says: " + detail + "]");
    }
}
