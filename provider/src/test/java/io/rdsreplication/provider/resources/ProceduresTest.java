package io.rdsreplication.provider.resources;

import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.mysql.Channel;
import io.rdsreplication.provider.mysql.ReplicaStatus;
import io.rdsreplication.provider.mysql.ServerInfo;
import io.rdsreplication.provider.resources.externalmaster.Procedures;
import io.rdsreplication.provider.resources.externalmaster.Procedures.Engine;
import io.rdsreplication.provider.resources.externalmaster.Procedures.Settings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every row of the procedures table in shared/reference/rds-procedures.md, by version rules and by the procedures present. */
class ProceduresTest {
    static final Engine MARIADB1011 = new Engine(ServerInfo.parse("10.11.9-MariaDB"), Set.of());
    static final Engine MARIADB105 = new Engine(ServerInfo.parse("10.5.25-MariaDB"), Set.of());
    static final Engine MYSQL57 = new Engine(ServerInfo.parse("5.7.44"), Set.of());
    static final Engine MYSQL8025 = new Engine(ServerInfo.parse("8.0.25"), Set.of());
    static final Engine MYSQL80 = new Engine(ServerInfo.parse("8.0.36"), Set.of());
    static final Engine MYSQL8041 = new Engine(ServerInfo.parse("8.0.41"), Set.of());
    static final Engine MYSQL84 = new Engine(ServerInfo.parse("8.4.3"), Set.of());
    /** A MySQL 8.0.31 server carrying RDS 8.0.41's procedures (the test bed): presence decides, not the version. */
    static final Engine TESTBED_MYSQL80 = new Engine(ServerInfo.parse("8.0.31"), Set.of("rds_set_external_master",
            "rds_set_external_master_with_delay", "rds_set_external_master_with_auto_position",
            "rds_set_external_source_gtid_purged", "rds_set_source_delay", "rds_start_replication_until",
            "rds_start_replication_until_gtid", "rds_reset_external_master"));

    static Settings file(int delay) {
        return new Settings("203.0.113.5", 3306, "repl", "pw", "mysql-bin.000031", 107L, null, false, null, true, delay);
    }

    static Settings gtid(int delay) {
        return new Settings("h", 3306, "repl", "pw", null, null, "0-1-100", false, null, false, delay);
    }

    static Settings auto(String set, int delay) {
        return new Settings("h", 3306, "repl", "pw", null, null, null, true, set, false, delay);
    }

    @Test
    void binlogPositionUsesTheGenerationNameAndFixesTheDelayAfterwards() {
        Procedures.Plan p = Procedures.plan(MARIADB1011, file(0));
        assertEquals(new Procedures.Call("mysql.rds_set_external_master",
                List.of("203.0.113.5", 3306, "repl", "pw", "mysql-bin.000031", 107L, 1)), p.main());
        // plain rds_set_external_master keeps an existing delay: where rds_set_source_delay exists it is set after
        assertTrue(p.delayAfter());
        assertEquals("mysql.rds_set_source_delay", p.delayProcedure());
        assertFalse(Procedures.plan(MARIADB105, file(0)).delayAfter(), "RDS MariaDB 10.5 has no delay at all");
        assertEquals("mysql.rds_set_external_master", Procedures.plan(MYSQL57, file(0)).main().procedure());
        assertEquals("mysql.rds_set_external_master", Procedures.plan(MYSQL80, file(0)).main().procedure());
        assertEquals("mysql.rds_set_external_source", Procedures.plan(MYSQL84, file(0)).main().procedure());
    }

    @Test
    void delayUsesWithDelayOnMysqlAndOnMariadb106() {
        assertEquals("mysql.rds_set_external_master_with_delay", Procedures.plan(MYSQL80, file(60)).main().procedure());
        assertEquals(60, Procedures.plan(MYSQL80, file(60)).main().args().get(7));
        assertEquals("mysql.rds_set_external_source_with_delay", Procedures.plan(MYSQL84, file(60)).main().procedure());
        assertEquals("mysql.rds_set_external_master_with_delay", Procedures.plan(MARIADB1011, file(60)).main().procedure());
        var e = assertThrows(ProviderException.InvalidInput.class, () -> Procedures.plan(MYSQL8025, file(60)));
        assertEquals("delaySeconds", e.failures().get(0).property());
        e = assertThrows(ProviderException.InvalidInput.class, () -> Procedures.plan(MARIADB105, file(60)));
        assertEquals("delaySeconds", e.failures().get(0).property());
    }

    @Test
    void mariadbGtidThenSourceDelay() {
        Procedures.Plan p = Procedures.plan(MARIADB1011, gtid(30));
        assertEquals(new Procedures.Call("mysql.rds_set_external_master_gtid", List.of("h", 3306, "repl", "pw", "0-1-100", 0)), p.main());
        assertTrue(p.delayAfter());
        var e = assertThrows(ProviderException.InvalidInput.class, () -> Procedures.plan(MYSQL80, gtid(0)));
        assertEquals("gtid", e.failures().get(0).property());
    }

