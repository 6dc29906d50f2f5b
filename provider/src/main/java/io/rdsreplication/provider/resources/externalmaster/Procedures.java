package io.rdsreplication.provider.resources.externalmaster;

import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.mysql.Channel;
import io.rdsreplication.provider.mysql.ServerInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which RDS procedures configure replication, as a pure function of the engine (flavour and version), the
 * {@code mysql.rds_*} procedures the instance has, and the settings. Facts: shared/reference/rds-procedures.md.
 * When the instance's procedures could not be listed, the documented version rules decide.
 */
public final class Procedures {
    private Procedures() {
    }

    /**
     * What to point the replica at. Exactly one position kind: file+pos, a MariaDB {@code gtid}, or
     * {@code autoPosition} (MySQL), optionally with the MySQL GTID set the copy already holds ({@code gtidSet}).
     */
    public record Settings(String host, int port, String user, String password, String binlogFile, Long binlogPosition,
                           String gtid, boolean autoPosition, String gtidSet, boolean ssl, int delaySeconds, Channel channel) {
        public Settings(String host, int port, String user, String password, String binlogFile, Long binlogPosition,
                        String gtid, boolean autoPosition, String gtidSet, boolean ssl, int delaySeconds) {
            this(host, port, user, password, binlogFile, binlogPosition, gtid, autoPosition, gtidSet, ssl, delaySeconds, Channel.DEFAULT);
        }

        @Override
        public String toString() {
            return "Settings[" + user + "@" + host + ":" + port + (channel.isDefault() ? "" : " channel " + channel) + "]";
        }
    }

    /** A procedure call: name and bound arguments. */
    public record Call(String procedure, List<Object> args) {
        public Call(String procedure, Object... args) {
            this(procedure, List.of(args));
        }

        /** {@code base} (a default-channel procedure) on {@code channel}: its {@code _for_channel} form on a named one. */
        public static Call on(Channel channel, String base, Object... args) {
            return new Call(channel.procedure(base), channel.args(args));
        }

        public String name() {
            return procedure.substring("mysql.".length());
        }

        @Override
        public String toString() {
            return procedure + "(" + args.size() + " args)";
        }
    }

    /**
     * The calls that configure replication: {@code main} (the procedure reported as {@code procedure}), and
     * whether the delay must then be set with {@code rds_set_source_delay} (when the main procedure does not take
     * one: plain {@code rds_set_external_master} keeps an existing delay, {@code _gtid} takes none).
     */
    public record Plan(Call main, boolean delayAfter, String delayProcedure, boolean gtidPurged, Channel channel) {
        Plan(Call main, boolean delayAfter, String delayProcedure, boolean gtidPurged) {
            this(main, delayAfter, delayProcedure, gtidPurged, Channel.DEFAULT);
        }

        /** The call that sets the delay afterwards. */
        public Call delay(int seconds) {
            return Call.on(channel, delayProcedure, seconds);
        }
    }

    /** What the instance offers: its engine and, when they could be listed, its rds_* procedure names. */
    public record Engine(ServerInfo server, Set<String> procedures) {
        boolean has(String name) {
            if (!procedures.isEmpty()) return procedures.contains(name);
            return byVersion(server, name);
        }

        /** MySQL 8.4 renamed the procedures ("source"); prefer those names where they exist. */
        String prefix() {
            boolean source = server.isMysql() && server.atLeast(8, 4, 0);
            if (!procedures.isEmpty()) {
                if (source && procedures.contains("rds_set_external_source")) return "rds_set_external_source";
                if (procedures.contains("rds_set_external_master")) return "rds_set_external_master";
                if (procedures.contains("rds_set_external_source")) return "rds_set_external_source";
            }
            return source ? "rds_set_external_source" : "rds_set_external_master";
        }

        String reset() {
            return prefix().equals("rds_set_external_source") ? "rds_reset_external_source" : "rds_reset_external_master";
        }
    }

    /** The documented availability, for instances whose procedures could not be listed. */
    static boolean byVersion(ServerInfo v, String name) {
        boolean mysqlExtras = v.isMysql() && (v.major() == 5 && v.minor() == 7 || v.atLeast(8, 0, 26));
        boolean mariadbDelay = v.isMariadb() && v.atLeast(10, 6, 0);
        if (name.endsWith("_with_delay") || name.equals("rds_set_source_delay")) return mysqlExtras || mariadbDelay;
        if (name.endsWith("_with_auto_position") || name.startsWith("rds_start_replication_until")) return mysqlExtras;
        if (name.equals("rds_set_external_source_gtid_purged")) return v.isMysql() && v.atLeast(8, 0, 37);
        if (name.equals("rds_set_external_master_gtid")) return v.isMariadb();
        if (name.equals("rds_replica_status")) return v.isMariadb() && v.atLeast(10, 5, 0);
        if (name.endsWith("_for_channel")) return v.isMysql() && (v.atLeast(8, 0, 35) || v.major() == 5 && v.minor() == 7 && v.patch() >= 44);
        return true;
    }

