package io.rdsreplication.provider.resources.externalmaster;

import io.rdsreplication.provider.aws.Instances;
import io.rdsreplication.provider.core.CheckFailure;
import io.rdsreplication.provider.core.Context;
import io.rdsreplication.provider.core.DiffResult;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.Props;
import io.rdsreplication.provider.core.Resource;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.core.Unknown;
import io.rdsreplication.provider.mysql.ConnectionSpec;
import io.rdsreplication.provider.mysql.ReplicaStatus;
import io.rdsreplication.provider.mysql.Replication;
import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.mysql.SqlErrors;
import io.rdsreplication.provider.mysql.Validation;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * rdsreplication:index:ExternalMaster — points the RDS instance at the external source.
 *
 * <p>Starting positions ({@code binlogFile}/{@code binlogPosition}, {@code gtid}, {@code autoPosition}) say where
 * replication begins when it is first configured, and nothing more: once the replica runs, it continues from
 * what it has applied, so a later change of those values (a {@code getSourceStatus} fed straight in moves after
 * every write on the source) never re-points it — re-pointing there would skip every event the replica had not
 * applied yet. A genuinely new starting point is a new copy of the data: a change of {@code snapshotId} replaces
 * the resource and re-points at the new coordinates. A change of the kind of position (file, GTID, auto-position)
 * and every connection setting re-point in place, from the position the replica has applied.
 */
public final class ExternalMasterResource implements Resource {
    public static final String TOKEN = "rdsreplication:index:ExternalMaster";
    static final List<String> POSITION = List.of("binlogFile", "binlogPosition", "gtid", "autoPosition");
    /** Re-point in place (from the applied position). */
    static final List<String> SOURCE = List.of("sourceHost", "sourcePort", "replicationUser", "replicationPassword", "sslEncryption");
    static final int MYSQL_MAX_PASSWORD = 32;

    @Override
    public String token() {
        return TOKEN;
    }

    /** The kind of starting position the inputs give: "file", "gtid" (MariaDB), "auto" (MySQL), or null. */
    static String kind(Props p) {
        String g = p.isUnknown("gtid") ? null : p.string("gtid");
        if (g != null && !Validation.isMariadbGtid(g)) return "auto";
        if (g != null) return "gtid";
        if (!p.isUnknown("autoPosition") && p.bool("autoPosition", false)) return "auto";
        if (p.has("binlogFile") || p.has("binlogPosition")) return "file";
        return null;
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
        boolean anyUnknown = POSITION.stream().anyMatch(news::isUnknown);
        String kind = anyUnknown ? null : kind(news);
        if (!news.isUnknown("replicationPassword")) {
            String p = news.string("replicationPassword");
            if (p == null || p.isEmpty()) f.add(new CheckFailure("replicationPassword", "is required"));
            else if (p.indexOf('\0') >= 0) f.add(new CheckFailure("replicationPassword", "must not contain NUL bytes"));
            else if (!p.equals(p.strip())) {
                f.add(new CheckFailure("replicationPassword", "must not begin or end with white space: RDS trims it, so the replica would log in with another password"));
            } else if ("auto".equals(kind) && p.length() > MYSQL_MAX_PASSWORD) {
                f.add(new CheckFailure("replicationPassword", "is " + p.length() + " characters; MySQL refuses replication passwords over "
                        + MYSQL_MAX_PASSWORD + " (error 3056): use a shorter one"));
            }
        }
        if (!anyUnknown) {
            boolean file = news.has("binlogFile") || news.has("binlogPosition");
            boolean gtid = news.has("gtid");
            boolean auto = news.bool("autoPosition", false);
            boolean mysqlGtid = gtid && !Validation.isMariadbGtid(news.string("gtid"));
            int kinds = (file ? 1 : 0) + (gtid ? 1 : 0) + (auto && !mysqlGtid ? 1 : 0);
            if (kinds != 1) {
                f.add(new CheckFailure(kinds == 0 ? "binlogFile" : (gtid ? "gtid" : "autoPosition"),
                        "give exactly one starting position: binlogFile with binlogPosition, or gtid (a MariaDB GTID position, "
                                + "or the MySQL GTID set a copy holds, with auto-positioning), or autoPosition (MySQL)"));
            }
            if (file) {
                if (!news.has("binlogFile")) f.add(new CheckFailure("binlogFile", "is required with binlogPosition"));
                else if (!Validation.isBinlogFile(news.string("binlogFile"))) {
                    f.add(new CheckFailure("binlogFile", "must be a binlog file name like mysql-bin.000031, got " + Validation.show(news.string("binlogFile"))));
                }
                if (!news.has("binlogPosition")) f.add(new CheckFailure("binlogPosition", "is required with binlogFile"));
                else if (news.longValue("binlogPosition") < 4) f.add(new CheckFailure("binlogPosition", "must be at least 4"));
            }
            if (gtid && !Validation.isGtid(news.string("gtid"))) {
                f.add(new CheckFailure("gtid", "must be a MariaDB GTID position like 0-1-1728 (domain-server-sequence, comma-separated) "
                        + "or a MySQL GTID set like 3E11FA47-71CA-11E1-9E33-C80AA9429562:1-23, got " + Validation.show(news.string("gtid"))));
            }
            if (mysqlGtid && news.has("autoPosition") && !auto) {
                f.add(new CheckFailure("autoPosition", "a MySQL GTID set in gtid starts GTID auto-positioning: leave autoPosition unset or true"));
            }
        }
        if (!news.isUnknown("delaySeconds") && news.has("delaySeconds")) {
            int d = news.integer("delaySeconds");
            if (d < 0 || d > 86400) f.add(new CheckFailure("delaySeconds", "must be between 0 and 86400, got " + d));
        }
        if (!news.isUnknown("sslEncryption")) in.put("sslEncryption", news.bool("sslEncryption", false));
        if (news.known("dbInstanceIdentifier") && !news.string("dbInstanceIdentifier").matches("[A-Za-z][A-Za-z0-9-]{0,62}")) {
            f.add(new CheckFailure("dbInstanceIdentifier", "must be 1-63 letters, digits or hyphens, starting with a letter"));
        }
        if (!news.isUnknown("snapshotId") && news.has("snapshotId") && news.string("snapshotId").isEmpty()) {
            f.add(new CheckFailure("snapshotId", "must not be empty: leave it unset, or give the id of the SourceSnapshot that loaded the data"));
        }
        return new CheckResult(in, f);
    }

