package io.rdsreplication.provider.resources.functions;

import io.rdsreplication.provider.aws.Instances;
import io.rdsreplication.provider.core.Check;
import io.rdsreplication.provider.core.Prop;
import io.rdsreplication.provider.core.SchemaType;
import io.rdsreplication.provider.core.TypedFunction;
import io.rdsreplication.provider.mysql.BinlogRetention;
import io.rdsreplication.provider.mysql.Channel;
import io.rdsreplication.provider.mysql.ReplicaStatus;
import io.rdsreplication.provider.mysql.Replication;
import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.resources.Context;
import io.rdsreplication.provider.resources.sourcesnapshot.SnapshotSql;
import io.rdsreplication.provider.resources.types.Connection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** getSourceStatus, getReplicaStatus, getInstanceEndpoint. */
public final class Functions {
    private Functions() {
    }

    public static List<TypedFunction<Context, ?, ?>> all() {
        return List.of(new SourceStatus(), new ReplicaStatusFn(), new InstanceEndpoint());
    }

    @SchemaType(token = "rdsreplication:index:getSourceStatus", description = "Reads the external source's binlog coordinates and settings: a preflight before pointing a replica at it.")
    public static final class SourceStatus extends TypedFunction<Context, SourceStatus.Args, SourceStatus.Result> {
        public record Args(
                @Prop("Connection to the external source server. Defaults to the provider's `source` configuration.")
                Connection source) {
        }

        public record Result(
                @Prop(value = "Current binlog file (`SHOW BINARY LOG STATUS` on MySQL 8.2 and later, where `SHOW MASTER STATUS` is deprecated or gone; `SHOW MASTER STATUS` on older MySQL and on MariaDB), chosen by the server's version.", always = true)
                String binlogFile,
                @Prop(value = "Current binlog position.", always = true)
                Long binlogPosition,
                @Prop(value = "`@@gtid_binlog_pos` (MariaDB) or the `Executed_Gtid_Set` of the same status row as the coordinates (MySQL `gtid_executed`).", always = true)
                String gtid,
                @Prop(value = "`@@server_id`; must differ from the replica's.", always = true)
                Long serverId,
                @Prop(value = "`@@binlog_format`.", always = true)
                String binlogFormat,
                @Prop(value = "Whether binary logging is on (required).", always = true)
                Boolean logBin,
                @Prop(value = "Server version.", always = true)
                String version) {
        }

        public SourceStatus() {
            super(Args.class, Result.class);
        }

        @Override
        protected void check(Check<Args> c) {
            Connection.check(c, Args::source);
        }

        @Override
        protected Result call(Context ctx, Args args) {
            try (Session s = ctx.open(args.source(), "source")) {
                var vars = s.query("SELECT @@server_id AS server_id, @@binlog_format AS binlog_format, @@log_bin AS log_bin, VERSION() AS version");
                var row = vars.get(0);
                boolean logBin = "1".equals(row.get("log_bin")) || "ON".equalsIgnoreCase(row.get("log_bin"));
                // chosen by the server's version: SHOW MASTER STATUS is a syntax error on MySQL 8.4 and 9.x
                var st = logBin ? s.query(SnapshotSql.binlogStatus(s.server())) : List.<Map<String, String>>of();
                // MySQL: the GTID set of the same row (Executed_Gtid_Set) so coordinates and set agree; MariaDB:
                // @@gtid_binlog_pos, the last GTID per domain written to the binlog
                String gtid = s.server().isMariadb() ? s.queryString("SELECT @@GLOBAL.gtid_binlog_pos")
                        : !st.isEmpty() ? st.get(0).get("Executed_Gtid_Set") : s.queryString("SELECT @@GLOBAL.gtid_executed");
                return new Result(st.isEmpty() ? "" : st.get(0).get("File"),
                        st.isEmpty() ? 0L : Long.parseLong(st.get(0).get("Position")), SnapshotSql.gtidSet(gtid),
                        Long.parseLong(row.get("server_id")), row.get("binlog_format"), logBin, row.get("version"));
            }
        }
    }

