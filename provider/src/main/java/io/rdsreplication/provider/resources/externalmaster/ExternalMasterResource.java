package io.rdsreplication.provider.resources.externalmaster;

import io.rdsreplication.provider.aws.Instances;
import io.rdsreplication.provider.core.CheckFailure;
import io.rdsreplication.provider.core.Context;
import io.rdsreplication.provider.core.DiffResult;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.Props;
import io.rdsreplication.provider.core.Resource;
import io.rdsreplication.provider.core.Unknown;
import io.rdsreplication.provider.mysql.ConnectionSpec;
import io.rdsreplication.provider.mysql.ReplicaStatus;
import io.rdsreplication.provider.mysql.Replication;
import io.rdsreplication.provider.mysql.ServerInfo;
import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.mysql.SqlErrors;
import io.rdsreplication.provider.mysql.Validation;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** rdsreplication:index:ExternalMaster — points the RDS instance at the external source. */
public final class ExternalMasterResource implements Resource {
    public static final String TOKEN = "rdsreplication:index:ExternalMaster";
    static final List<String> POSITION = List.of("binlogFile", "binlogPosition", "gtid", "autoPosition");
    /** Compared by Diff and changed in place. dbInstanceIdentifier only drives the create-time preflight. */
    static final List<String> IN_PLACE = List.of("sourceHost", "sourcePort", "replicationUser", "replicationPassword",
            "sslEncryption", "delaySeconds", "replica");

    @Override
    public String token() {
        return TOKEN;
    }

    @Override
    public CheckResult check(Props olds, Props news) {
        List<CheckFailure> f = new ArrayList<>();
        Map<String, Object> in = news.copy();
        if (news.object("replica") != null) f.addAll(ConnectionSpec.validate(news.object("replica")));
        if (!news.isUnknown("sourceHost")) {
            String h = news.string("sourceHost");
            if (h == null || h.isEmpty()) f.add(new CheckFailure("sourceHost", "is required: the source's IP address or public DNS name"));
            else if (Validation.isEc2PrivateDns(h)) {
                f.add(new CheckFailure("sourceHost", "is an EC2 private DNS name, which RDS does not support: use the source's IP address or a public DNS name"));
            } else if (!Validation.isHostName(h)) f.add(new CheckFailure("sourceHost", "must be a host name or IP address, got " + Validation.show(h)));
        }
        if (!news.isUnknown("sourcePort")) {
            int p = news.integer("sourcePort", 3306);
            if (p < 1 || p > 65535) f.add(new CheckFailure("sourcePort", "must be between 1 and 65535, got " + p));
            in.put("sourcePort", (double) p);
        }
        if (!news.isUnknown("replicationUser")) {
            String u = news.string("replicationUser");
            if (u == null || u.isEmpty()) f.add(new CheckFailure("replicationUser", "is required"));
            else if (u.indexOf('\0') >= 0) f.add(new CheckFailure("replicationUser", "must not contain NUL bytes"));
            else if (u.length() > 80) f.add(new CheckFailure("replicationUser", "must be at most 80 characters"));
        }
        if (!news.isUnknown("replicationPassword")) {
            String p = news.string("replicationPassword");
            if (p == null || p.isEmpty()) f.add(new CheckFailure("replicationPassword", "is required"));
            else if (p.indexOf('\0') >= 0) f.add(new CheckFailure("replicationPassword", "must not contain NUL bytes"));
        }
        boolean anyUnknown = POSITION.stream().anyMatch(news::isUnknown);
        boolean file = news.has("binlogFile") || news.has("binlogPosition");
        boolean gtid = news.has("gtid");
        boolean auto = news.bool("autoPosition", false) && !news.isUnknown("autoPosition");
        int kinds = (file ? 1 : 0) + (gtid ? 1 : 0) + (auto ? 1 : 0);
        if (!anyUnknown && kinds != 1) {
            f.add(new CheckFailure(kinds == 0 ? "binlogFile" : (gtid ? "gtid" : "autoPosition"),
                    "give exactly one starting position: binlogFile with binlogPosition, or gtid (MariaDB), or autoPosition (MySQL)"));
        }
        if (file && !anyUnknown) {
            if (!news.has("binlogFile")) f.add(new CheckFailure("binlogFile", "is required with binlogPosition"));
            else if (!Validation.isBinlogFile(news.string("binlogFile"))) {
                f.add(new CheckFailure("binlogFile", "must be a binlog file name like mysql-bin.000031, got " + Validation.show(news.string("binlogFile"))));
            }
            if (!news.has("binlogPosition")) f.add(new CheckFailure("binlogPosition", "is required with binlogFile"));
            else if (news.longValue("binlogPosition") < 4) f.add(new CheckFailure("binlogPosition", "must be at least 4"));
        }
        if (gtid && !news.isUnknown("gtid") && !Validation.isMariadbGtid(news.string("gtid"))) {
            f.add(new CheckFailure("gtid", "must be a MariaDB GTID position like 0-1-1728 (domain-server-sequence, comma-separated), got "
                    + Validation.show(news.string("gtid"))));
        }
        if (!news.isUnknown("delaySeconds") && news.has("delaySeconds")) {
            int d = news.integer("delaySeconds");
            if (d < 0 || d > 86400) f.add(new CheckFailure("delaySeconds", "must be between 0 and 86400, got " + d));
            else if (d > 0 && gtid) f.add(new CheckFailure("delaySeconds", "RDS for MariaDB (gtid) does not support delayed replication"));
        }
        if (!news.isUnknown("sslEncryption")) in.put("sslEncryption", news.bool("sslEncryption", false));
        if (news.known("dbInstanceIdentifier") && !news.string("dbInstanceIdentifier").matches("[A-Za-z][A-Za-z0-9-]{0,62}")) {
            f.add(new CheckFailure("dbInstanceIdentifier", "must be 1-63 letters, digits or hyphens, starting with a letter"));
        }
        return new CheckResult(in, f);
    }