    @Override
    public DiffResult diff(String id, Props olds, Props news) {
        boolean imported = POSITION.stream().noneMatch(olds::has);
        // an imported configuration: its starting position is unknown, and so is its password when the state has
        // none; the program's are taken as current
        List<String> keys = new ArrayList<>(SOURCE);
        keys.add("delaySeconds");
        if (imported && !olds.has("replicationPassword")) keys.remove("replicationPassword");
        DiffResult.Builder b = DiffResult.compare(olds, news, keys, Set.of());
        // the RDS instance itself: another server is another resource; its credentials are only how we log in
        b.connection("replica", olds, news);
        if (!imported) {
            boolean unknownPosition = POSITION.stream().anyMatch(k -> news.containsUnknown(k));
            String was = kind(olds);
            String now = unknownPosition ? null : kind(news);
            // a new kind of position (file <-> GTID <-> auto-position) re-points in place from the applied position;
            // new values of the same kind are not a new starting point (see the class comment)
            if (!unknownPosition && !Objects.equals(was, now)) {
                for (String k : POSITION) {
                    if (!DiffResult.equalValues(olds.raw(k), news.raw(k))) b.put(k, DiffResult.Kind.UPDATE);
                }
            }
            Object oldSnap = Secret.unwrap(olds.raw("snapshotId"));
            Object newSnap = Secret.unwrap(news.raw("snapshotId"));
            if (oldSnap != null && (newSnap == Unknown.VALUE || newSnap != null && !oldSnap.equals(newSnap))) {
                b.put("snapshotId", DiffResult.Kind.UPDATE_REPLACE);
            } else if (!Objects.equals(oldSnap, newSnap)) {
                b.put("snapshotId", DiffResult.Kind.UPDATE); // adopted or dropped: recorded, nothing re-points
            }
        }
        return b.deleteBeforeReplace(true).build();
    }

