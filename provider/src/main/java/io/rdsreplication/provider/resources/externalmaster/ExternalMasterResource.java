package io.rdsreplication.provider.resources.externalmaster;

import io.rdsreplication.provider.aws.Instances;
import io.rdsreplication.provider.core.Changes;
import io.rdsreplication.provider.core.Check;
import io.rdsreplication.provider.core.DiffResult;
import io.rdsreplication.provider.core.Inputs;
import io.rdsreplication.provider.core.Prop;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.SchemaType;
import io.rdsreplication.provider.core.TypedResource;
import io.rdsreplication.provider.mysql.Channel;
import io.rdsreplication.provider.mysql.ReplicaStatus;
import io.rdsreplication.provider.mysql.Replication;
import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.mysql.SqlErrors;
import io.rdsreplication.provider.mysql.Validation;
import io.rdsreplication.provider.resources.Context;
import io.rdsreplication.provider.resources.types.Connection;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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
@SchemaType(token = ExternalMasterResource.TOKEN, description = "Points the RDS instance at the external source (runbook step 8): calls `mysql.rds_set_external_master` or, depending on the engine, the procedures it has and the inputs, `_with_delay`, `_gtid`, `_with_auto_position` (after `rds_set_external_source_gtid_purged` for a copy's GTIDs), the MySQL 8.4 `rds_set_external_source*` names, and `rds_set_source_delay`, with bound parameters; after every call the replica's status is compared with what was asked. **Starting positions are used once**: `binlogFile`/`binlogPosition`, `gtid` and `autoPosition` say where replication begins when it is first configured. Later changes of their values never re-point a configured replica (it continues from what it has applied; re-pointing to newer coordinates would skip events), so a `getSourceStatus` fed straight in previews no changes after writes on the source. A new copy of the data is a new starting point: a change of `snapshotId` replaces this resource (delete before replace: there is one default channel) and re-points at the new coordinates. Connection settings, the delay and a change of the kind of position (file, GTID, auto-position) change in place, re-pointing from the position the replica has already applied; anything the engine cannot do is refused before replication is stopped. Another RDS instance (`replica` host or port) replaces; its credentials never do. Delete calls `rds_reset_external_master`/`_source`. **Multi-source** (RDS for MySQL 8.0.35+, 8.4): `channel` names the replication channel, configured with the `*_for_channel` procedures; one ExternalMaster per source, up to 15 channels. Import id: the replica's `host:port`, or `host:port#channel` for a named channel.")
public final class ExternalMasterResource extends TypedResource<Context, ExternalMasterResource.Args, ExternalMasterResource.State> {
    public static final String TOKEN = "rdsreplication:index:ExternalMaster";
    static final int MYSQL_MAX_PASSWORD = 32;

