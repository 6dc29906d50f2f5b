package io.rdsreplication.provider.cutover;

import io.rdsreplication.provider.core.CheckFailure;
import io.rdsreplication.provider.resources.Context;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.mysql.Binlog;
import io.rdsreplication.provider.mysql.ReplicaStatus;
import io.rdsreplication.provider.mysql.Replication;
import io.rdsreplication.provider.mysql.ServerInfo;
import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.mysql.Sql;
import io.rdsreplication.provider.mysql.Validation;

import java.util.ArrayList;
import java.util.List;

/**
 * The way back after a cutover: the old source replicates from the RDS instance, starting at RDS's own binlog
 * coordinates of the cutover, so every write made on RDS since reaches it until the user removes the link.
 * On RDS: {@code binlog retention hours} through {@code mysql.rds_set_configuration} (RDS purges binlogs at once
 * otherwise) and a replication account (REPLICATION SLAVE). On the old source: CHANGE MASTER TO (MariaDB, MySQL
 * before 8.0.23) or CHANGE REPLICATION SOURCE TO, then START. The old source stays fenced: read_only does not stop
 * a replication applier.
 *
 * <p>The account statements run on RDS after the cutover coordinates, so they replicate to the old source too;
 * they are written to be harmless there ({@code CREATE USER IF NOT EXISTS}, then ALTER and GRANT).
 */
public final class WayBack {
    private WayBack() {
    }

    /**
     * @param rdsHost       the RDS instance as the old source reaches it
     * @param user          the replication account made on RDS
     * @param userHost      its host part ({@code %} by default: RDS sees the old source's public address)
     * @param from          RDS's binlog coordinates at the cutover ({@link Cutover.Result#replicaAtCutover()})
     * @param retentionHours RDS's {@code binlog retention hours}, 1–168
     * @param ssl           encrypt the link (MASTER_SSL=1; needed for MySQL's caching_sha2_password accounts)
     */
    public record Options(String rdsHost, int rdsPort, String user, String userHost, Secret password, Binlog.Coordinates from,
                          int retentionHours, boolean ssl, int startTimeoutSeconds) {
        public List<CheckFailure> validate() {
            List<CheckFailure> out = new ArrayList<>();
            if (rdsHost == null || !Validation.isHostName(rdsHost)) out.add(new CheckFailure("rdsHost", "must be a host name or IP address"));
            if (rdsPort < 1 || rdsPort > 65535) out.add(new CheckFailure("rdsPort", "must be between 1 and 65535"));
            if (user == null || user.isEmpty() || user.length() > 32 || user.indexOf('\0') >= 0) {
                out.add(new CheckFailure("user", "must be 1 to 32 characters"));
            }
            if (userHost == null || userHost.isEmpty() || userHost.length() > 255 || userHost.indexOf('\0') >= 0) {
                out.add(new CheckFailure("userHost", "must be 1 to 255 characters"));
            }
            String pw = password == null || password.value() == null ? "" : password.value().toString();
            if (pw.isEmpty() || pw.length() > 32 || pw.indexOf('\0') >= 0 || !pw.strip().equals(pw)) {
                out.add(new CheckFailure("password", "must be 1 to 32 characters without leading or trailing spaces (MySQL's limit for replication)"));
            }
            if (from == null || !Validation.isBinlogFile(from.file()) || from.position() < 4) {
                out.add(new CheckFailure("from", "must be RDS's binlog coordinates of the cutover (file like mysql-bin-changelog.000012, position >= 4)"));
            }
            if (retentionHours < 1 || retentionHours > 168) out.add(new CheckFailure("binlogRetentionHours", "must be between 1 and 168"));
            if (startTimeoutSeconds < 1 || startTimeoutSeconds > 3600) out.add(new CheckFailure("startTimeoutSeconds", "must be between 1 and 3600"));
            return out;
        }
    }

    /** What was set up: where the old source started, and its replication status once running. */
    public record Result(Binlog.Coordinates from, String rdsHost, int rdsPort, String user, ReplicaStatus oldSourceStatus) {
    }