    static Procedures.Settings settings(Props in, String kind, String file, Long pos, String gtid, String gtidSet) {
        return new Procedures.Settings(in.string("sourceHost"), in.integer("sourcePort", 3306), in.string("replicationUser"),
                in.string("replicationPassword"), file, pos, gtid, "auto".equals(kind), gtidSet,
                in.bool("sslEncryption", false), in.integer("delaySeconds", 0));
    }

    /** The settings of the program's own starting position (used on create). */
    static Procedures.Settings initialSettings(Props in) {
        String kind = kind(in);
        String g = in.string("gtid");
        return settings(in, kind, in.string("binlogFile"), in.longValue("binlogPosition"),
                "gtid".equals(kind) ? g : null, "auto".equals(kind) ? g : null);
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
            Procedures.Engine engine = engine(s);
            Procedures.Settings settings = initialSettings(in);
            Procedures.Plan plan = validate(engine, settings);
            ReplicaStatus st = Replication.status(s);
            if (st.configured()) {
                throw new ProviderException.Precondition("the RDS instance at " + s.spec().address() + " already replicates from "
                        + st.sourceHost() + ":" + st.sourcePort() + " as " + st.sourceUser() + "; to manage that configuration, import it: "
                        + "pulumi import " + TOKEN + " <name> '" + s.spec().address() + "'; or reset it with CALL "
                        + Procedures.reset(engine) + "()");
            }
            apply(ctx, s, engine, plan, settings);
            out.put("procedure", plan.main().name());
            out.put("engineFlavor", s.server().flavor().label());
            out.put("engineVersion", s.server().version());
            return new CreateResult(s.spec().address() + "/" + nonce(), out);
        }
    }

    public static Procedures.Engine engine(Session s) {
        return new Procedures.Engine(s.server(), Replication.procedures(s));
    }

    /** Everything that can be refused without changing anything: the procedure plan and MySQL's password limit. */
    static Procedures.Plan validate(Procedures.Engine engine, Procedures.Settings settings) {
        Procedures.Plan plan = Procedures.plan(engine, settings);
        if (engine.server().isMysql() && settings.password() != null && settings.password().length() > MYSQL_MAX_PASSWORD) {
            throw new ProviderException.InvalidInput("replicationPassword", "is " + settings.password().length()
                    + " characters; the RDS instance runs MySQL " + engine.server().version() + ", which refuses replication passwords over "
                    + MYSQL_MAX_PASSWORD + " (error 3056): use a shorter one");
        }
        if (settings.gtidSet() != null) Procedures.gtidPurged(settings.gtidSet()); // refuses tagged GTIDs early
        return plan;
    }

    /** Runs the plan, then compares the replica's status with what was asked. */
    static void apply(Context ctx, Session s, Procedures.Engine engine, Procedures.Plan plan, Procedures.Settings asked) {
        if (plan.gtidPurged()) {
            // only what the replica does not have yet: a second run, or a replica with its own GTIDs, adds nothing twice
            String missing = s.queryString("SELECT GTID_SUBTRACT(?, @@GLOBAL.gtid_executed)", asked.gtidSet());
            for (Procedures.Call c : Procedures.gtidPurged(missing)) invoke(s, c);
            if (missing != null && !missing.isBlank()) ctx.progress().info("recorded the copy's GTIDs " + missing + " as purged on the replica");
        }
        invoke(s, plan.main());
        ReplicaStatus st = Replication.status(s);
        int delay = asked.delaySeconds();
        if (plan.delayAfter() && (st.delaySeconds() == null ? 0 : st.delaySeconds()) != delay) {
            if (!engine.has("rds_set_source_delay")) {
                throw new ProviderException.Precondition("the RDS instance keeps a replication delay of " + st.delaySeconds()
                        + " s and has no mysql.rds_set_source_delay to change it to " + delay + " s");
            }
            invoke(s, new Procedures.Call(plan.delayProcedure(), delay));
            st = Replication.status(s);
        }
        verify(s, st, plan.main(), asked);
    }

    /** A procedure that reports failure as a result row (old RDS bodies) is still caught here. */
    static void verify(Session s, ReplicaStatus st, Procedures.Call call, Procedures.Settings asked) {
        List<String> wrong = new ArrayList<>();
        if (!st.configured()) wrong.add("no source is configured");
        else {
            if (!asked.host().equalsIgnoreCase(st.sourceHost())) wrong.add("source host " + st.sourceHost() + " (asked " + asked.host() + ")");
            if (st.sourcePort() != null && st.sourcePort() != asked.port()) wrong.add("source port " + st.sourcePort() + " (asked " + asked.port() + ")");
            if (!asked.user().equals(st.sourceUser())) wrong.add("replication user " + st.sourceUser() + " (asked " + asked.user() + ")");
            int delay = st.delaySeconds() == null ? 0 : st.delaySeconds();
            if (st.delaySeconds() != null && delay != asked.delaySeconds()) wrong.add("delay " + delay + " s (asked " + asked.delaySeconds() + " s)");
            if (asked.binlogFile() != null && (!asked.binlogFile().equals(st.appliedFile())
                    || !Objects.equals(asked.binlogPosition(), st.appliedPosition()))) {
                wrong.add("position " + st.appliedFile() + ":" + st.appliedPosition() + " (asked " + asked.binlogFile() + ":" + asked.binlogPosition() + ")");
            }
            if (asked.autoPosition() && !st.autoPosition()) wrong.add("auto-positioning off (asked on)");
            if (asked.gtid() != null) {
                if (!"slave_pos".equalsIgnoreCase(st.usingGtid())) wrong.add("Using_Gtid " + st.usingGtid() + " (asked Slave_Pos)");
                String pos = s.queryString("SELECT @@GLOBAL.gtid_slave_pos");
                if (!sameGtidPositions(asked.gtid(), pos)) wrong.add("GTID position " + pos + " (asked " + asked.gtid() + ")");
            }
        }
        if (!wrong.isEmpty()) {
            throw new ProviderException.Precondition("the RDS instance at " + s.spec().address() + " accepted CALL " + call.procedure()
                    + " but its replica status shows " + String.join(", ", wrong) + "; read it with getReplicaStatus and the mysql.rds_history table");
        }
    }

    static boolean sameGtidPositions(String a, String b) {
        if (b == null) return false;
        return Set.of(a.replace(" ", "").split(",")).equals(Set.of(b.replace(" ", "").split(",")));
    }

    /** One procedure call, with RDS's refusals turned into what to do. */
    static void invoke(Session s, Procedures.Call call) {
        try {
            s.call(call.procedure(), call.args().toArray());
        } catch (SqlErrors.SqlFailure e) {
            if (e.code() == SqlErrors.SP_DOES_NOT_EXIST) {
                throw new ProviderException.Precondition(call.procedure() + " does not exist on the RDS instance at "
                        + s.spec().address() + " (" + s.server().version() + "): is this an Amazon RDS for MySQL/MariaDB instance?");
            }
            if (!Replication.isRefusal(e)) throw e;
            String rds = e.getMessage();
            throw new ProviderException.Precondition(switch (Replication.Refusal.of(e)) {
                case RUNNING -> "the RDS instance refused " + call.name() + " because replication is running (" + rds
                        + "): stop it first (CALL mysql.rds_stop_replication, or remove the ReplicationStart resource) and run pulumi up again";
                case READ_REPLICA -> "the instance is an RDS read replica and cannot replicate from an external source: promote it first (" + rds + ")";
                case MULTI_AZ_CLUSTER -> "replication of a Multi-AZ DB cluster is managed by RDS; use a DB instance (" + rds + ")";
                default -> "the RDS instance refused " + call.name() + ": " + rds;
            }, e);
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
            out.put("engineFlavor", s.server().flavor().label());
            out.put("engineVersion", s.server().version());
            if (!out.containsKey("procedure")) out.put("procedure", "");
            return new ReadResult(id, out, in);
        }
    }

    @Override
    public Map<String, Object> update(Context ctx, String id, Props olds, Props news, boolean preview) {
        // inputs removed from the program leave the state too (a cleared delay is no delay)
        Map<String, Object> out = news.copy();
        for (String k : List.of("procedure", "engineFlavor", "engineVersion")) out.put(k, olds.raw(k));
        // the starting position stays the one replication began from (see the class comment)
        String newKind = kind(news);
        if (Objects.equals(kind(olds), newKind)) {
            for (String k : POSITION) out.put(k, olds.raw(k));
        }
        if (preview) return out;
        List<String> changed = new ArrayList<>();
        for (String k : SOURCE) if (!DiffResult.equalValues(olds.raw(k), news.raw(k))) changed.add(k);
        boolean delayChanged = news.integer("delaySeconds", 0) != olds.integer("delaySeconds", 0);
        boolean kindChanged = !Objects.equals(kind(olds), newKind) && kind(olds) != null;
        if (changed.isEmpty() && !delayChanged && !kindChanged) return out; // snapshotId adopted, or replica credentials: no SQL
        try (Session s = ctx.open(news, "replica")) {
            s.addSecret(news.string("replicationPassword"));
            s.addSecret(olds.string("replicationPassword"));
            Procedures.Engine engine = engine(s);
            // refuse what the engine cannot do before anything is stopped
            Procedures.Settings probe = settings(news, newKind, "placeholder.000001", 4L,
                    "gtid".equals(newKind) ? "0-0-0" : null, null);
            Procedures.Plan plan = validate(engine, probe);
            ReplicaStatus before = Replication.status(s);
            if (!before.configured()) {
                throw new ProviderException.Precondition("replication is no longer configured on " + s.spec().address()
                        + "; run pulumi refresh, then pulumi up to configure it again");
            }
            boolean wasRunning = Replication.stop(s);
            String what;
            try {
                if (changed.isEmpty() && !kindChanged && engine.has("rds_set_source_delay")) {
                    int d = news.integer("delaySeconds", 0);
                    invoke(s, new Procedures.Call("mysql.rds_set_source_delay", d));
                    ReplicaStatus st = Replication.status(s);
                    if (st.delaySeconds() != null && st.delaySeconds() != d) {
                        throw new ProviderException.Precondition("the RDS instance accepted rds_set_source_delay(" + d
                                + ") but its replica status shows a delay of " + st.delaySeconds() + " s");
                    }
                    what = "set the replication delay to " + d + " s";
                } else {
                    // re-point from what the replica has already applied, never from the original coordinates
                    ReplicaStatus stopped = Replication.status(s);
                    Procedures.Settings settings;
                    if ("gtid".equals(newKind)) {
                        String gtid = s.queryString("SELECT @@GLOBAL.gtid_slave_pos");
                        settings = settings(news, newKind, null, null, gtid, null);
                        what = "re-pointed replication from GTID " + gtid;
                    } else if ("auto".equals(newKind)) {
                        settings = settings(news, newKind, null, null, null, null);
                        what = "re-pointed replication with GTID auto-positioning";
                    } else {
                        if (stopped.appliedFile().isEmpty() || stopped.appliedPosition() == null) {
                            throw new ProviderException.Precondition("the replica on " + s.spec().address()
                                    + " reports no applied position to re-point from; nothing was changed");
                        }
                        settings = settings(news, newKind, stopped.appliedFile(), stopped.appliedPosition(), null, null);
                        what = "re-pointed replication from " + stopped.appliedFile() + ":" + stopped.appliedPosition();
                    }
                    plan = Procedures.plan(engine, settings);
                    apply(ctx, s, engine, plan, settings);
                    out.put("procedure", plan.main().name());
                }
            } finally {
                if (wasRunning) restart(ctx, s);
            }
            ctx.progress().info(what + (wasRunning ? ", replication restarted" : ""));
            out.put("engineFlavor", s.server().flavor().label());
            out.put("engineVersion", s.server().version());
        }
        return out;
    }

    private static void restart(Context ctx, Session s) {
        try {
            s.call("mysql.rds_start_replication");
        } catch (SqlErrors.SqlFailure e) {
            ctx.progress().warn("replication was re-pointed but did not restart cleanly (" + e.getMessage()
                    + "); the ReplicationStart resource reports why on the next refresh");
        }
    }

    @Override
    public void delete(Context ctx, String id, Props state) {
        try (Session s = ctx.open(state, "replica")) {
            if (!Replication.status(s).configured()) return;
            try {
                // RDS's reset stops replication itself when it runs or is half-running
                s.call(Procedures.reset(engine(s)));
            } catch (SqlErrors.SqlFailure e) {
                if (!Replication.isRefusal(e) || Replication.Refusal.of(e) != Replication.Refusal.NOT_CONFIGURED) throw e;
            }
        }
    }
}