    public static Plan plan(Engine e, Settings s) {
        if (!s.channel().isDefault()) return planForChannel(e, s);
        ServerInfo v = e.server();
        int ssl = s.ssl() ? 1 : 0;
        int delay = s.delaySeconds();
        String base = "mysql." + e.prefix();
        if (v.isMariadb()) {
            if (s.autoPosition() || s.gtidSet() != null) {
                throw new ProviderException.InvalidInput(s.gtidSet() != null ? "gtid" : "autoPosition",
                        "is MySQL GTID auto-positioning; the RDS instance runs MariaDB " + v.version()
                                + ": give a MariaDB GTID position (like 0-1-1728) in gtid, or binlogFile and binlogPosition");
            }
            if (delay > 0 && !e.has("rds_set_source_delay") && !e.has(e.prefix() + "_with_delay")) {
                throw new ProviderException.InvalidInput("delaySeconds",
                        "delayed replication needs RDS for MariaDB 10.6 or later; the instance runs MariaDB " + v.version());
            }
            if (s.gtid() != null) {
                Call main = new Call("mysql.rds_set_external_master_gtid", s.host(), s.port(), s.user(), s.password(), s.gtid(), ssl);
                return new Plan(main, true, "mysql.rds_set_source_delay", false);
            }
        } else if (s.gtid() != null) {
            throw new ProviderException.InvalidInput("gtid", "is a MariaDB GTID position; the RDS instance runs MySQL " + v.version()
                    + ": give the MySQL GTID set the copy holds (like 3E11FA47-71CA-11E1-9E33-C80AA9429562:1-23) with autoPosition, "
                    + "or binlogFile and binlogPosition");
        }
        if (s.autoPosition()) {
            String name = e.prefix() + "_with_auto_position";
            if (!e.has(name)) {
                throw new ProviderException.InvalidInput("autoPosition",
                        "GTID auto-positioning needs RDS for MySQL 5.7 or 8.0.26 and later; the instance runs " + v.version());
            }
            boolean purged = gtidPurgedNeeded(e, s);
            return new Plan(new Call("mysql." + name, s.host(), s.port(), s.user(), s.password(), ssl, delay), false, null, purged);
        }
        String withDelay = e.prefix() + "_with_delay";
        if (delay > 0) {
            if (e.has(withDelay)) {
                return new Plan(new Call("mysql." + withDelay, s.host(), s.port(), s.user(), s.password(), s.binlogFile(),
                        s.binlogPosition(), ssl, delay), false, null, false);
            }
            if (!e.has("rds_set_source_delay")) {
                throw new ProviderException.InvalidInput("delaySeconds",
                        "delayed replication needs RDS for MySQL 5.7 or 8.0.26 and later, or RDS for MariaDB 10.6 and later; the instance runs "
                                + v.version());
            }
        }
        Call main = new Call(base, s.host(), s.port(), s.user(), s.password(), s.binlogFile(), s.binlogPosition(), ssl);
        // plain rds_set_external_master keeps an existing delay: clear or set it afterwards where the engine can
        return new Plan(main, e.has("rds_set_source_delay"), "mysql.rds_set_source_delay", false);
    }

    /** Whether the copy's GTID set must be recorded first; refused where the instance cannot. */
    private static boolean gtidPurgedNeeded(Engine e, Settings s) {
        boolean purged = s.gtidSet() != null && !s.gtidSet().isBlank();
        if (purged && !e.has("rds_set_external_source_gtid_purged")) {
            throw new ProviderException.InvalidInput("gtid", "starting auto-positioning after a copy needs "
                    + "mysql.rds_set_external_source_gtid_purged (RDS for MySQL 8.0.37 and later, 8.4); the instance runs "
                    + e.server().version() + ": upgrade it, or start from binlogFile and binlogPosition");
        }
        return purged;
    }

