package io.rdsreplication.provider.resources.replicationstart;

import io.rdsreplication.provider.mysql.ReplicaStatus;

/** Turns a replica status that is not running into a sentence that says what to fix. */
public final class Diagnosis {
    private Diagnosis() {
    }

    public static String of(ReplicaStatus st) {
        String src = st.sourceHost() + ":" + st.sourcePort();
        int io = st.lastIoErrno();
        String detail = st.lastIoError().isEmpty() ? st.lastSqlError() : st.lastIoError();
        String why = switch (io) {
            case 1045 -> "the replication user's password is wrong (or the account '" + st.sourceUser()
                    + "' does not exist on the source for the replica's address): check ReplicationUser and "
                    + "ExternalMaster.replicationPassword";
            case 2003, 2005, 2002 -> "the replica cannot reach the source at " + src
                    + ": check the security group and the source's firewall (it must allow the RDS instance's IPs)";
            case 1236 -> "the source no longer has binlog " + (st.appliedFile().isEmpty() ? "the replica needs" : st.appliedFile())
                    + " (purged): take a new snapshot (SourceSnapshot) and point ExternalMaster at its coordinates";
            case 1593 -> "the source and the replica have the same server_id: give the source a different server_id";
            case 2061 -> "the source's account uses caching_sha2_password, which needs an encrypted link: set "
                    + "ExternalMaster.sslEncryption to true";
            case 2026 -> "TLS to the source failed: check the source's TLS setup or ExternalMaster.sslEncryption";
            case 1227 -> "the replication user lacks REPLICATION SLAVE on the source: check ReplicationUser's grants";
            default -> null;
        };
        if (why == null && st.lastSqlErrno() != 0) {
            why = "the replica could not apply an event (error " + st.lastSqlErrno() + "): the data on the replica differs "
                    + "from the source; fix the row or re-copy (SourceSnapshot)";
        }
        if (why == null && io != 0) why = "the I/O thread failed with error " + io;
        if (why == null) why = "replication is not running (I/O thread: " + st.ioState() + ", SQL thread: "
                + (st.sqlRunning() ? "Yes" : "No") + ")";
        return why + (detail.isEmpty() ? "" : " [replica says: " + detail + "]");
    }
}
