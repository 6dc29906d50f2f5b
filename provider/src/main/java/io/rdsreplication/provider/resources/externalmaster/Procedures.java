package io.rdsreplication.provider.resources.externalmaster;

import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.mysql.ServerInfo;

import java.util.List;

/**
 * Which RDS procedure configures replication, as a pure function of (flavour, version, settings).
 * Facts: shared/reference/rds-procedures.md.
 */
public final class Procedures {
    private Procedures() {
    }

    /** What to point the replica at. Exactly one position kind is set (file+pos, gtid, autoPosition). */
    public record Settings(String host, int port, String user, String password, String binlogFile, Long binlogPosition,
                           String gtid, boolean autoPosition, boolean ssl, Integer delaySeconds) {
        @Override
        public String toString() {
            return "Settings[" + user + "@" + host + ":" + port + "]";
        }
    }

    /** A procedure call: name and bound arguments. */
    public record Call(String procedure, List<Object> args) {
        @Override
        public String toString() {
            return procedure + "(" + args.size() + " args)";
        }
    }

    /** MySQL 8.4 renamed the procedures ("source"); MariaDB and older MySQL keep "master". */
    static boolean sourceNames(ServerInfo v) {
        return v.isMysql() && v.atLeast(8, 4, 0);
    }

    /** Delay, auto-position and start-until exist on MySQL 5.7 and 8.0.26+. */
    static boolean mysqlExtras(ServerInfo v) {
        return v.isMysql() && (v.major() == 5 && v.minor() == 7 || v.atLeast(8, 0, 26));
    }

    public static Call setExternal(ServerInfo v, Settings s) {
        int ssl = s.ssl() ? 1 : 0;
        boolean delayed = s.delaySeconds() != null && s.delaySeconds() > 0;
        if (v.isMariadb()) {
            if (s.autoPosition()) {
                throw new ProviderException.InvalidInput("autoPosition",
                        "is MySQL GTID auto-positioning; the RDS instance runs MariaDB " + v.version() + ": use gtid instead");
            }
            if (delayed) {
                throw new ProviderException.InvalidInput("delaySeconds",
                        "RDS for MariaDB does not support delayed replication (the instance runs MariaDB " + v.version() + ")");
            }
            if (s.gtid() != null) {
                return new Call("mysql.rds_set_external_master_gtid", List.of(s.host(), s.port(), s.user(), s.password(), s.gtid(), ssl));
            }
            return new Call("mysql.rds_set_external_master",
                    List.of(s.host(), s.port(), s.user(), s.password(), s.binlogFile(), s.binlogPosition(), ssl));
        }
        if (s.gtid() != null) {
            throw new ProviderException.InvalidInput("gtid",
                    "is a MariaDB GTID position; the RDS instance runs MySQL " + v.version() + ": use autoPosition instead");
        }
        String base = sourceNames(v) ? "mysql.rds_set_external_source" : "mysql.rds_set_external_master";
        if (s.autoPosition() || delayed) {
            if (!mysqlExtras(v)) {
                throw new ProviderException.InvalidInput(s.autoPosition() ? "autoPosition" : "delaySeconds",
                        "needs RDS for MySQL 5.7 or 8.0.26 and later; the instance runs " + v.version());
            }
        }
        int delay = s.delaySeconds() == null ? 0 : s.delaySeconds();
        if (s.autoPosition()) {
            return new Call(base + "_with_auto_position", List.of(s.host(), s.port(), s.user(), s.password(), ssl, delay));
        }
        if (delayed) {
            return new Call(base + "_with_delay",
                    List.of(s.host(), s.port(), s.user(), s.password(), s.binlogFile(), s.binlogPosition(), ssl, delay));
        }
        return new Call(base, List.of(s.host(), s.port(), s.user(), s.password(), s.binlogFile(), s.binlogPosition(), ssl));
    }

    public static String reset(ServerInfo v) {
        return sourceNames(v) ? "mysql.rds_reset_external_source" : "mysql.rds_reset_external_master";
    }

    public static Call startUntil(ServerInfo v, String file, Long pos, String gtid) {
        if (!mysqlExtras(v)) {
            throw new ProviderException.InvalidInput(gtid != null ? "untilGtid" : "untilBinlogFile",
                    "replication until a position needs RDS for MySQL 5.7 or 8.0.26 and later; the instance runs " + v.version());
        }
        if (gtid != null) return new Call("mysql.rds_start_replication_until_gtid", List.of(gtid));
        return new Call("mysql.rds_start_replication_until", List.of(file, pos));
    }
}