    public record Args(
            @Prop("Connection to the Amazon RDS instance, as its master user. Defaults to the provider's `replica` configuration. Another host or port is another instance and replaces; new credentials are only recorded.")
            Connection replica,
            @Prop("RDS DB instance identifier. When given, a preflight through the RDS API checks that automated backups are on and that the instance is not itself an RDS read replica.")
            String dbInstanceIdentifier,
            @Prop(value = "Address of the external source as the RDS instance reaches it: an IP address or a public DNS name (EC2 private DNS names are not supported by RDS). Changed in place.", required = true,
                    hint = ": the source's IP address or public DNS name")
            String sourceHost,
            @Prop(value = "Port of the external source. Defaults to 3306. Changed in place.", defaultValue = "3306", min = 1, max = 65535)
            Integer sourcePort,
            @Prop(value = "Replication account on the source (see ReplicationUser). Changed in place.", required = true)
            String replicationUser,
            @Prop(value = "Password of the replication account. Changed in place: replication is re-pointed from the position already applied. At most 32 characters when the RDS instance runs MySQL (error 3056); no leading or trailing white space (RDS trims it).", required = true, secret = true, customDiff = true)
            String replicationPassword,
            @Prop(value = "Source binlog file to start from when replication is first configured, like `mysql-bin.000031` (from SourceSnapshot or getSourceStatus). Later changes do not re-point a configured replica (see the resource description); change `snapshotId` for a new starting point.", customDiff = true)
            String binlogFile,
            @Prop(value = "Position in `binlogFile` to start from when replication is first configured. Later changes do not re-point a configured replica.", customDiff = true, min = 4)
            Long binlogPosition,
            @Prop(value = "Where to start when replication is first configured, by GTID: on RDS for MariaDB a MariaDB GTID position like `0-1-1728` (`rds_set_external_master_gtid`, then `rds_set_source_delay` for a delay); on RDS for MySQL the GTID set the copy already holds, like `3E11FA47-71CA-11E1-9E33-C80AA9429562:1-23` (SourceSnapshot's `gtid`): it is recorded on the replica with `rds_set_external_source_gtid_purged` (8.0.37+, 8.4), then GTID auto-positioning starts. Later changes do not re-point a configured replica.", customDiff = true)
            String gtid,
            @Prop(value = "MySQL GTID auto-positioning (`rds_set_external_master_with_auto_position`; MySQL 5.7, 8.0.26+, 8.4). Switching to or from it re-points in place from the applied position.", customDiff = true)
            Boolean autoPosition,
            @Prop(value = "The id of the SourceSnapshot that loaded the replica's data (`snapshot.id`). A new snapshot is a new starting point: when this changes from one value to another, ExternalMaster is replaced and re-points at the program's coordinates. Setting it for the first time, or removing it, re-points nothing.", customDiff = true)
            String snapshotId,
            @Prop(value = "Encrypt the replication link (`ssl_encryption=1`: encrypted, certificate not verified). Required for MySQL 8 sources whose account uses `caching_sha2_password`. Changed in place.", defaultValue = "false")
            Boolean sslEncryption,
            @Prop(value = "Delayed replication, 0\u201386400 seconds (`_with_delay` or `rds_set_source_delay`; RDS for MySQL 5.7/8.0.26+ and RDS for MariaDB 10.6+). Changed in place; removing it clears the delay on the replica.", min = 0, max = 86400)
            Integer delaySeconds,
            @Prop(value = "Multi-source replication: the channel of the RDS instance that replicates from this source (RDS for MySQL 8.0.35 and later, 8.4: `rds_set_external_source_for_channel` and the other `*_for_channel` procedures; up to 15 channels, each from another source host and port). Unset or empty: the default channel, as in the runbook. RDS for MariaDB has no channels. A change moves replication to the new channel in place, from the position the old one had applied (no event skipped or applied twice), and removes the old channel; give ReplicationStart the same channel.", customDiff = true,
                    hint = ": a channel name like source_a")
            String channel) {

        /** The kind of starting position: "file", "gtid" (MariaDB), "auto" (MySQL), or null. */
        String kind() {
            if (gtid != null && !Validation.isMariadbGtid(gtid)) return "auto";
            if (gtid != null) return "gtid";
            if (Boolean.TRUE.equals(autoPosition)) return "auto";
            if (binlogFile != null || binlogPosition != null) return "file";
            return null;
        }

        boolean hasPosition() {
            return binlogFile != null || binlogPosition != null || gtid != null || autoPosition != null;
        }

        int port() {
            return sourcePort == null ? 3306 : sourcePort;
        }

        int delay() {
            return delaySeconds == null ? 0 : delaySeconds;
        }

        Channel ch() {
            return Channel.of(channel);
        }

        /** The same inputs with another starting position (the one replication began from is kept in the state). */
        Args withPosition(Args from) {
            return new Args(replica, dbInstanceIdentifier, sourceHost, sourcePort, replicationUser, replicationPassword,
                    from.binlogFile, from.binlogPosition, from.gtid, from.autoPosition, snapshotId, sslEncryption, delaySeconds, channel);
        }
    }

    public record State(
            @Inputs Args inputs,
            @Prop(value = "The stored procedure that configured replication.", always = true)
            String procedure,
            @Prop(value = "`mariadb` or `mysql`, probed from the RDS instance.", always = true)
            String engineFlavor,
            @Prop(value = "Server version of the RDS instance, as probed.", always = true)
            String engineVersion) {
    }

    public ExternalMasterResource() {
        super(Args.class, State.class, true);
    }

    private static boolean anyPositionUnknown(Check<Args> c) {
        return c.unknown(Args::binlogFile) || c.unknown(Args::binlogPosition) || c.unknown(Args::gtid) || c.unknown(Args::autoPosition);
    }