    @SchemaType(token = "rdsreplication:index:getReplicaStatus", description = "Reads the RDS instance's replica status (`SHOW REPLICA STATUS`, or `mysql.rds_replica_status` where the master user lacks the privilege), of the default channel or of the `channel` given.")
    public static final class ReplicaStatusFn extends TypedFunction<Context, ReplicaStatusFn.Args, ReplicaStatusFn.Result> {
        public record Args(
                @Prop("Connection to the Amazon RDS instance, as its master user. Defaults to the provider's `replica` configuration.")
                Connection replica,
                @Prop("Connection to the external source, read for `safeToPurge` (the runbook's second guideline). Defaults to the provider's `source` configuration; without either, those outputs are absent.")
                Connection source,
                @Prop("The multi-source replication channel to read (RDS for MySQL 8.0.35+, 8.4). Unset or empty: the default channel. A channel the instance does not have reads as not configured.")
                String channel) {
        }

        public record Result(
                @Prop(value = "Whether the replica's I/O thread is connected to the source (`Slave_IO_Running`/`Replica_IO_Running` is `Yes`).", always = true)
                Boolean ioRunning,
                @Prop(value = "Whether the replica's SQL (applier) thread is running.", always = true)
                Boolean sqlRunning,
                @Prop("`Seconds_Behind_Master`/`Seconds_Behind_Source`; absent while a thread is stopped.")
                Integer secondsBehindSource,
                @Prop("The last I/O thread error reported by the replica, empty when none.")
                String lastIoError,
                @Prop("The last SQL thread error reported by the replica, empty when none.")
                String lastSqlError,
                @Prop("The source binlog file whose events the replica has applied up to (`Relay_Master_Log_File`). Binlogs on the source older than this one are no longer needed by this replica and may be purged.")
                String appliedSourceLogFile,
                @Prop("Position in `appliedSourceLogFile` up to which events have been applied (`Exec_Master_Log_Pos`).")
                Long appliedSourceLogPosition,
                @Prop("Source host the replica is configured with.")
                String sourceHost,
                @Prop("Source port.")
                Integer sourcePort,
                @Prop("Replication user.")
                String sourceUser,
                @Prop("GTID mode (`No`, `Slave_Pos`, `Current_Pos` on MariaDB; `0`/`1` auto-position on MySQL).")
                String usingGtid,
                @Prop("Configured delay (`SQL_Delay`).")
                Integer delaySeconds,
                @Prop("Last I/O error number.")
                Integer lastIoErrno,
                @Prop("Last SQL error number.")
                Integer lastSqlErrno,
                @Prop(value = "Whether replication is configured at all.", always = true)
                Boolean configured,
                @Prop("The source's binlogs this replica no longer needs (every one before the file it is applying): safe to purge for its sake.")
                List<String> safeToPurge,
                @Prop("`PURGE BINARY LOGS TO` this file on the source removes exactly `safeToPurge`; empty when there is nothing to purge.")
                String purgeTo,
                @Prop("How long the source keeps binlogs, in seconds (`binlog_expire_logs_seconds` or `expire_logs_days`); 0 when they never expire.")
                Long binlogExpirySeconds) {
        }

        public ReplicaStatusFn() {
            super(Args.class, Result.class);
        }

        @Override
        protected void check(Check<Args> c) {
            Connection.check(c, Args::replica);
            Connection.check(c, Args::source);
            String why = Channel.invalid(c.news().channel());
            if (why != null) c.fail(Args::channel, why);
        }

