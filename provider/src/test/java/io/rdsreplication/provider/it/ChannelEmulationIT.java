package io.rdsreplication.provider.it;

import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.rdsreplication.provider.it.RdsEmulationIT.actionsSince;
import static io.rdsreplication.provider.it.RdsEmulationIT.assertRefused;
import static io.rdsreplication.provider.it.RdsEmulationIT.callersSince;
import static io.rdsreplication.provider.it.RdsEmulationIT.historyMark;
import static io.rdsreplication.provider.it.RdsEmulationIT.literal;
import static io.rdsreplication.provider.it.RdsEmulationIT.message;
import static io.rdsreplication.provider.it.RdsEmulationIT.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Multi-source replication as RDS for MySQL 8.0.35+ / 8.4 offers it (the {@code *_for_channel} procedures of
 * testbed/rds/channels.sql, shared/reference/rds-procedures.md): two sources (the test bed's source and source2)
 * consolidated into one emulated RDS instance through the master user, and every refusal a user meets, with RDS's
 * texts. Skipped on a MariaDB replica (RDS for MariaDB has no channels) and when source2 is not up. Root creates the
 * replication accounts on both sources and reads the replica's real per-channel status; the master user calls the
 * procedures. Every test removes its channels (RESET REPLICA ALL FOR CHANNEL as root), leaving the replica clean.
 */
@Tag("integration")
class ChannelEmulationIT {
    static final String NO_CHANNEL = "The given channel does not exist. Run SHOW REPLICA STATUS\\G to find all existing channel names.";
    static final String CHANNEL_RUNNING =
            "You can't modify the given channel because replication is running. First call mysql.rds_stop_replication_for_channel.";
    static final String DELAY_RANGE = "For source delay the value must be between 0 and 86400 inclusive.";
    static final String READ_REPLICA = "Permission Denied: This instance is a RDS Read Replica.";

    int ssl;
    String user;
    String password;
    String dbA;
    String dbB;

    @BeforeEach
    void accounts() throws SQLException {
        // per test, so that each shows as skipped
        assumeTrue(TestBed.replicaIsMysql(), "multi-source replication (*_for_channel) is RDS for MySQL's");
        assumeTrue(TestBed.hasSource2(), "source2 is not up (testbed.sh starts it beside a MySQL replica)");
        resetChannels();
        ssl = TestBed.sourceIsMysql() ? 1 : 0;   // caching_sha2_password needs TLS; a MariaDB source has no client certs
        user = TestBed.unique("chrepl");
        password = "pw'\\-" + UUID.randomUUID().toString().substring(0, 12);
        dbA = TestBed.unique("chdba");
        dbB = TestBed.unique("chdbb");
        for (Connection c : List.of(TestBed.sourceRoot(), TestBed.source2())) {
            try (c; PreparedStatement ps = c.prepareStatement("CREATE USER '" + user + "'@'127.0.0.1' IDENTIFIED BY ?")) {
                ps.setString(1, password);
                ps.execute();
                TestBed.exec(c, "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + user + "'@'127.0.0.1'");
            }
        }
    }

    @AfterEach
    void cleanUp() throws SQLException {
        if (user == null) return;   // skipped before anything was made
        resetChannels();
        try (Connection c = TestBed.replicaRoot()) {
            TestBed.exec(c, "DELETE FROM mysql.rds_history WHERE action = 'disable set master' AND master_user = 'rdsrepladmin'",
                    "DROP DATABASE IF EXISTS " + dbA, "DROP DATABASE IF EXISTS " + dbB);
        }
        for (Connection c : List.of(TestBed.sourceRoot(), TestBed.source2())) {
            try (c) {
                TestBed.exec(c, "DROP USER IF EXISTS '" + user + "'@'127.0.0.1'", "DROP DATABASE IF EXISTS " + dbA,
                        "DROP DATABASE IF EXISTS " + dbB);
            }
        }
    }

    @Test
    void twoSourcesConsolidateIntoOneReplica() throws Exception {
        long mark = historyMark();
        try (Connection adm = TestBed.replicaAdmin()) {
            assertNull(message(adm, setChannel("rds_set_external_source_for_channel", TestBed.sourcePort(), source1Position(), "", "a")));
            assertNull(message(adm, setChannel("rds_set_external_source_for_channel", TestBed.source2Port(), source2Position(), "", "b")));
            assertEquals(String.valueOf(TestBed.sourcePort()), channelStatus("a").get("Source_Port"));
            assertEquals(String.valueOf(TestBed.source2Port()), channelStatus("b").get("Source_Port"));
            assertEquals(user, channelStatus("b").get("Source_User"));
            assertEquals("0", channelStatus("b").get("Auto_Position"));
            assertEquals(List.of("a", "b"), channels(), "two named channels, no default channel");
            assertEquals("OFF", state(adm, "a"));

            long t0 = System.nanoTime();
            assertEquals("Replication started for channel 'a' and replication is now running normally.",
                    message(adm, "CALL mysql.rds_start_replication_for_channel('a')"));
            assertTrue(System.nanoTime() - t0 >= 2_900_000_000L, "start waits SLEEP(1) + SLEEP(2) as RDS does");
            assertEquals("ON", state(adm, "a"));
            assertEquals("OFF", state(adm, "b"), "each channel has its own state");
            assertEquals("Replication started for channel 'b' and replication is now running normally.",
                    message(adm, "CALL mysql.rds_start_replication_for_channel(' b ')"), "the channel name is trimmed");
            assertEquals("Yes", channelStatus("b").get("Replica_IO_Running"));
            assertEquals("Yes", channelStatus("b").get("Replica_SQL_Running"));

            try (Connection s1 = TestBed.sourceRoot(); Connection s2 = TestBed.source2()) {
                TestBed.exec(s1, "CREATE DATABASE " + dbA, "CREATE TABLE " + dbA + ".t (id INT PRIMARY KEY, v VARCHAR(20))",
                        "INSERT INTO " + dbA + ".t VALUES (1, 'from-source')");
                TestBed.exec(s2, "CREATE DATABASE " + dbB, "CREATE TABLE " + dbB + ".t (id INT PRIMARY KEY, v VARCHAR(20))",
                        "INSERT INTO " + dbB + ".t VALUES (1, 'from-source2')");
            }
            assertEquals("from-source", TestBed.waitForReplica("SELECT v FROM " + dbA + ".t WHERE id = 1", "from-source", 60));
            assertEquals("from-source2", TestBed.waitForReplica("SELECT v FROM " + dbB + ".t WHERE id = 1", "from-source2", 60));

            assertRefused(adm, "CALL mysql.rds_start_replication_for_channel('a')",
                    "Replication may already be running for channel. Run SHOW REPLICA STATUS FOR CHANNEL 'a'\\G .");
            assertEquals("Replication for channel 'a' is down or disabled.", message(adm, "CALL mysql.rds_stop_replication_for_channel('a')"));
            assertEquals("No", channelStatus("a").get("Replica_IO_Running"));
            // stopping one channel leaves the other replicating
            try (Connection s2 = TestBed.source2()) {
                TestBed.exec(s2, "INSERT INTO " + dbB + ".t VALUES (2, 'still-flowing')");
            }
            assertEquals("still-flowing", TestBed.waitForReplica("SELECT v FROM " + dbB + ".t WHERE id = 2", "still-flowing", 60));
            assertEquals("ON", state(adm, "b"));
        }
        assertEquals(List.of("Starting: set channel", "set channel source", "Starting: set channel", "set channel source",
                "Starting: start channel", "start channel", "Starting: start channel", "start channel",
                "Starting: start channel", "Starting: stop channel", "stop channel"), actionsSince(mark));
        assertEquals(List.of("admin@127.0.0.1"), callersSince(mark));
        try (Connection c = TestBed.replicaRoot()) {
            assertEquals("0", one(c, "SELECT COUNT(*) FROM mysql.rds_history WHERE CONCAT_WS('|', called_by_user, action, "
                    + "master_host, master_user, master_log_file, master_gtid) LIKE " + literal("%" + password + "%")),
                    "no password in mysql.rds_history");
            assertEquals(String.valueOf(TestBed.source2Port()), one(c, "SELECT master_port FROM mysql.rds_history "
                    + "WHERE action = 'set channel source' AND master_user = " + literal(user) + " ORDER BY master_port DESC LIMIT 1"));
        }
    }

    @Test
    void runningChannelRefusesChangesAndStoppedChannelRefusesStop() throws Exception {
        try (Connection adm = TestBed.replicaAdmin()) {
            message(adm, setChannel("rds_set_external_source_for_channel", TestBed.sourcePort(), source1Position(), "", "a"));
            message(adm, "CALL mysql.rds_start_replication_for_channel('a')");
            assertRefused(adm, setChannel("rds_set_external_source_for_channel", TestBed.sourcePort(), source1Position(), "", "a"),
                    CHANNEL_RUNNING);
            assertRefused(adm, setChannel("rds_set_external_source_with_delay_for_channel", TestBed.sourcePort(), source1Position(),
                    ", 10", "A"), CHANNEL_RUNNING);
            assertRefused(adm, "CALL mysql.rds_set_source_delay_for_channel(10, 'a')", "You can't set replication delay for "
                    + "the given channel when replication is running. First call rds_stop_replication_for_channel.");
            assertRefused(adm, "CALL mysql.rds_skip_repl_error_for_channel('a')",
                    "Replication is running normally and no errors detected to skip for channel 'a'");
            // the default channel is not configured, whatever named channels run
            assertRefused(adm, "CALL mysql.rds_start_replication()",
                    "You can't start replication because the replica isn't configured. First call mysql.rds_set_external_master.");
            assertRefused(adm, "CALL mysql.rds_start_replication_for_channel('')",
                    "You can't start replication because the replica isn't configured. First call mysql.rds_set_external_master.");

            long mark = historyMark();
            long t0 = System.nanoTime();
            assertEquals("Replication for channel 'a' is down or disabled.", message(adm, "CALL mysql.rds_stop_replication_for_channel('a')"));
            assertTrue(System.nanoTime() - t0 >= 2_900_000_000L, "stop takes about 3 s as on RDS");
            assertRefused(adm, "CALL mysql.rds_stop_replication_for_channel('a')",
                    "Replication is already stopped for the given channel. Run SHOW REPLICA STATUS\\G .");
            assertRefused(adm, "CALL mysql.rds_skip_repl_error_for_channel('a')", "Replication is down or disabled for channel 'a'");
            assertEquals(List.of("Starting: stop channel", "stop channel", "Starting: stop channel", "Starting: skip_repl_err_ch"),
                    actionsSince(mark));

            // stopped: the channel can be changed again, and its delay set
            String sourceDelay;
            try (Connection c = TestBed.replicaRoot()) {
                sourceDelay = one(c, "SELECT value FROM mysql.rds_configuration WHERE name = 'source delay'");
            }
            assertRefused(adm, "CALL mysql.rds_set_source_delay_for_channel(86401, 'a')", DELAY_RANGE);
            assertEquals("source delay is set successfully for channel 'a'", message(adm, "CALL mysql.rds_set_source_delay_for_channel(30, 'a')"));
            assertEquals("30", channelStatus("a").get("SQL_Delay"));
            try (Connection c = TestBed.replicaRoot()) {
                assertEquals(sourceDelay, one(c, "SELECT value FROM mysql.rds_configuration WHERE name = 'source delay'"),
                        "rds_configuration's 'source delay' follows the default channel only");
            }
            assertNull(message(adm, setChannel("rds_set_external_source_for_channel", TestBed.sourcePort(), source1Position(), "", "a")));
            assertEquals("30", channelStatus("a").get("SQL_Delay"), "the plain set keeps the channel's delay");
        }
    }

    @Test
    void sameHostAndPortOnASecondChannelIsRefused() throws Exception {
        int port = TestBed.sourcePort();
        long mark = historyMark();
        try (Connection adm = TestBed.replicaAdmin()) {
            message(adm, setChannel("rds_set_external_source_for_channel", port, source1Position(), "", "a"));
            assertRefused(adm, setChannel("rds_set_external_source_for_channel", port, source1Position(), "", "b"),
                    "Configuring multiple channels to replicate from the host: 127.0.0.1 and port: " + port + " is not supported.");
            assertRefused(adm, setChannel("rds_set_external_source_with_delay_for_channel", port, source1Position(), ", 0", "b"),
                    "Use multiple channels to replicate from the host: 127.0.0.1 and port: " + port + " is not supported");
            assertRefused(adm, "CALL mysql.rds_set_external_source_with_auto_position_for_channel('127.0.0.1', " + port + ", "
                    + literal(user) + ", " + literal(password) + ", " + ssl + ", 0, 'b')",
                    "Use multiple channels to replicate from the host: 127.0.0.1 and port: " + port + " is not supported.");
            // the default-channel procedures are the channel ones on '': the same check
            String[] pos = source1Position();
            assertRefused(adm, "CALL mysql.rds_set_external_master('127.0.0.1', " + port + ", " + literal(user) + ", "
                    + literal(password) + ", " + literal(pos[0]) + ", " + pos[1] + ", " + ssl + ")",
                    "Configuring multiple channels to replicate from the host: 127.0.0.1 and port: " + port + " is not supported.");
            assertEquals(List.of("a"), channels(), "a refused set configures nothing");
            // the same channel (trimmed, any case) may be set again with the same host:port; another source is fine
            assertNull(message(adm, setChannel("rds_set_external_source_for_channel", port, source1Position(), "", " A ")));
            assertNull(message(adm, setChannel("rds_set_external_source_for_channel", TestBed.source2Port(), source2Position(), "", "b")));
            assertEquals(List.of("a", "b"), channels());
        }
        assertEquals(List.of("Starting: set channel", "set channel source", "Starting: set channel", "Starting: set channel",
                "Starting: set channel AP", "Starting: set master", "Starting: set channel", "set channel source",
                "Starting: set channel", "set channel source"), actionsSince(mark));
    }

    @Test
    void atMostFifteenChannels() throws Exception {
        try (Connection adm = TestBed.replicaAdmin()) {
            // never started: the unreachable ports are never dialled
            for (int i = 1; i <= 15; i++) {
                assertNull(message(adm, unreachableChannel("rds_set_external_source_for_channel", i, "", "c" + i)));
            }
            assertEquals(15, channels().size());
            assertRefused(adm, unreachableChannel("rds_set_external_source_for_channel", 16, "", "c16"),
                    "Maximum 15 channels are allowed in multi-source replication on RDS.");
            assertRefused(adm, unreachableChannel("rds_set_external_source_with_delay_for_channel", 16, ", 0", "c16"),
                    "Maximum 15 channels are allowed in multi source replication on RDS");
            assertRefused(adm, "CALL mysql.rds_set_external_source_with_auto_position_for_channel('127.0.0.1', 16, 'u', 'p', 0, 0, 'c16')",
                    "Maximum 15 channels are allowed in multi source replication on RDS.");
            // the default channel counts as one of the 15
            assertRefused(adm, "CALL mysql.rds_set_external_master('127.0.0.1', 16, 'u', 'p', 'f.000001', 4, 0)",
                    "Maximum 15 channels are allowed in multi-source replication on RDS.");
            // an existing channel may still be changed
            assertNull(message(adm, unreachableChannel("rds_set_external_source_for_channel", 17, "", "c15")));
            assertEquals("Replication has been reset for channel 'c1'", message(adm, "CALL mysql.rds_reset_external_source_for_channel('c1')"));
            assertNull(message(adm, unreachableChannel("rds_set_external_source_for_channel", 16, "", "c16")));
            List<String> names = channels();
            assertEquals(15, names.size());
            assertTrue(names.contains("c16") && !names.contains("c1"), names.toString());
        }
    }

    @Test
    void missingChannelRefusals() throws Exception {
        try (Connection adm = TestBed.replicaAdmin()) {
            message(adm, setChannel("rds_set_external_source_for_channel", TestBed.sourcePort(), source1Position(), "", "a"));
            long mark = historyMark();
            for (String call : List.of("rds_start_replication_for_channel('b')", "rds_stop_replication_for_channel('b')",
                    "rds_reset_external_source_for_channel('b')", "rds_set_source_delay_for_channel(5, 'b')",
                    "rds_skip_repl_error_for_channel('b')", "rds_start_replication_until_for_channel('f.000001', 4, 'b')",
                    "rds_start_replication_until_gtid_for_channel('3e11fa47-71ca-11e1-9e33-c80aa9429562:1', 'b')",
                    "rds_set_source_auto_position_for_channel(1, 'b')", "rds_next_source_log_for_channel(1, 'b')")) {
                assertRefused(adm, "CALL mysql." + call, NO_CHANNEL);
            }
            assertEquals(List.of("Starting: start channel", "Starting: stop channel", "Starting: reset replica for channel",
                    "Starting: set source delay channel", "Starting: skip_repl_err_ch", "Starting: start channel until",
                    "Starting: start channel until", "Starting: set_channel_AP", "Starting: next_channel_log"), actionsSince(mark));
            // '' and blanks are the default channel, with the default channel's texts
            assertRefused(adm, "CALL mysql.rds_stop_replication_for_channel('  ')",
                    "You can't stop replication because the replica isn't configured. First call mysql.rds_set_external_master.");
            assertRefused(adm, "CALL mysql.rds_reset_external_source_for_channel('')",
                    "You can't reset replication because replication isn't configured. First run mysql.rds_set_external_master.");
            assertEquals(List.of("a"), channels(), "the refusals changed nothing");
            assertEquals("OFF", state(adm, "a"));
            assertEquals("NOT_EXIST", state(adm, "b"));
        }
    }

    @Test
    void resetRemovesOnlyThatChannel() throws Exception {
        try (Connection adm = TestBed.replicaAdmin()) {
            message(adm, setChannel("rds_set_external_source_for_channel", TestBed.sourcePort(), source1Position(), "", "a"));
            message(adm, setChannel("rds_set_external_source_for_channel", TestBed.source2Port(), source2Position(), "", "b"));
            message(adm, "CALL mysql.rds_start_replication_for_channel('a')");
            message(adm, "CALL mysql.rds_start_replication_for_channel('b')");
            long mark = historyMark();
            long t0 = System.nanoTime();
            assertEquals("Replication has been reset for channel 'a'", message(adm, "CALL mysql.rds_reset_external_source_for_channel('a')"));
            assertTrue(System.nanoTime() - t0 >= 1_900_000_000L, "reset of a running channel waits after stopping it, as RDS does");
            assertEquals(List.of("b"), channels());
            assertEquals("NOT_EXIST", state(adm, "a"));
            assertEquals("ON", state(adm, "b"));
            assertEquals(List.of("Starting: reset replica for channel", "reset replica for channel"), actionsSince(mark));
            try (Connection s2 = TestBed.source2()) {
                TestBed.exec(s2, "CREATE DATABASE " + dbB, "CREATE TABLE " + dbB + ".t (id INT PRIMARY KEY)", "INSERT INTO " + dbB + ".t VALUES (5)");
            }
            assertEquals("5", TestBed.waitForReplica("SELECT id FROM " + dbB + ".t", "5", 60), "the other channel still replicates");
            assertRefused(adm, "CALL mysql.rds_reset_external_source_for_channel('a')", NO_CHANNEL);
            // a stopped channel is reset without stopping
            message(adm, "CALL mysql.rds_stop_replication_for_channel('b')");
            // RDS echoes the name as given (trimmed); the server matches channel names case-insensitively
            assertEquals("Replication has been reset for channel 'B'", message(adm, "CALL mysql.rds_reset_external_source_for_channel(' B')"));
            assertEquals(List.of(), channels());
        }
    }

    @Test
    void readReplicaRefusesSetAndResetForChannel() throws Exception {
        try (Connection adm = TestBed.replicaAdmin()) {
            message(adm, setChannel("rds_set_external_source_for_channel", TestBed.sourcePort(), source1Position(), "", "a"));
            try (Connection c = TestBed.replicaRoot()) {
                TestBed.exec(c, "INSERT INTO mysql.rds_history(called_by_user, action, mysql_version, master_user) "
                        + "VALUES ('rdsadmin@localhost', 'disable set master', VERSION(), 'rdsrepladmin')");
            }
            assertRefused(adm, setChannel("rds_set_external_source_for_channel", TestBed.source2Port(), source2Position(), "", "b"),
                    READ_REPLICA);
            assertRefused(adm, setChannel("rds_set_external_source_with_delay_for_channel", TestBed.source2Port(), source2Position(),
                    ", 5", "b"), READ_REPLICA);
            assertRefused(adm, "CALL mysql.rds_reset_external_source_for_channel('a')", READ_REPLICA);
            assertEquals(List.of("a"), channels());
        }
    }

    @Test
    void untilForChannelRefusedOnMultiThreadedReplicas() throws Exception {
        String workers;
        try (Connection root = TestBed.replicaRoot()) {
            workers = one(root, "SELECT @@GLOBAL.replica_parallel_workers");
            TestBed.exec(root, "SET GLOBAL replica_parallel_workers = 4");
        }
        try (Connection adm = TestBed.replicaAdmin()) {
            message(adm, setChannel("rds_set_external_source_for_channel", TestBed.sourcePort(), source1Position(), "", "a"));
            String[] pos = source1Position();
            assertRefused(adm, "CALL mysql.rds_start_replication_until_for_channel(" + literal(pos[0]) + ", " + pos[1] + ", 'a')",
                    "rds_start_replication_until_for_channel is not supported in multi-threaded replica environment.");
            assertRefused(adm, "CALL mysql.rds_start_replication_until_gtid_for_channel('3e11fa47-71ca-11e1-9e33-c80aa9429562:1-3', 'a')",
                    "rds_start_replication_until_gtid_for_channel is not supported for multi-threaded replicas.");
            try (Connection root = TestBed.replicaRoot()) {
                TestBed.exec(root, "SET GLOBAL replica_parallel_workers = 1");
            }
            assertRefused(adm, "CALL mysql.rds_start_replication_until_for_channel(" + literal(pos[0]) + ", 0, 'a')",
                    "Invalid input: replication_stop_point cannot be NULL, less than or equal to 0");
            long far = Long.parseLong(pos[1]) + 1_000_000;   // beyond anything written: the SQL thread keeps running
            assertEquals("Replication started until SOURCE_LOG_FILE = " + literal(pos[0]) + " and SOURCE_LOG_POS = " + far
                    + " for channel 'a'", message(adm, "CALL mysql.rds_start_replication_until_for_channel(" + literal(pos[0])
                    + ", " + far + ", 'a')"));
            assertRefused(adm, "CALL mysql.rds_start_replication_until_for_channel(" + literal(pos[0]) + ", " + far + ", 'a')",
                    "Replication may already be running. Call rds_stop_replication_for_channel procedure to stop replication.");
        } finally {
            resetChannels();
            try (Connection root = TestBed.replicaRoot()) {
                TestBed.exec(root, "SET GLOBAL replica_parallel_workers = " + Integer.parseInt(workers));
            }
        }
    }

    @Test
    void delayAndAutoPositionPerChannel() throws Exception {
        try (Connection adm = TestBed.replicaAdmin()) {
            assertRefused(adm, setChannel("rds_set_external_source_with_delay_for_channel", TestBed.sourcePort(), source1Position(),
                    ", 86401", "a"), DELAY_RANGE);
            assertEquals(List.of(), channels(), "a refused set configures nothing");
            message(adm, setChannel("rds_set_external_source_with_delay_for_channel", TestBed.sourcePort(), source1Position(), ", 45", "a"));
            assertEquals("45", channelStatus("a").get("SQL_Delay"));
            assertEquals("0", channelStatus("a").get("Auto_Position"));
            message(adm, "CALL mysql.rds_set_external_source_with_auto_position_for_channel('127.0.0.1', " + TestBed.source2Port()
                    + ", " + literal(user) + ", " + literal(password) + ", " + ssl + ", 20, 'b')");
            assertEquals("1", channelStatus("b").get("Auto_Position"));
            assertEquals("20", channelStatus("b").get("SQL_Delay"));
            assertEquals("45", channelStatus("a").get("SQL_Delay"), "each channel keeps its own delay");
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** A set call for a channel: {@code extraArgs} goes between ssl and the channel (the delay of _with_delay). */
    String setChannel(String proc, int port, String[] pos, String extraArgs, String channel) {
        return "CALL mysql." + proc + "('127.0.0.1', " + port + ", " + literal(user) + ", " + literal(password) + ", "
                + literal(pos[0]) + ", " + pos[1] + ", " + ssl + extraArgs + ", " + literal(channel) + ")";
    }

    static String unreachableChannel(String proc, int port, String extraArgs, String channel) {
        return "CALL mysql." + proc + "('127.0.0.1', " + port + ", 'u', 'p', 'f.000001', 4, 0" + extraArgs + ", "
                + literal(channel) + ")";
    }

    static String[] source1Position() throws SQLException {
        try (Connection c = TestBed.sourceRoot()) {
            return position(c);
        }
    }

    static String[] source2Position() throws SQLException {
        try (Connection c = TestBed.source2()) {
            return position(c);
        }
    }

    static String[] position(Connection c) throws SQLException {
        List<Map<String, String>> rows;
        try {
            rows = TestBed.query(c, "SHOW BINARY LOG STATUS");
        } catch (SQLException e) {
            rows = TestBed.query(c, "SHOW MASTER STATUS");
        }
        return new String[]{rows.get(0).get("File"), rows.get(0).get("Position")};
    }

    /** RDS's state of a channel, as the master user reads it. */
    static String state(Connection adm, String channel) throws SQLException {
        return one(adm, "SELECT mysql.rds_replication_service_state_for_channel(" + literal(channel) + ")");
    }

    /** The replica's real status row of one channel, as root. */
    static Map<String, String> channelStatus(String channel) throws SQLException {
        try (Connection c = TestBed.replicaRoot()) {
            List<Map<String, String>> rows = TestBed.query(c, "SHOW REPLICA STATUS FOR CHANNEL " + literal(channel));
            assertEquals(1, rows.size(), "channel " + channel);
            return rows.get(0);
        }
    }

    /** The configured channels, sorted. */
    static List<String> channels() throws SQLException {
        try (Connection c = TestBed.replicaRoot()) {
            List<String> out = new ArrayList<>();
            for (Map<String, String> r : TestBed.query(c, "SELECT CHANNEL_NAME AS n FROM performance_schema.replication_connection_configuration "
                    + "ORDER BY LENGTH(CHANNEL_NAME), CHANNEL_NAME")) {
                out.add(r.get("n"));
            }
            return out;
        }
    }

    /** Stops and removes every channel, one by one (RESET REPLICA ALL FOR CHANNEL), as root. */
    static void resetChannels() throws SQLException {
        try (Connection c = TestBed.replicaRoot()) {
            for (String ch : channels()) {
                TestBed.exec(c, "STOP REPLICA FOR CHANNEL " + literal(ch), "RESET REPLICA ALL FOR CHANNEL " + literal(ch));
            }
        }
    }
}