    @Override
    protected void check(Check<Args> c) {
        Args in = c.news();
        Connection.check(c, Args::replica);
        String h = in.sourceHost();
        if (h != null && !h.isEmpty()) {
            if (Validation.isEc2PrivateDns(h)) {
                c.fail(Args::sourceHost, "is an EC2 private DNS name, which RDS does not support: use the source's IP address or a public DNS name");
            } else if (!Validation.isHostName(h)) c.fail(Args::sourceHost, "must be a host name or IP address, got " + Validation.show(h));
        }
        String u = in.replicationUser();
        if (u != null && !u.isEmpty()) {
            if (u.indexOf('\0') >= 0) c.fail(Args::replicationUser, "must not contain NUL bytes");
            else if (u.length() > 80) c.fail(Args::replicationUser, "must be at most 80 characters");
        }
        boolean anyUnknown = anyPositionUnknown(c);
        String kind = anyUnknown ? null : in.kind();
        String p = in.replicationPassword();
        if (p != null && !p.isEmpty()) {
            if (p.indexOf('\0') >= 0) c.fail(Args::replicationPassword, "must not contain NUL bytes");
            else if (!p.equals(p.strip())) {
                c.fail(Args::replicationPassword, "must not begin or end with white space: RDS trims it, so the replica would log in with another password");
            } else if ("auto".equals(kind) && p.length() > MYSQL_MAX_PASSWORD) {
                c.fail(Args::replicationPassword, "is " + p.length() + " characters; MySQL refuses replication passwords over "
                        + MYSQL_MAX_PASSWORD + " (error 3056): use a shorter one");
            }
        }
        if (!anyUnknown) {
            boolean file = in.binlogFile() != null || in.binlogPosition() != null;
            boolean gtid = in.gtid() != null;
            boolean auto = Boolean.TRUE.equals(in.autoPosition());
            boolean mysqlGtid = gtid && !Validation.isMariadbGtid(in.gtid());
            int kinds = (file ? 1 : 0) + (gtid ? 1 : 0) + (auto && !mysqlGtid ? 1 : 0);
            if (kinds != 1) {
                String why = "give exactly one starting position: binlogFile with binlogPosition, or gtid (a MariaDB GTID position, "
                        + "or the MySQL GTID set a copy holds, with auto-positioning), or autoPosition (MySQL)";
                if (kinds == 0) c.fail(Args::binlogFile, why);
                else if (gtid) c.fail(Args::gtid, why);
                else c.fail(Args::autoPosition, why);
            }
            if (file) {
                if (in.binlogFile() == null) c.fail(Args::binlogFile, "is required with binlogPosition");
                else if (!Validation.isBinlogFile(in.binlogFile())) {
                    c.fail(Args::binlogFile, "must be a binlog file name like mysql-bin.000031, got " + Validation.show(in.binlogFile()));
                }
                if (in.binlogPosition() == null && !c.failed(Args::binlogPosition)) c.fail(Args::binlogPosition, "is required with binlogFile");
            }
            if (gtid && !Validation.isGtid(in.gtid())) {
                c.fail(Args::gtid, "must be a MariaDB GTID position like 0-1-1728 (domain-server-sequence, comma-separated) "
                        + "or a MySQL GTID set like 3E11FA47-71CA-11E1-9E33-C80AA9429562:1-23, got " + Validation.show(in.gtid()));
            }
            if (mysqlGtid && in.autoPosition() != null && !auto) {
                c.fail(Args::autoPosition, "a MySQL GTID set in gtid starts GTID auto-positioning: leave autoPosition unset or true");
            }
        }
        if (in.dbInstanceIdentifier() != null && !in.dbInstanceIdentifier().matches("[A-Za-z][A-Za-z0-9-]{0,62}")) {
            c.fail(Args::dbInstanceIdentifier, "must be 1-63 letters, digits or hyphens, starting with a letter");
        }
        String why = Channel.invalid(in.channel());
        if (why != null) c.fail(Args::channel, why);
        if (in.snapshotId() != null && in.snapshotId().isEmpty()) {
            c.fail(Args::snapshotId, "must not be empty: leave it unset, or give the id of the SourceSnapshot that loaded the data");
        }
    }