    /** {@code rds} is the RDS master user; {@code oldSource} needs SUPER or REPLICATION_SLAVE_ADMIN. */
    public static Result run(Context ctx, Session rds, Session oldSource, Options o) {
        List<CheckFailure> bad = o.validate();
        if (!bad.isEmpty()) throw new ProviderException.InvalidInput(bad);
        String pw = o.password().value().toString();
        rds.addSecret(pw);
        oldSource.addSecret(pw);

        ReplicaStatus before = Replication.status(oldSource);
        if (before.configured() && !(before.sourceHost().equals(o.rdsHost()) && before.sourcePort() != null && before.sourcePort() == o.rdsPort())) {
            throw new ProviderException.Precondition("the old source already replicates from " + before.sourceHost() + ":"
                    + before.sourcePort() + "; remove that first (the way back points it at " + o.rdsHost() + ":" + o.rdsPort() + ")");
        }

        ctx.progress().status("way back: binlog retention hours = " + o.retentionHours() + " on the RDS instance");
        rds.call("mysql.rds_set_configuration", "binlog retention hours", o.retentionHours());

        ctx.progress().status("way back: replication account " + o.user() + " on the RDS instance");
        String account = Sql.account(o.user(), o.userHost());
        String literal = Sql.stringLiteral(pw, rds.noBackslashEscapes());
        rds.executeVerbatim("CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY " + literal);
        rds.executeVerbatim("ALTER USER " + account + " IDENTIFIED BY " + literal);
        rds.executeVerbatim("GRANT REPLICATION SLAVE ON *.* TO " + account);

        ctx.progress().status("way back: the old source replicates from " + o.rdsHost() + ":" + o.rdsPort() + " at " + o.from());
        ServerInfo v = oldSource.server();
        boolean newNames = v.isMysql() && v.atLeast(8, 0, 23);
        if (before.configured()) oldSource.execute(newNames ? "STOP REPLICA" : "STOP SLAVE");
        oldSource.executeVerbatim(changeSource(v, o, oldSource.noBackslashEscapes()));
        oldSource.execute(newNames ? "START REPLICA" : "START SLAVE");

        long end = System.nanoTime() + o.startTimeoutSeconds() * 1_000_000_000L;
        while (true) {
            ReplicaStatus st = Replication.status(oldSource);
            if (st.lastIoErrno() != 0 || st.lastSqlErrno() != 0) {
                throw new ProviderException.Precondition("the old source does not replicate from RDS: "
                        + (st.lastIoErrno() != 0 ? "I/O error " + st.lastIoErrno() + ": " + oldSource.redact(st.lastIoError()) : "")
                        + (st.lastSqlErrno() != 0 ? " SQL error " + st.lastSqlErrno() + ": " + oldSource.redact(st.lastSqlError()) : ""));
            }
            if (st.state() == ReplicaStatus.State.ON) {
                ctx.progress().info("way back: the old source replicates from the RDS instance from " + o.from());
                return new Result(o.from(), o.rdsHost(), o.rdsPort(), o.user(), st);
            }
            if (System.nanoTime() >= end) {
                throw new ProviderException.Precondition("the old source's replication from RDS did not start within "
                        + o.startTimeoutSeconds() + " s (I/O " + st.ioState() + ", SQL " + (st.sqlRunning() ? "Yes" : "No") + ")");
            }
            ctx.sleep(200);
        }
    }

    /** The statement that points the old source at RDS (pure; the password is a literal: the grammar takes no parameter). */
    public static String changeSource(ServerInfo v, Options o, boolean noBackslashEscapes) {
        boolean newNames = v.isMysql() && v.atLeast(8, 0, 23);
        String p = newNames ? "SOURCE_" : "MASTER_";
        StringBuilder sb = new StringBuilder(newNames ? "CHANGE REPLICATION SOURCE TO " : "CHANGE MASTER TO ");
        sb.append(p).append("HOST = ").append(Sql.stringLiteral(o.rdsHost(), noBackslashEscapes))
                .append(", ").append(p).append("PORT = ").append(o.rdsPort())
                .append(", ").append(p).append("USER = ").append(Sql.stringLiteral(o.user(), noBackslashEscapes))
                .append(", ").append(p).append("PASSWORD = ").append(Sql.stringLiteral(o.password().value().toString(), noBackslashEscapes))
                .append(", ").append(p).append("LOG_FILE = ").append(Sql.stringLiteral(o.from().file(), noBackslashEscapes))
                .append(", ").append(p).append("LOG_POS = ").append(o.from().position())
                .append(", ").append(p).append("SSL = ").append(o.ssl() ? 1 : 0);
        if (v.isMariadb()) sb.append(", MASTER_USE_GTID = no");
        if (v.isMysql()) sb.append(", ").append(p).append("AUTO_POSITION = 0");
        return sb.toString();
    }
}
