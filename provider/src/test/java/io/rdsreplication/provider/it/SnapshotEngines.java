package io.rdsreplication.provider.it;

import io.rdsreplication.provider.testing.TestBed;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Engine-aware helpers for the SourceSnapshot tests, decided by the servers' own {@code VERSION()} (so they
 * work on any test bed, whatever its .testbed/env says). Replication here is driven as root, the way the RDS
 * procedures do it inside: the tests prove the snapshot's coordinates, not the procedures.
 */
final class SnapshotEngines {
    private SnapshotEngines() {
    }

    static boolean sourceIsMysql() throws SQLException {
        try (Connection c = TestBed.sourceRoot()) {
            return isMysql(c);
        }
    }

    static boolean replicaIsMysql() throws SQLException {
        try (Connection c = TestBed.replicaRoot()) {
            return isMysql(c);
        }
    }

    static boolean isMysql(Connection c) throws SQLException {
        return !version(c).contains("MariaDB");
    }

    static String version(Connection c) throws SQLException {
        return TestBed.query(c, "SELECT VERSION() AS v").get(0).get("v");
    }

    /**
     * MySQL 8.2 or later: the binary-log statements are SHOW BINARY LOG STATUS and RESET BINARY LOGS AND GTIDS
     * (SHOW MASTER STATUS and RESET MASTER are syntax errors from 8.4).
     */
    static boolean binaryLogSyntax(Connection c) throws SQLException {
        String v = version(c);
        if (v.contains("MariaDB")) return false;
        String[] p = v.split("[.-]");
        int major = Integer.parseInt(p[0]);
        int minor = Integer.parseInt(p[1]);
        return major > 8 || major == 8 && minor >= 2;
    }

    /** SHOW BINARY LOG STATUS on MySQL 8.2+, else SHOW MASTER STATUS. */
    static Map<String, String> binlogStatus(Connection c) throws SQLException {
        return TestBed.query(c, binaryLogSyntax(c) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS").get(0);
    }

    /** No replication configured on the replica, on either flavour. */
    static void resetReplica() throws SQLException {
        try (Connection c = TestBed.replicaRoot()) {
            if (isMysql(c)) {
                // RESET MASTER (RESET BINARY LOGS AND GTIDS from 8.2) empties the replica's gtid_executed, so a
                // snapshot's set can be added to gtid_purged again
                TestBed.exec(c, "STOP REPLICA", "RESET REPLICA ALL", binaryLogSyntax(c) ? "RESET BINARY LOGS AND GTIDS" : "RESET MASTER");
            } else {
                TestBed.exec(c, "STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL gtid_slave_pos = ''");
            }
        }
    }

    /**
     * Starts replication as root from a snapshot: MySQL by GTID auto-position after adding the snapshot's set to
     * gtid_purged (what rds_set_external_source_gtid_purged does), MariaDB from the binlog coordinates.
     */
    static void replicateFrom(Map<String, Object> snap, String user, String password) throws SQLException {
        try (Connection c = TestBed.replicaRoot()) {
            if (isMysql(c)) {
                String gtid = (String) snap.get("gtid");
                if (!gtid.isEmpty()) TestBed.exec(c, "SET GLOBAL gtid_purged = '+" + gtid + "'");
                TestBed.exec(c, "CHANGE REPLICATION SOURCE TO SOURCE_HOST = '127.0.0.1', SOURCE_PORT = " + TestBed.sourcePort()
                        + ", SOURCE_USER = '" + user + "', SOURCE_PASSWORD = '" + password + "', SOURCE_AUTO_POSITION = 1, "
                        + "GET_SOURCE_PUBLIC_KEY = 1", "START REPLICA");
            } else {
                TestBed.exec(c, "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = " + TestBed.sourcePort()
                        + ", MASTER_USER = '" + user + "', MASTER_PASSWORD = '" + password + "', MASTER_LOG_FILE = '"
                        + snap.get("binlogFile") + "', MASTER_LOG_POS = " + ((Double) snap.get("binlogPosition")).longValue()
                        + ", MASTER_USE_GTID = no", "START SLAVE");
            }
        }
    }

    /** Sessions of {@code user} on the source (the copy's connections, when the plugin connects as that user). */
    static List<Map<String, String>> sessionsOf(String user) throws SQLException {
        try (Connection c = TestBed.sourceRoot()) {
            return TestBed.query(c, "SELECT ID, COMMAND, STATE, INFO FROM information_schema.PROCESSLIST WHERE USER = '" + user + "'");
        }
    }
}