    @Override
    protected void diff(Changes<Args, State> d) {
        Args olds = d.oldInputs();
        Args news = d.news();
        boolean imported = !olds.hasPosition();
        // an imported configuration: its starting position is unknown, and so is its password when the state has
        // none; the program's are taken as current
        if (!(imported && olds.replicationPassword() == null) && d.changed(Args::replicationPassword)) {
            d.put(Args::replicationPassword, false);
        }
        if (d.unknown(Args::channel) || !sameChannel(olds.channel(), news.channel())) d.put(Args::channel, false);
        if (imported) return;
        boolean unknownPosition = d.unknown(Args::binlogFile) || d.unknown(Args::binlogPosition) || d.unknown(Args::gtid)
                || d.unknown(Args::autoPosition);
        // a new kind of position (file <-> GTID <-> auto-position) re-points in place from the applied position;
        // new values of the same kind are not a new starting point (see the class comment)
        if (!unknownPosition && !Objects.equals(olds.kind(), news.kind())) {
            if (d.changed(Args::binlogFile)) d.put(Args::binlogFile, false);
            if (d.changed(Args::binlogPosition)) d.put(Args::binlogPosition, false);
            if (d.changed(Args::gtid)) d.put(Args::gtid, false);
            if (d.changed(Args::autoPosition)) d.put(Args::autoPosition, false);
        }
        if (olds.snapshotId() != null && (d.unknown(Args::snapshotId) || news.snapshotId() != null && !olds.snapshotId().equals(news.snapshotId()))) {
            d.put(Args::snapshotId, DiffResult.Kind.UPDATE_REPLACE);
        } else if (d.changed(Args::snapshotId)) {
            d.put(Args::snapshotId, false); // adopted or dropped: recorded, nothing re-points
        }
    }

    /** Channels are the same when both are the default one or their names are equal but for case (as MySQL compares them). */
    public static boolean sameChannel(String a, String b) {
        return Channel.of(a).name().equalsIgnoreCase(Channel.of(b).name());
    }

    static Procedures.Settings settings(Args in, String kind, String file, Long pos, String gtid, String gtidSet) {
        return new Procedures.Settings(in.sourceHost(), in.port(), in.replicationUser(), in.replicationPassword(), file, pos,
                gtid, "auto".equals(kind), gtidSet, Boolean.TRUE.equals(in.sslEncryption()), in.delay(), in.ch());
    }

    /** The settings of the program's own starting position (used on create). */
    static Procedures.Settings initialSettings(Args in) {
        String kind = in.kind();
        String g = in.gtid();
        return settings(in, kind, in.binlogFile(), in.binlogPosition(), "gtid".equals(kind) ? g : null, "auto".equals(kind) ? g : null);
    }

    @Override
    protected Created<State> create(Context ctx, Args in, boolean preview) {
        if (preview) return new Created<>("", new State(in, null, null, null));
        if (in.dbInstanceIdentifier() != null) preflight(ctx, in.dbInstanceIdentifier());
        try (Session s = ctx.open(in.replica(), "replica")) {
            s.addSecret(in.replicationPassword());
            Procedures.Engine engine = engine(s);
            Procedures.Settings settings = initialSettings(in);
            Procedures.Plan plan = validate(engine, settings);
            Channel ch = in.ch();
            ReplicaStatus st = Replication.status(s, ch);
            if (st.configured()) {
                Procedures.Call reset = Procedures.reset(engine, ch);
                throw new ProviderException.Precondition("the RDS instance at " + s.spec().address() + (ch.isDefault() ? "" : " on " + ch.label())
                        + " already replicates from " + st.sourceHost() + ":" + st.sourcePort() + " as " + st.sourceUser()
                        + "; to manage that configuration, import it: pulumi import " + TOKEN + " <name> '" + importId(s, ch)
                        + "'; or reset it with CALL " + reset.procedure() + "(" + (ch.isDefault() ? "" : "'" + ch + "'") + ")");
            }
            apply(ctx, s, engine, plan, settings);
            return new Created<>(s.spec().address() + (ch.isDefault() ? "" : "#" + ch) + "/" + nonce(),
                    new State(in, plan.main().name(), s.server().flavor().label(), s.server().version()));
        }
    }

    static String importId(Session s, Channel ch) {
        return s.spec().address() + (ch.isDefault() ? "" : "#" + ch);
    }