        @Override
        protected Result call(Context ctx, Args args) {
            try (Session s = ctx.open(args.replica(), "replica")) {
                ReplicaStatus st = Replication.status(s, Channel.of(args.channel()));
                BinlogRetention.Report r = retention(ctx, args, s);
                return new Result(st.ioRunning(), st.sqlRunning(), st.secondsBehind(), st.lastIoError(), st.lastSqlError(),
                        st.appliedFile(), st.appliedPosition(), st.sourceHost(), st.sourcePort(), st.sourceUser(), st.usingGtid(),
                        st.delaySeconds(), st.lastIoErrno(), st.lastSqlErrno(), st.configured(),
                        r == null ? null : r.safeToPurge(), r == null ? null : r.purgeTo() == null ? "" : r.purgeTo(),
                        r == null ? null : r.expiry().seconds());
            }
        }

        /** Read from the source given (its errors are the call's), else best effort from the provider's default. */
        private static BinlogRetention.Report retention(Context ctx, Args args, Session replica) {
            boolean fallback = args.source() == null;
            if (fallback && (ctx.config() == null || ctx.config().source() == null)) return null;
            try (Session src = ctx.open(args.source(), "source")) {
                return BinlogRetention.inspect(src, replica, new BinlogRetention.Options(0, true, Channel.of(args.channel())));
            } catch (RuntimeException e) {
                if (!fallback) throw e;
                ctx.progress().warn("getReplicaStatus: could not read the source's binlogs for safeToPurge: " + e.getMessage());
                return null;
            }
        }
    }

    @SchemaType(token = "rdsreplication:index:getInstanceEndpoint", description = "Looks up an RDS DB instance: endpoint, resolved IPs, security groups and the settings the runbook's guidelines depend on.")
    public static final class InstanceEndpoint extends TypedFunction<Context, InstanceEndpoint.Args, InstanceEndpoint.Result> {
        public record Args(
                @Prop(value = "The RDS DB instance identifier.", required = true)
                String dbInstanceIdentifier) {
        }

        public record Result(
                @Prop(value = "Endpoint address.", always = true)
                String address,
                @Prop(value = "Endpoint port.", always = true)
                Integer port,
                @Prop(value = "IP addresses the endpoint resolves to now.", always = true)
                List<String> ips,
                @Prop(value = "VPC security groups of the instance.", always = true)
                List<String> securityGroupIds,
                @Prop(value = "Automated backup retention in days (0 = off).", always = true)
                Integer backupRetentionPeriod,
                @Prop(value = "Engine.", always = true)
                String engine,
                @Prop(value = "Engine version.", always = true)
                String engineVersion,
                @Prop(value = "Whether the instance is Multi-AZ.", always = true)
                Boolean multiAz,
                @Prop("Set when the instance is itself an RDS read replica.")
                String readReplicaSourceDbInstanceIdentifier) {
        }

        public InstanceEndpoint() {
            super(Args.class, Result.class);
        }

        @Override
        protected void check(Check<Args> c) {
            String id = c.news().dbInstanceIdentifier();
            if (id != null && !id.matches("[A-Za-z][A-Za-z0-9-]{0,62}")) {
                c.fail(Args::dbInstanceIdentifier, "must be 1-63 letters, digits or hyphens, starting with a letter");
            }
        }

        @Override
        protected Result call(Context ctx, Args args) {
            var inst = Instances.describe(ctx.aws().rds(), args.dbInstanceIdentifier());
            String address = inst.endpoint() == null || inst.endpoint().address() == null ? "" : inst.endpoint().address();
            Integer port = inst.endpoint() != null && inst.endpoint().port() != null ? inst.endpoint().port() : inst.dbInstancePort();
            List<String> sgs = new ArrayList<>();
            if (inst.hasVpcSecurityGroups()) inst.vpcSecurityGroups().forEach(g -> sgs.add(g.vpcSecurityGroupId()));
            return new Result(address, port == null ? 3306 : port, List.copyOf(Instances.resolve(address)), sgs,
                    inst.backupRetentionPeriod() == null ? 0 : inst.backupRetentionPeriod(), inst.engine(), inst.engineVersion(),
                    Boolean.TRUE.equals(inst.multiAZ()),
                    inst.readReplicaSourceDBInstanceIdentifier() == null ? "" : inst.readReplicaSourceDBInstanceIdentifier());
        }
    }
}
