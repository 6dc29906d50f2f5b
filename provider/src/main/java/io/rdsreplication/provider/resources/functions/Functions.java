package io.rdsreplication.provider.resources.functions;

import io.rdsreplication.provider.aws.Instances;
import io.rdsreplication.provider.core.Context;
import io.rdsreplication.provider.core.Function;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.Props;
import io.rdsreplication.provider.mysql.ConnectionSpec;
import io.rdsreplication.provider.mysql.ReplicaStatus;
import io.rdsreplication.provider.mysql.Replication;
import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.resources.sourcesnapshot.SnapshotSql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** getSourceStatus, getReplicaStatus, getInstanceEndpoint. */
public final class Functions {
    private Functions() {
    }

    public static List<Function> all() {
        return List.of(new SourceStatus(), new ReplicaStatusFn(), new InstanceEndpoint());
    }

    private static void validate(Props args, String role) {
        Props p = args.object(role);
        if (p != null) {
            var f = ConnectionSpec.validate(p);
            if (!f.isEmpty()) throw new ProviderException.InvalidInput(f);
        }
    }

    static final class SourceStatus implements Function {
        @Override
        public String token() {
            return "rdsreplication:index:getSourceStatus";
        }

        @Override
        public Map<String, Object> invoke(Context ctx, Props args) {
            validate(args, "source");
            try (Session s = ctx.open(args, "source")) {
                Map<String, Object> out = new LinkedHashMap<>();
                var vars = s.query("SELECT @@server_id AS server_id, @@binlog_format AS binlog_format, @@log_bin AS log_bin, VERSION() AS version");
                var row = vars.get(0);
                boolean logBin = "1".equals(row.get("log_bin")) || "ON".equalsIgnoreCase(row.get("log_bin"));
                // chosen by the server's version: SHOW MASTER STATUS is a syntax error on MySQL 8.4 and 9.x
                var st = logBin ? s.query(SnapshotSql.binlogStatus(s.server())) : List.<Map<String, String>>of();
                out.put("binlogFile", st.isEmpty() ? "" : st.get(0).get("File"));
                out.put("binlogPosition", st.isEmpty() ? 0.0 : Double.parseDouble(st.get(0).get("Position")));
                // MySQL: the GTID set of the same row (Executed_Gtid_Set) so coordinates and set agree; MariaDB:
                // @@gtid_binlog_pos, the last GTID per domain written to the binlog
                String gtid = s.server().isMariadb() ? s.queryString("SELECT @@GLOBAL.gtid_binlog_pos")
                        : !st.isEmpty() ? st.get(0).get("Executed_Gtid_Set") : s.queryString("SELECT @@GLOBAL.gtid_executed");
                out.put("gtid", SnapshotSql.gtidSet(gtid));
                out.put("serverId", Double.parseDouble(row.get("server_id")));
                out.put("binlogFormat", row.get("binlog_format"));
                out.put("logBin", logBin);
                out.put("version", row.get("version"));
                return out;
            }
        }
    }

    static final class ReplicaStatusFn implements Function {
        @Override
        public String token() {
            return "rdsreplication:index:getReplicaStatus";
        }

        @Override
        public Map<String, Object> invoke(Context ctx, Props args) {
            validate(args, "replica");
            try (Session s = ctx.open(args, "replica")) {
                ReplicaStatus st = Replication.status(s);
                Map<String, Object> out = new LinkedHashMap<>(st.outputs());
                out.put("configured", st.configured());
                out.put("sourceHost", st.sourceHost());
                out.put("sourcePort", st.sourcePort() == null ? null : st.sourcePort().doubleValue());
                out.put("sourceUser", st.sourceUser());
                out.put("usingGtid", st.usingGtid());
                out.put("delaySeconds", st.delaySeconds() == null ? null : st.delaySeconds().doubleValue());
                out.put("lastIoErrno", (double) st.lastIoErrno());
                out.put("lastSqlErrno", (double) st.lastSqlErrno());
                return out;
            }
        }
    }

    static final class InstanceEndpoint implements Function {
        @Override
        public String token() {
            return "rdsreplication:index:getInstanceEndpoint";
        }

        @Override
        public Map<String, Object> invoke(Context ctx, Props args) {
            String id = args.string("dbInstanceIdentifier");
            if (id == null || !id.matches("[A-Za-z][A-Za-z0-9-]{0,62}")) {
                throw new ProviderException.InvalidInput("dbInstanceIdentifier", "must be 1-63 letters, digits or hyphens, starting with a letter");
            }
            var inst = Instances.describe(ctx.aws().rds(), id);
            Map<String, Object> out = new LinkedHashMap<>();
            String address = inst.endpoint() == null || inst.endpoint().address() == null ? "" : inst.endpoint().address();
            out.put("address", address);
            Integer port = inst.endpoint() != null && inst.endpoint().port() != null ? inst.endpoint().port() : inst.dbInstancePort();
            out.put("port", port == null ? 3306.0 : port.doubleValue());
            out.put("ips", new ArrayList<Object>(Instances.resolve(address)));
            List<Object> sgs = new ArrayList<>();
            if (inst.hasVpcSecurityGroups()) inst.vpcSecurityGroups().forEach(g -> sgs.add(g.vpcSecurityGroupId()));
            out.put("securityGroupIds", sgs);
            out.put("backupRetentionPeriod", inst.backupRetentionPeriod() == null ? 0.0 : inst.backupRetentionPeriod().doubleValue());
            out.put("engine", inst.engine());
            out.put("engineVersion", inst.engineVersion());
            out.put("multiAz", Boolean.TRUE.equals(inst.multiAZ()));
            out.put("readReplicaSourceDbInstanceIdentifier", inst.readReplicaSourceDBInstanceIdentifier() == null ? "" : inst.readReplicaSourceDBInstanceIdentifier());
            return out;
        }
    }
}