    /** The channel an import id names: {@code host:port#channel}, else the default one. */
    public static String channelOfImportId(String id) {
        int hash = id == null ? -1 : id.indexOf('#');
        if (hash < 0) return null;
        String rest = id.substring(hash + 1);
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
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
        ReplicaStatus st = Replication.status(s, asked.channel());
        int delay = asked.delaySeconds();
        if (plan.delayAfter() && (st.delaySeconds() == null ? 0 : st.delaySeconds()) != delay) {
            Procedures.Call set = plan.delay(delay);
            if (!engine.has(set.name())) {
                throw new ProviderException.Precondition("the RDS instance keeps a replication delay of " + st.delaySeconds()
                        + " s and has no " + set.procedure() + " to change it to " + delay + " s");
            }
            invoke(s, set);
            st = Replication.status(s, asked.channel());
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
                case SAME_SOURCE -> "the RDS instance refused " + call.name() + ": another of its channels already replicates from this source host and port ("
                        + rds + "); RDS allows one channel per source: read them with SHOW REPLICA STATUS";
                case TOO_MANY_CHANNELS -> "the RDS instance refused " + call.name() + ": it has RDS's maximum of " + Channel.MAX_CHANNELS
                        + " replication channels already (" + rds + "); remove one first";
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
    protected State read(Context ctx, String id, State state, Args inputs) {
        Args known = inputs != null && inputs.replica() != null ? inputs : state.inputs();
        try (Session s = ctx.open(known.replica(), "replica")) {
            Args given = inputs != null ? inputs : state.inputs();
            String channel = given.channel() != null ? given.channel() : channelOfImportId(id);
            ReplicaStatus st = Replication.status(s, Channel.of(channel));
            if (!st.configured()) return null;
            Integer delay = st.delaySeconds() != null && (st.delaySeconds() > 0 || given.delaySeconds() != null)
                    ? st.delaySeconds() : given.delaySeconds();
            String password = given.replicationPassword() != null ? given.replicationPassword() : state.inputs().replicationPassword();
            Args now = new Args(given.replica(), given.dbInstanceIdentifier(), st.sourceHost(),
                    st.sourcePort() != null ? st.sourcePort() : given.sourcePort(), st.sourceUser(), password,
                    given.binlogFile(), given.binlogPosition(), given.gtid(), given.autoPosition(), given.snapshotId(),
                    st.sslAllowed(), delay, channel);
            return new State(now, state.procedure() == null ? "" : state.procedure(), s.server().flavor().label(), s.server().version());
        }
    }

    @Override
    protected State update(Context ctx, String id, State olds, Args news, boolean preview) {
        Args was = olds.inputs();
        String newKind = news.kind();
        boolean kindChanged = !Objects.equals(was.kind(), newKind) && was.kind() != null;
        // the starting position stays the one replication began from (see the class comment)
        Args recorded = Objects.equals(was.kind(), newKind) ? news.withPosition(was) : news;
        State out = new State(recorded, olds.procedure(), olds.engineFlavor(), olds.engineVersion());
        if (preview) return out;
        boolean sourceChanged = !Objects.equals(was.sourceHost(), news.sourceHost()) || was.port() != news.port()
                || !Objects.equals(was.replicationUser(), news.replicationUser())
                || !Objects.equals(was.replicationPassword(), news.replicationPassword())
                || !Objects.equals(Boolean.TRUE.equals(was.sslEncryption()), Boolean.TRUE.equals(news.sslEncryption()));
        boolean delayChanged = news.delay() != was.delay();
        boolean channelChanged = !sameChannel(was.channel(), news.channel());
        if (!sourceChanged && !delayChanged && !kindChanged && !channelChanged) return out; // snapshotId adopted, or replica credentials: no SQL
        Channel from = was.ch();
        Channel to = news.ch();
        String procedure = olds.procedure();
        try (Session s = ctx.open(news.replica(), "replica")) {
            s.addSecret(news.replicationPassword());
            s.addSecret(was.replicationPassword());
            Procedures.Engine engine = engine(s);
            // refuse what the engine cannot do before anything is stopped
            Procedures.Settings probe = settings(news, newKind, "placeholder.000001", 4L, "gtid".equals(newKind) ? "0-0-0" : null, null);
            Procedures.Plan plan = validate(engine, probe);
            ReplicaStatus before = Replication.status(s, from);
            if (!before.configured()) {
                throw new ProviderException.Precondition("replication is no longer configured on " + s.spec().address()
                        + (from.isDefault() ? "" : " (" + from.label() + ")") + "; run pulumi refresh, then pulumi up to configure it again");
            }
            if (channelChanged && Replication.status(s, to).configured()) {
                throw new ProviderException.Precondition("the RDS instance at " + s.spec().address() + " already has " + to.label()
                        + "; nothing was changed: choose another channel, or reset that one with CALL mysql.rds_reset_external_source_for_channel('"
                        + to + "')");
            }
            boolean wasRunning = Replication.stop(s, from);
            Channel running = from;
            String what;
            try {
                Procedures.Call setDelay = Procedures.Call.on(to, "rds_set_source_delay", news.delay());
                if (!sourceChanged && !kindChanged && !channelChanged && engine.has(setDelay.name())) {
                    int d = news.delay();
                    invoke(s, setDelay);
                    ReplicaStatus st = Replication.status(s, to);
                    if (st.delaySeconds() != null && st.delaySeconds() != d) {
                        throw new ProviderException.Precondition("the RDS instance accepted rds_set_source_delay(" + d
                                + ") but its replica status shows a delay of " + st.delaySeconds() + " s");
                    }
                    what = "set the replication delay to " + d + " s";
                } else {
                    // re-point from what the replica has already applied, never from the original coordinates
                    ReplicaStatus stopped = Replication.status(s, from);
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
                    if (channelChanged) {
                        moveChannel(ctx, s, engine, plan, settings, from, stopped);
                        running = to;
                        what += " on " + to.label() + " (" + from.label() + " removed)";
                    } else {
                        apply(ctx, s, engine, plan, settings);
                    }
                    procedure = plan.main().name();
                }
            } finally {
                if (wasRunning) restart(ctx, s, running);
            }
            ctx.progress().info(what + (wasRunning ? ", replication restarted" : ""));
            return new State(recorded, procedure, s.server().flavor().label(), s.server().version());
        }
    }

    /**
     * Moves replication to another channel from the position the old one applied. RDS allows one channel per source
     * host and port, so the old channel is reset first; if the new one cannot be configured, the old one is put back
     * at the same applied position, so nothing is lost either way.
     */
    private static void moveChannel(Context ctx, Session s, Procedures.Engine engine, Procedures.Plan plan,
                                    Procedures.Settings settings, Channel from, ReplicaStatus stopped) {
        invoke(s, Procedures.reset(engine, from));
        try {
            apply(ctx, s, engine, plan, settings);
        } catch (RuntimeException e) {
            try {
                Procedures.Settings back = new Procedures.Settings(settings.host(), settings.port(), settings.user(), settings.password(),
                        settings.gtid() == null && !settings.autoPosition() ? stopped.appliedFile() : null,
                        settings.gtid() == null && !settings.autoPosition() ? stopped.appliedPosition() : null,
                        settings.gtid(), settings.autoPosition(), null, settings.ssl(), settings.delaySeconds(), from);
                apply(ctx, s, engine, Procedures.plan(engine, back), back);
                ctx.progress().warn("moving replication to " + settings.channel().label() + " failed; " + from.label()
                        + " was configured again at the position it had applied");
            } catch (RuntimeException again) {
                e.addSuppressed(again);
                throw new ProviderException.Precondition("moving replication from " + from.label() + " to " + settings.channel().label()
                        + " failed (" + e.getMessage() + ") and " + from.label() + " could not be configured again (" + again.getMessage()
                        + "): it had applied " + stopped.appliedFile() + ":" + stopped.appliedPosition()
                        + "; run pulumi refresh, then pulumi up", e);
            }
            throw e;
        }
    }

    private static void restart(Context ctx, Session s, Channel ch) {
        try {
            s.call(ch.procedure("rds_start_replication"), ch.args());
        } catch (SqlErrors.SqlFailure e) {
            ctx.progress().warn("replication was re-pointed but did not restart cleanly (" + e.getMessage()
                    + "); the ReplicationStart resource reports why on the next refresh");
        }
    }

    @Override
    protected void delete(Context ctx, String id, State state) {
        try (Session s = ctx.open(state.inputs().replica(), "replica")) {
            Channel ch = state.inputs().ch();
            if (!Replication.status(s, ch).configured()) return;
            try {
                // RDS's reset stops replication itself when it runs or is half-running
                Procedures.Call reset = Procedures.reset(engine(s), ch);
                s.call(reset.procedure(), reset.args().toArray());
            } catch (SqlErrors.SqlFailure e) {
                if (!Replication.isRefusal(e) || Replication.Refusal.of(e) != Replication.Refusal.NOT_CONFIGURED) throw e;
            }
        }
    }
}