    @Override
    public DiffResult diff(String id, Props olds, Props news) {
        boolean imported = POSITION.stream().noneMatch(olds::has);
        // an imported configuration: its starting position is unknown, and so is its password when the state has
        // none; the program's are taken as current
        List<String> keys = imported && !olds.has("replicationPassword")
                ? IN_PLACE.stream().filter(k -> !k.equals("replicationPassword")).toList() : IN_PLACE;
        DiffResult.Builder b = DiffResult.compare(olds, news, keys, Set.of());
        if (!imported) DiffResult.compare(olds, news, POSITION, Set.copyOf(POSITION)).build().detailed().forEach(b::put);
        return b.deleteBeforeReplace(true).build();
    }

    static Procedures.Settings settings(Props in, String file, Long pos, String gtid) {
        return new Procedures.Settings(in.string("sourceHost"), in.integer("sourcePort", 3306), in.string("replicationUser"),
                in.string("replicationPassword"), file, pos, gtid, in.bool("autoPosition", false),
                in.bool("sslEncryption", false), in.integer("delaySeconds"));
    }

    @Override
    public CreateResult create(Context ctx, Props in, boolean preview) {
        Map<String, Object> out = in.copy();
        if (preview) {
            for (String k : List.of("procedure", "engineFlavor", "engineVersion")) out.put(k, Unknown.VALUE);
            return new CreateResult("", out);
        }
        if (in.has("dbInstanceIdentifier")) preflight(ctx, in.string("dbInstanceIdentifier"));
        try (Session s = ctx.open(in, "replica")) {
            s.addSecret(in.string("replicationPassword"));
            ServerInfo v = EngineOverride.apply(s.server());
            Procedures.Call call = Procedures.setExternal(v, settings(in, in.string("binlogFile"), in.longValue("binlogPosition"), in.string("gtid")));
            ReplicaStatus st = Replication.status(s);
            if (st.configured()) {
                throw new ProviderException.Precondition("the RDS instance at " + s.spec().address() + " already replicates from "
                        + st.sourceHost() + ":" + st.sourcePort() + " as " + st.sourceUser() + "; to manage that configuration, import it: "
                        + "pulumi import " + TOKEN + " <name> '" + s.spec().address() + "'; or reset it with CALL "
                        + Procedures.reset(v) + "()");
            }
            invoke(s, call);
            out.put("procedure", call.procedure().substring("mysql.".length()));
            out.put("engineFlavor", v.flavor().label());
            out.put("engineVersion", v.version());
            return new CreateResult(s.spec().address() + "/" + nonce(), out);
        }
    }

    private static void invoke(Session s, Procedures.Call call) {
        try {
            s.call(call.procedure(), call.args().toArray());
        } catch (SqlErrors.SqlFailure e) {
            if (e.getMessage().contains("replication is running")) {
                throw new ProviderException.Precondition("the RDS instance refused to re-point replication while it runs: "
                        + "stop it first (CALL mysql.rds_stop_replication, or remove the ReplicationStart resource) and run pulumi up again");
            }
            if (e.code() == SqlErrors.SP_DOES_NOT_EXIST) {
                throw new ProviderException.Precondition(call.procedure() + " does not exist on the RDS instance at "
                        + s.spec().address() + " (" + s.server().version() + "): is this an Amazon RDS for MySQL/MariaDB instance?");
            }
            if (e.getMessage().contains("Read Replica")) {
                throw new ProviderException.Precondition("the instance is an RDS read replica and cannot replicate from an external source: "
                        + "promote it first");
            }
            throw e;
        }
    }