    @Test
    void autoPositionOnMysqlOnlyAndGtidPurgedFirstAfterACopy() {
        Procedures.Plan p = Procedures.plan(MYSQL80, auto(null, 0));
        assertEquals(new Procedures.Call("mysql.rds_set_external_master_with_auto_position", List.of("h", 3306, "repl", "pw", 0, 0)), p.main());
        assertFalse(p.gtidPurged());
        assertEquals("mysql.rds_set_external_source_with_auto_position", Procedures.plan(MYSQL84, auto(null, 5)).main().procedure());
        String set = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-23";
        assertTrue(Procedures.plan(MYSQL8041, auto(set, 0)).gtidPurged());
        assertTrue(Procedures.plan(TESTBED_MYSQL80, auto(set, 0)).gtidPurged());
        // 8.0.36 has no gtid_purged procedure: refused before anything runs
        var e = assertThrows(ProviderException.InvalidInput.class, () -> Procedures.plan(MYSQL80, auto(set, 0)));
        assertEquals("gtid", e.failures().get(0).property());
        e = assertThrows(ProviderException.InvalidInput.class, () -> Procedures.plan(MARIADB1011, auto(null, 0)));
        assertEquals("autoPosition", e.failures().get(0).property());
        e = assertThrows(ProviderException.InvalidInput.class, () -> Procedures.plan(MYSQL8025, auto(null, 0)));
        assertEquals("autoPosition", e.failures().get(0).property());
    }

    @Test
    void gtidPurgedOneCallPerInterval() {
        List<Procedures.Call> calls = Procedures.gtidPurged(
                "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:7,\n4E11FA47-71CA-11E1-9E33-C80AA9429562:9");
        assertEquals(List.of(
                new Procedures.Call("mysql.rds_set_external_source_gtid_purged", "3e11fa47-71ca-11e1-9e33-c80aa9429562", 1L, 5L),
                new Procedures.Call("mysql.rds_set_external_source_gtid_purged", "3e11fa47-71ca-11e1-9e33-c80aa9429562", 7L, 7L),
                new Procedures.Call("mysql.rds_set_external_source_gtid_purged", "4e11fa47-71ca-11e1-9e33-c80aa9429562", 9L, 9L)), calls);
        assertTrue(Procedures.gtidPurged("").isEmpty());
        assertThrows(ProviderException.InvalidInput.class, () -> Procedures.gtidPurged("3E11FA47-71CA-11E1-9E33-C80AA9429562:tag:1-5"));
    }

    @Test
    void presenceOfProceduresWinsOverTheVersion() {
        Engine mysql84WithoutSource = new Engine(ServerInfo.parse("8.4.3"), Set.of("rds_set_external_master"));
        assertEquals("mysql.rds_set_external_master", Procedures.plan(mysql84WithoutSource, file(0)).main().procedure());
        assertEquals("mysql.rds_reset_external_master", Procedures.reset(mysql84WithoutSource));
        assertEquals("mysql.rds_reset_external_source", Procedures.reset(MYSQL84));
        assertEquals("mysql.rds_reset_external_master", Procedures.reset(MARIADB1011));
    }

    @Test
    void startUntilOnMysqlOnly() {
        assertEquals(new Procedures.Call("mysql.rds_start_replication_until", List.of("mysql-bin.000002", 120L)),
                Procedures.startUntil(MYSQL80, "mysql-bin.000002", 120L, null));
        assertEquals(new Procedures.Call("mysql.rds_start_replication_until_gtid", List.of("3E11FA47-71CA-11E1-9E33-C80AA9429562:23")),
                Procedures.startUntil(MYSQL57, null, null, "3E11FA47-71CA-11E1-9E33-C80AA9429562:23"));
        var e = assertThrows(ProviderException.InvalidInput.class, () -> Procedures.startUntil(MARIADB1011, "b.000001", 4L, null));
        assertEquals("untilBinlogFile", e.failures().get(0).property());
        e = assertThrows(ProviderException.InvalidInput.class, () -> Procedures.startUntil(MARIADB1011, null, null, "0-1-5"));
        assertEquals("untilGtid", e.failures().get(0).property());
    }

    static Settings onChannel(Settings s, String channel) {
        return new Settings(s.host(), s.port(), s.user(), s.password(), s.binlogFile(), s.binlogPosition(), s.gtid(),
                s.autoPosition(), s.gtidSet(), s.ssl(), s.delaySeconds(), Channel.of(channel));
    }