    /** Refuses a named channel where the instance has no multi-source procedures. */
    public static void requireChannels(Engine e, Channel channel) {
        if (channel.isDefault()) return;
        ServerInfo v = e.server();
        if (v.isMariadb()) {
            throw new ProviderException.InvalidInput("channel", "names a multi-source replication channel, which RDS offers for MySQL "
                    + "(8.0.35 and later, 8.4) only; the RDS instance runs MariaDB " + v.version() + ": leave channel unset");
        }
        if (!e.has("rds_set_external_source_for_channel")) {
            throw new ProviderException.InvalidInput("channel", "names a multi-source replication channel, which needs the "
                    + "*_for_channel procedures of RDS for MySQL 8.0.35 and later or 8.4; the instance runs MySQL " + v.version()
                    + ": upgrade it, or leave channel unset");
        }
    }

    /** Multi-source: the {@code rds_set_external_source*_for_channel} procedures, the channel as last argument. */
    private static Plan planForChannel(Engine e, Settings s) {
        requireChannels(e, s.channel());
        ServerInfo v = e.server();
        Channel ch = s.channel();
        int ssl = s.ssl() ? 1 : 0;
        int delay = s.delaySeconds();
        if (s.gtid() != null) {
            throw new ProviderException.InvalidInput("gtid", "is a MariaDB GTID position; the RDS instance runs MySQL " + v.version()
                    + ": give the MySQL GTID set the copy holds with autoPosition, or binlogFile and binlogPosition");
        }
        if (s.autoPosition()) {
            String name = "rds_set_external_source_with_auto_position";
            boolean purged = gtidPurgedNeeded(e, s);
            return new Plan(Call.on(ch, name, s.host(), s.port(), s.user(), s.password(), ssl, delay), false, null, purged, ch);
        }
        if (delay > 0) {
            return new Plan(Call.on(ch, "rds_set_external_source_with_delay", s.host(), s.port(), s.user(), s.password(),
                    s.binlogFile(), s.binlogPosition(), ssl, delay), false, null, false, ch);
        }
        // the plain procedure keeps the channel's delay: clear it afterwards when it has one
        return new Plan(Call.on(ch, "rds_set_external_source", s.host(), s.port(), s.user(), s.password(), s.binlogFile(),
                s.binlogPosition(), ssl), true, "rds_set_source_delay", false, ch);
    }

    public static String reset(Engine e) {
        return "mysql." + e.reset();
    }

    /** The reset of one channel: {@code rds_reset_external_source_for_channel} on a named one. */
    public static Call reset(Engine e, Channel channel) {
        if (channel.isDefault()) return new Call(reset(e));
        return Call.on(channel, "rds_reset_external_source");
    }

    public static Call startUntil(Engine e, String file, Long pos, String gtid) {
        return startUntil(e, file, pos, gtid, Channel.DEFAULT);
    }

    public static Call startUntil(Engine e, String file, Long pos, String gtid, Channel channel) {
        String name = gtid != null ? "rds_start_replication_until_gtid" : "rds_start_replication_until";
        if (!e.server().isMysql() || !e.has(channel.procedure(name).substring("mysql.".length()))) {
            throw new ProviderException.InvalidInput(gtid != null ? "untilGtid" : "untilBinlogFile",
                    "replication until a position needs RDS for MySQL 5.7 or 8.0.26 and later; the instance runs "
                            + e.server().flavor().label() + " " + e.server().version());
        }
        if (gtid != null) return Call.on(channel, name, gtid);
        return Call.on(channel, name, file, pos);
    }

    /** One {@code rds_set_external_source_gtid_purged(uuid, start, end)} call per interval of a MySQL GTID set. */
    public static List<Call> gtidPurged(String gtidSet) {
        List<Call> out = new ArrayList<>();
        if (gtidSet == null) return out;
        for (String part : gtidSet.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            String[] f = p.split(":");
            String uuid = f[0].toLowerCase();
            for (int i = 1; i < f.length; i++) {
                Matcher m = INTERVAL.matcher(f[i].trim());
                if (!m.matches()) {
                    throw new ProviderException.InvalidInput("gtid", "must be a MySQL GTID set like uuid:1-23 (tagged GTIDs are not supported)");
                }
                long start = Long.parseLong(m.group(1));
                long end = m.group(2) == null ? start : Long.parseLong(m.group(2));
                out.add(new Call("mysql.rds_set_external_source_gtid_purged", uuid, start, end));
            }
        }
        return out;
    }

    private static final Pattern INTERVAL = Pattern.compile("(\\d+)(?:-(\\d+))?");
}