    private static String nonce() {
        byte[] b = new byte[4];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The runbook's guidelines, checked through the RDS API. */
    static void preflight(Context ctx, String dbId) {
        var inst = Instances.describe(ctx.aws().rds(), dbId);
        List<String> problems = new ArrayList<>();
        if (inst.backupRetentionPeriod() == null || inst.backupRetentionPeriod() == 0) {
            problems.add("automated backups are off (BackupRetentionPeriod is 0): turn them on so the replica can be restored "
                    + "to a point in time if it must be re-synchronised");
        }
        if (inst.readReplicaSourceDBInstanceIdentifier() != null && !inst.readReplicaSourceDBInstanceIdentifier().isEmpty()) {
            problems.add("it is an RDS read replica of " + inst.readReplicaSourceDBInstanceIdentifier() + ": promote it first");
        }
        if (inst.dbClusterIdentifier() != null && !inst.dbClusterIdentifier().isEmpty()) {
            problems.add("it belongs to DB cluster " + inst.dbClusterIdentifier()
                    + ": replication for Multi-AZ DB clusters is managed exclusively by RDS");
        }
        String engine = inst.engine() == null ? "" : inst.engine();
        if (!engine.isEmpty() && !engine.equals("mysql") && !engine.equals("mariadb")) {
            problems.add("its engine is " + engine + ", not mysql or mariadb");
        }
        if (!problems.isEmpty()) {
            throw new ProviderException.Precondition("DB instance " + dbId + " is not ready for external replication: "
                    + String.join("; ", problems));
        }
    }

    @Override
    public ReadResult read(Context ctx, String id, Props state, Props inputs) {
        Props conn = inputs.has("replica") ? inputs : state;
        try (Session s = ctx.open(conn, "replica")) {
            ReplicaStatus st = Replication.status(s);
            if (!st.configured()) return ReadResult.gone();
            ServerInfo v = EngineOverride.apply(s.server());
            Map<String, Object> in = inputs.copy();
            in.put("sourceHost", st.sourceHost());
            if (st.sourcePort() != null) in.put("sourcePort", (double) st.sourcePort());
            in.put("replicationUser", st.sourceUser());
            in.put("sslEncryption", st.sslAllowed());
            if (st.delaySeconds() != null && (st.delaySeconds() > 0 || in.get("delaySeconds") != null)) {
                in.put("delaySeconds", (double) st.delaySeconds());
            }
            if (!in.containsKey("replicationPassword") && state.has("replicationPassword")) {
                in.put("replicationPassword", state.raw("replicationPassword"));
            }
            Map<String, Object> out = state.copy();
            out.putAll(in);
            out.put("engineFlavor", v.flavor().label());
            out.put("engineVersion", v.version());
            if (!out.containsKey("procedure")) out.put("procedure", "");
            return new ReadResult(id, out, in);
        }
    }

    @Override
    public Map<String, Object> update(Context ctx, String id, Props olds, Props news, boolean preview) {
        Map<String, Object> out = olds.copy();
        out.putAll(news.asMap());
        if (preview) return out;
        try (Session s = ctx.open(news, "replica")) {
            s.addSecret(news.string("replicationPassword"));
            s.addSecret(olds.string("replicationPassword"));
            ServerInfo v = EngineOverride.apply(s.server());
            ReplicaStatus before = Replication.status(s);
            if (!before.configured()) {
                throw new ProviderException.Precondition("replication is no longer configured on " + s.spec().address()
                        + "; run pulumi refresh, then pulumi up to configure it again");
            }
            boolean wasRunning = before.ioRunning() || before.sqlRunning();
            if (wasRunning) s.call("mysql.rds_stop_replication");
            // Re-point from what the replica has already applied, never from the original coordinates.
            ReplicaStatus stopped = Replication.status(s);
            String file = null;
            Long pos = null;
            String gtid = null;
            if (news.has("gtid")) {
                gtid = s.queryString("SELECT @@gtid_slave_pos");
            } else if (!news.bool("autoPosition", false)) {
                file = stopped.appliedFile();
                pos = stopped.appliedPosition();
            }
            Procedures.Call call = Procedures.setExternal(v, settings(news, file, pos, gtid));
            try {
                invoke(s, call);
            } finally {
                if (wasRunning) {
                    try {
                        s.call("mysql.rds_start_replication");
                    } catch (SqlErrors.SqlFailure e) {
                        ctx.progress().warn("replication was re-pointed but did not restart cleanly: " + e.getMessage()
                                + "; the ReplicationStart resource reports why");
                    }
                }
            }
            ctx.progress().info("re-pointed replication from " + (gtid != null ? "GTID " + gtid : file != null ? file + ":" + pos : "auto-position"));
            out.put("procedure", call.procedure().substring("mysql.".length()));
            out.put("engineFlavor", v.flavor().label());
            out.put("engineVersion", v.version());
        }
        return out;
    }

    @Override
    public void delete(Context ctx, String id, Props state) {
        try (Session s = ctx.open(state, "replica")) {
            ServerInfo v = EngineOverride.apply(s.server());
            if (!Replication.status(s).configured()) return;
            try {
                s.call(Procedures.reset(v));
            } catch (SqlErrors.SqlFailure e) {
                if (!e.getMessage().contains("isn't configured")) throw e;
            }
        }
    }
}