    @Test
    void aNamedChannelUsesTheForChannelProceduresWithTheChannelLast() {
        Procedures.Plan p = Procedures.plan(MYSQL8041, onChannel(file(0), "src_a"));
        assertEquals(new Procedures.Call("mysql.rds_set_external_source_for_channel",
                List.of("203.0.113.5", 3306, "repl", "pw", "mysql-bin.000031", 107L, 1, "src_a")), p.main());
        // the plain procedure keeps the channel's delay: set afterwards on the same channel
        assertTrue(p.delayAfter());
        assertEquals(new Procedures.Call("mysql.rds_set_source_delay_for_channel", List.of(0, "src_a")), p.delay(0));
        assertEquals(new Procedures.Call("mysql.rds_set_external_source_with_delay_for_channel",
                List.of("203.0.113.5", 3306, "repl", "pw", "mysql-bin.000031", 107L, 1, 60, "src_a")),
                Procedures.plan(MYSQL84, onChannel(file(60), "src_a")).main());
        assertEquals(new Procedures.Call("mysql.rds_set_external_source_with_auto_position_for_channel",
                List.of("h", 3306, "repl", "pw", 0, 5, "b")), Procedures.plan(MYSQL8041, onChannel(auto(null, 5), "b")).main());
        assertEquals(new Procedures.Call("mysql.rds_reset_external_source_for_channel", List.of("b")), Procedures.reset(MYSQL8041, Channel.of("b")));
        assertEquals(new Procedures.Call("mysql.rds_reset_external_master", List.of()), Procedures.reset(MYSQL8041, Channel.DEFAULT));
        assertEquals(new Procedures.Call("mysql.rds_start_replication_until_gtid_for_channel", List.of("u:1-5", "b")),
                Procedures.startUntil(MYSQL8041, null, null, "u:1-5", Channel.of("b")));
        // the default channel is unchanged
        assertEquals("mysql.rds_set_external_master", Procedures.plan(MYSQL8041, onChannel(file(0), "")).main().procedure());
    }

    @Test
    void aNamedChannelIsRefusedWhereRdsHasNoMultiSource() {
        var e = assertThrows(ProviderException.InvalidInput.class, () -> Procedures.plan(MARIADB1011, onChannel(file(0), "a")));
        assertEquals("channel", e.failures().get(0).property());
        assertTrue(e.getMessage().contains("MariaDB"), e.getMessage());
        assertEquals("mysql.rds_set_external_source_for_channel", Procedures.plan(MYSQL80, onChannel(file(0), "a")).main().procedure(),
                "RDS for MySQL 8.0.36 has the *_for_channel procedures");
        e = assertThrows(ProviderException.InvalidInput.class, () -> Procedures.plan(MYSQL8025, onChannel(file(0), "a")));
        assertEquals("channel", e.failures().get(0).property());
        assertTrue(e.getMessage().contains("8.0.35"), e.getMessage());
        // presence decides on an instance whose procedures were listed
        e = assertThrows(ProviderException.InvalidInput.class, () -> Procedures.plan(TESTBED_MYSQL80, onChannel(file(0), "a")));
        assertEquals("channel", e.failures().get(0).property());
    }

    @Test
    void aChannelsStatusIsItsOwnRowAndNoOther() {
        Map<String, String> a = Map.of("Channel_Name", "src_a", "Source_Host", "10.0.0.1", "Source_Port", "3306",
                "Replica_IO_Running", "Yes", "Replica_SQL_Running", "Yes");
        Map<String, String> b = Map.of("Channel_Name", "SRC_B", "Source_Host", "10.0.0.2", "Source_Port", "3307",
                "Replica_IO_Running", "No", "Replica_SQL_Running", "No");
        assertEquals("10.0.0.2", ReplicaStatus.fromRows(List.of(a, b), Channel.of("src_b")).sourceHost(), "names compare without case");
        assertEquals(ReplicaStatus.State.ON, ReplicaStatus.fromRows(List.of(a, b), Channel.of("src_a")).state());
        // the default channel is not configured when only named ones are: never another channel's row
        assertFalse(ReplicaStatus.fromRows(List.of(a, b)).configured());
        assertFalse(ReplicaStatus.fromRows(List.of(a, b), Channel.of("c")).configured());
        // MariaDB's single row has no channel column: it is the default channel's
        Map<String, String> m = Map.of("Master_Host", "h", "Master_Port", "1", "Slave_IO_Running", "Yes", "Slave_SQL_Running", "Yes");
        assertTrue(ReplicaStatus.fromRows(List.of(m)).configured());
        assertFalse(ReplicaStatus.fromRows(List.of(m), Channel.of("a")).configured());
    }

    @Test
    void channelNamesAreCheckedBeforeAnyCall() {
        assertEquals(null, Channel.invalid(null));
        assertEquals(null, Channel.invalid(""));
        assertEquals(null, Channel.invalid("source_a.eu-1"));
        assertTrue(Channel.invalid(" a").contains("letters"));
        assertTrue(Channel.invalid("a'b").contains("letters"));
        assertTrue(Channel.invalid("x".repeat(65)).contains("1-64"));
        assertTrue(Channel.invalid("group_replication_applier").contains("group replication"));
    }
}
