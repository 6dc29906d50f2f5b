package io.rdsreplication.provider.it;

import io.rdsreplication.provider.resources.Context;
import io.rdsreplication.provider.resources.ProviderConfig;
import io.rdsreplication.provider.core.Progress;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.mysql.ConnectionSpec;
import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.testing.TestBed;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The test bed's two servers replicating as a user sets them up before a cutover: a replication account on the
 * source, the RDS instance pointed at the source's current coordinates by its master user through the emulated
 * mysql.rds_* procedures, and replication started. Shared by the cutover, binlog-retention and way-back tests.
 */
final class CutoverBed {
    final String replUser = TestBed.unique("corepl");
    final String replPassword = "pw'\\-" + UUID.randomUUID().toString().substring(0, 12);
    final List<String> messages = new CopyOnWriteArrayList<>();

    /** A context whose progress lines are kept in {@link #messages}. */
    Context context() {
        Progress p = new Progress() {
            @Override
            public void status(String m) {
                messages.add("status: " + m);
            }

            @Override
            public void info(String m) {
                messages.add("info: " + m);
            }

            @Override
            public void warn(String m) {
                messages.add("warn: " + m);
            }
        };
        return new Context(ProviderConfig.EMPTY, null, p, "urn:pulumi:test::cutover::x::y");
    }

    static Session sourceSession() {
        return Session.open(spec(TestBed.sourcePort(), TestBed.get("SOURCE_ROOT_USER"), TestBed.get("SOURCE_ROOT_PASSWORD")), "source");
    }

    /** The RDS instance as its master user. */
    static Session replicaSession() {
        return Session.open(spec(TestBed.replicaPort(), TestBed.get("REPLICA_ADMIN_USER"), TestBed.get("REPLICA_ADMIN_PASSWORD")), "replica");
    }

    static ConnectionSpec spec(int port, String user, String password) {
        return new ConnectionSpec("127.0.0.1", port, user, new Secret(password), "preferred", null, 10, 60);
    }

    /** MySQL 8.4 and later: the `*_source*` procedure names. */
    static boolean sourceNames() {
        String v = TestBed.env().getOrDefault("REPLICA_VERSION", "");
        return TestBed.replicaIsMysql() && (v.startsWith("8.4") || v.matches("^(9|[1-9][0-9])\\..*"));
    }

    /** Creates the replication account and starts replication from the source's current coordinates. */
    void startReplication() throws Exception {
        TestBed.resetReplica();
        try (Connection c = TestBed.sourceRoot()) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0", "DROP USER IF EXISTS '" + replUser + "'@'127.0.0.1'");
            try (PreparedStatement ps = c.prepareStatement("CREATE USER '" + replUser + "'@'127.0.0.1' IDENTIFIED BY ?")) {
                ps.setString(1, replPassword);
                ps.execute();
            }
            TestBed.exec(c, "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + replUser + "'@'127.0.0.1'");
        }
        String[] pos = TestBed.sourcePosition();
        try (Connection adm = TestBed.replicaAdmin();
             PreparedStatement ps = adm.prepareStatement("CALL mysql." + (sourceNames() ? "rds_set_external_source" : "rds_set_external_master")
                     + "('127.0.0.1', ?, ?, ?, ?, ?, ?)")) {
            ps.setInt(1, TestBed.sourcePort());
            ps.setString(2, replUser);
            ps.setString(3, replPassword);
            ps.setString(4, pos[0]);
            ps.setLong(5, Long.parseLong(pos[1]));
            ps.setInt(6, TestBed.sourceIsMysql() ? 1 : 0);   // caching_sha2_password needs TLS
            ps.execute();
            TestBed.exec(adm, "CALL mysql.rds_start_replication()");
        }
    }

    /** An application account (no SUPER) on both sides, not binlogged, with rights on {@code db}. */
    static void createAppUser(String user, String password, String db) throws SQLException {
        for (boolean replica : new boolean[]{false, true}) {
            try (Connection c = replica ? TestBed.replicaRoot() : TestBed.sourceRoot()) {
                TestBed.exec(c, "SET SESSION sql_log_bin = 0", "DROP USER IF EXISTS '" + user + "'@'127.0.0.1'");
                try (PreparedStatement ps = c.prepareStatement("CREATE USER '" + user + "'@'127.0.0.1' IDENTIFIED BY ?")) {
                    ps.setString(1, password);
                    ps.execute();
                }
                TestBed.exec(c, "GRANT SELECT, INSERT, UPDATE, DELETE ON `" + db + "`.* TO '" + user + "'@'127.0.0.1'");
            }
        }
    }

    /** Lowers any fence left on the source (as root) and removes what {@link #startReplication} made. */
    void cleanUp(String... databases) throws SQLException {
        TestBed.resetReplica();
        try (Connection c = TestBed.sourceRoot()) {
            if (TestBed.sourceIsMysql()) TestBed.exec(c, "SET GLOBAL super_read_only = OFF");
            TestBed.exec(c, "SET GLOBAL read_only = OFF", "SET SESSION sql_log_bin = 0",
                    "DROP USER IF EXISTS '" + replUser + "'@'127.0.0.1'");
            for (String db : databases) TestBed.exec(c, "DROP DATABASE IF EXISTS `" + db + "`");
        }
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "SET SESSION sql_log_bin = 0");
            for (String db : databases) TestBed.exec(c, "DROP DATABASE IF EXISTS `" + db + "`");
        }
    }

    /**
     * Waits (bounded) until {@code sql} returns a row on the replica, as root; a table or database that has not
     * arrived yet (1146, 1049) is waited for too, unlike {@link TestBed#awaitRows}.
     */
    static void awaitOnReplica(String sql, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        SQLException last = null;
        while (System.nanoTime() < end) {
            try (Connection c = TestBed.replicaRoot()) {
                if (!TestBed.query(c, sql).isEmpty()) return;
            } catch (SQLException e) {
                if (e.getErrorCode() != 1146 && e.getErrorCode() != 1049) throw e;
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not on the replica within " + seconds + " s: " + sql + (last == null ? "" : " (" + last.getMessage() + ")"));
    }

    static String one(Connection c, String sql) throws SQLException {
        var rows = TestBed.query(c, sql);
        return rows.isEmpty() ? null : rows.get(0).values().iterator().next();
    }
}
