package io.rdsreplication.provider.resources.cutover;

import io.rdsreplication.provider.core.Changes;
import io.rdsreplication.provider.core.Check;
import io.rdsreplication.provider.core.Inputs;
import io.rdsreplication.provider.core.Prop;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.SchemaType;
import io.rdsreplication.provider.core.Secret;
import io.rdsreplication.provider.core.TypedResource;
import io.rdsreplication.provider.cutover.Checksums;
import io.rdsreplication.provider.cutover.Cutover;
import io.rdsreplication.provider.cutover.WayBack;
import io.rdsreplication.provider.mysql.Binlog;
import io.rdsreplication.provider.mysql.ConnectionSpec;
import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.resources.Context;
import io.rdsreplication.provider.resources.types.Connection;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * rdsreplication:index:Cutover — the switch to RDS, made once by its creation ({@link Cutover}), optionally with
 * the way back ({@link WayBack}). A past event: read returns what was recorded, update records new inputs and runs
 * nothing again (except a way back asked for later), delete changes nothing on the servers.
 */
@SchemaType(token = CutoverResource.TOKEN, description = "**One-way**: creating this resource switches the application's database from the external source to the RDS instance. It waits until the replica has caught up (bounded, with progress), fences writes on the source (`read_only`, and `super_read_only` on MySQL; optionally ends the sessions of `endSessionsOf`), reads the source's final binlog coordinates and GTID state, waits until the RDS instance has applied exactly those, optionally compares `CHECKSUM TABLE` of `checksumTables` on both sides, then stops replication and resets the external source on the RDS instance. Outputs the final coordinates and the measured write downtime (fence to caught up). If any step fails before the RDS instance is detached, the fence is lowered again and the error names the step; after a successful cutover the source stays read-only. With `wayBack`, the old source then replicates from the RDS instance (a replication account on RDS, `binlog retention hours` set with `mysql.rds_set_configuration`, the old source pointed at RDS's coordinates of the cutover), so writes made on RDS reach it until you remove that. Remove ExternalMaster and ReplicationStart from the program in the same change: the engine creates the Cutover first and then deletes them, which finds replication already detached. Changing inputs later records them and runs nothing again (except turning `wayBack` on); deleting the resource changes nothing on the servers.")
public final class CutoverResource extends TypedResource<Context, CutoverResource.Args, CutoverResource.State> {
    public static final String TOKEN = "rdsreplication:index:Cutover";
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    public record Args(
            @Prop(value = "Connection to the external source, as a user that may set `read_only` (SUPER or SYSTEM_VARIABLES_ADMIN) and, for `endSessionsOf`, end sessions. Defaults to the provider's `source` configuration.", customDiff = true)
            Connection source,
            @Prop(value = "Connection to the Amazon RDS instance, as its master user. Defaults to the provider's `replica` configuration.", customDiff = true)
            Connection replica,
            @Prop(value = "Upper bound, in seconds, on waiting for the replica to catch up before the fence goes up. Defaults to 600.", defaultValue = "600", min = 1, max = 86400)
            Integer catchUpTimeoutSeconds,
            @Prop(value = "How closely, in milliseconds, the replica must follow the source before the fence goes up (the write downtime's floor). Defaults to 200.", defaultValue = "200", min = 10, max = 3600000)
            Integer maxLagMillis,
            @Prop(value = "Upper bound, in seconds, on waiting behind the fence for the replica to apply the final coordinates (the write downtime's ceiling); past it the fence is lowered and the cutover fails. Defaults to 60.", defaultValue = "60", min = 1, max = 86400)
            Integer finalApplyTimeoutSeconds,
            @Prop(value = "Upper bound, in seconds, on `SET GLOBAL read_only` waiting behind running statements. Defaults to 10.", defaultValue = "10", min = 1, max = 3600)
            Integer fenceLockWaitSeconds,
            @Prop("User names of application accounts whose sessions on the source are ended once fenced (their open transactions roll back).")
            List<String> endSessionsOf,
            @Prop("Tables (`database.table`) whose `CHECKSUM TABLE` must be equal on both sides before the RDS instance is detached; a difference fails the cutover and lowers the fence.")
            List<String> checksumTables,
            @Prop(value = "After the cutover, make the old source replicate from the RDS instance (the way back). Defaults to false. Turning it on later sets it up then.", defaultValue = "false")
            Boolean wayBack,
            @Prop("The RDS instance's address as the old source reaches it, for the way back. Defaults to the `replica` connection's host.")
            String wayBackRdsHost,
            @Prop(value = "The replication account created on the RDS instance for the way back. Defaults to `rdsrepl_back`.", defaultValue = "\"rdsrepl_back\"")
            String wayBackUser,
            @Prop(value = "Host part of that account (the old source's address as RDS sees it). Defaults to `%`.", defaultValue = "\"%\"")
            String wayBackUserHost,
            @Prop(value = "Password of that account; generated (32 characters) when omitted.", secret = true)
            String wayBackPassword,
            @Prop(value = "RDS's `binlog retention hours` for the way back (1-168). Defaults to 24.", defaultValue = "24", min = 1, max = 168)
            Integer binlogRetentionHours,
            @Prop(value = "Encrypt the way back's replication link (needed when RDS for MySQL's accounts use caching_sha2_password). Defaults to false.", defaultValue = "false")
            Boolean wayBackSsl) {
        Cutover.Options options() {
            return new Cutover.Options(catchUpTimeoutSeconds, maxLagMillis, finalApplyTimeoutSeconds, fenceLockWaitSeconds,
                    endSessionsOf, checksumTables);
        }
    }

    public record State(
            @Inputs Args inputs,
            @Prop(value = "The source's binlog file after the fence: the RDS instance applied exactly up to here.", always = true)
            String sourceFinalFile,
            @Prop(value = "The position in `sourceFinalFile`.", always = true)
            Long sourceFinalPosition,
            @Prop(value = "The source's GTID state then (MySQL `gtid_executed`, MariaDB `gtid_binlog_pos`; empty when none).", always = true)
            String sourceFinalGtid,
            @Prop("The RDS instance's own binlog file at the cutover, before any write to it (where the way back starts); empty when it writes no binlog.")
            String rdsFile,
            @Prop("The position in `rdsFile`.")
            Long rdsPosition,
            @Prop(value = "Write downtime in milliseconds: from the fence until the RDS instance had applied the final coordinates.", always = true)
            Long downtimeMillis,
            @Prop(value = "Sessions of `endSessionsOf` ended after the fence.", always = true)
            Integer sessionsEnded,
            @Prop("`CHECKSUM TABLE` of each of `checksumTables`, equal on both sides.")
            Map<String, String> checksums,
            @Prop(value = "Whether the way back runs: the old source replicates from the RDS instance.", always = true)
            Boolean wayBackRunning) {
    }

    public CutoverResource() {
        super(Args.class, State.class, false);
    }

    @Override
    protected void check(Check<Args> c) {
        Connection.check(c, Args::source);
        Connection.check(c, Args::replica);
        Args in = c.news();
        if (c.olds() == null) {
            c.warn("Cutover is one-way: creating it fences writes on the source (read_only stays ON afterwards) and detaches "
                    + "the RDS instance from it; the application must then write to RDS");
        }
        if (!c.unknown(Args::endSessionsOf) && !c.unknown(Args::checksumTables) && in.catchUpTimeoutSeconds() != null) {
            c.addAll(in.options().validate().stream().filter(f -> f.property().contains("[")).toList());
        }
        if (Boolean.TRUE.equals(in.wayBack()) && in.wayBackPassword() == null && !c.unknown(Args::wayBackPassword)) {
            Args olds = c.olds();
            c.set(Args::wayBackPassword, olds != null && olds.wayBackPassword() != null ? olds.wayBackPassword() : generatePassword());
        }
    }

    static String generatePassword() {
        SecureRandom r = new SecureRandom();
        StringBuilder sb = new StringBuilder(32);
        for (int i = 0; i < 32; i++) sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        return sb.toString();
    }

    @Override
    protected void diff(Changes<Args, State> d) {
        // a past event: new connections are recorded, never a replacement (that would run a second cutover)
        if (d.changed(Args::source)) d.put(Args::source, false);
        if (d.changed(Args::replica)) d.put(Args::replica, false);
    }

    @Override
    protected Created<State> create(Context ctx, Args in, boolean preview) {
        if (preview) {
            previewObservation(ctx, in);
            return new Created<>("", new State(in, null, null, null, null, null, null, null, null, null));
        }
        ConnectionSpec src = ctx.connection(in.source(), "source");
        ConnectionSpec rep = ctx.connection(in.replica(), "replica");
        Cutover.Result r;
        try (Session s = Session.open(src, "source"); Session p = Session.open(rep, "replica")) {
            Cutover.Observed seen = Cutover.observe(s, p);
            if (seen.sourceReadOnly() && !seen.replicaAttached()) {
                // an earlier run got as far as the detach, and its answer was lost (the provider was killed): the switch
                // is made; record it rather than fail on a replica that no longer replicates
                ctx.progress().warn("the cutover was already made (" + seen.describe() + "): recording it as complete at the "
                        + "source's current coordinates " + seen.sourceEnd() + "; the downtime of that run is unknown (-1)");
                State adopted = new State(in, seen.sourceEnd().file(), seen.sourceEnd().position(), "", "", null, -1L, 0, null, false);
                String id = rep.address() + "@" + seen.sourceEnd().file() + ":" + seen.sourceEnd().position();
                if (!Boolean.TRUE.equals(in.wayBack())) return new Created<>(id, adopted);
                throw initFailed(id, adopted, "the cutover was already made by an earlier run whose answer was lost, so RDS's "
                        + "coordinates at the cutover are not known here and the way back cannot be set up from them", null);
            }
            r = Cutover.run(ctx, s, p, in.options());
        }
        String id = rep.address() + "@" + r.sourceFinal().file() + ":" + r.sourceFinal().position();
        Map<String, String> sums = new LinkedHashMap<>();
        for (Checksums.TableChecksum t : r.checksums()) sums.put(t.table(), t.source());
        State done = new State(in, r.sourceFinal().file(), r.sourceFinal().position(), r.sourceGtid() == null ? "" : r.sourceGtid(),
                r.replicaAtCutover() == null ? "" : r.replicaAtCutover().file(),
                r.replicaAtCutover() == null ? null : r.replicaAtCutover().position(), r.downtimeMillis(), r.sessionsEnded(),
                sums.isEmpty() ? null : sums, false);
        ctx.progress().info("cutover complete: the RDS instance applied the source up to " + r.sourceFinal() + "; writes were fenced for "
                + r.downtimeMillis() + " ms; the source stays read-only");
        if (!Boolean.TRUE.equals(in.wayBack())) return new Created<>(id, done);
        try {
            return new Created<>(id, wayBack(ctx, in, done, src, rep));
        } catch (RuntimeException e) {
            throw initFailed(id, done, "the cutover is complete (the RDS instance is detached and the source read-only), but the way back "
                    + "could not be set up: " + e.getMessage() + "; fix that and run pulumi up again to retry the way back", e);
        }
    }

    /**
     * What a reviewer should know before the cutover runs: a source that is read-only already (an earlier cutover
     * interrupted behind its fence, whose provider was killed) or a replica that replicates no more. Best effort: a
     * preview that cannot reach the servers says nothing more.
     */
    private static void previewObservation(Context ctx, Args in) {
        try {
            ConnectionSpec src = ctx.connection(in.source(), "source");
            ConnectionSpec rep = ctx.connection(in.replica(), "replica");
            try (Session s = Session.open(src, "source"); Session p = Session.open(rep, "replica")) {
                Cutover.Observed seen = Cutover.observe(s, p);
                if (seen.sourceReadOnly()) {
                    ctx.progress().warn("the source " + src.address() + " is read-only now: " + seen.describe()
                            + (seen.replicaAttached() ? "; an earlier cutover was interrupted behind its fence, and this one finishes it"
                            : "; this records the switch as made"));
                } else if (!seen.replicaAttached()) {
                    ctx.progress().warn("the RDS instance " + rep.address() + " does not replicate from the source now: the cutover will fail at its first step");
                }
            }
        } catch (RuntimeException e) {
            // unknown connections in a preview, or servers out of reach: the real run reports what matters
        }
    }

    private static State wayBack(Context ctx, Args in, State done, ConnectionSpec src, ConnectionSpec rep) {
        if (done.rdsFile() == null || done.rdsFile().isEmpty()) {
            throw new ProviderException.Precondition("the RDS instance wrote no binary log at the cutover, so there are no coordinates "
                    + "to replicate back from (turn on automated backups, which enable its binlog)");
        }
        WayBack.Options o = new WayBack.Options(in.wayBackRdsHost() != null ? in.wayBackRdsHost() : rep.host(), rep.port(),
                in.wayBackUser(), in.wayBackUserHost(), new Secret(in.wayBackPassword()),
                new Binlog.Coordinates(done.rdsFile(), done.rdsPosition()), in.binlogRetentionHours(),
                Boolean.TRUE.equals(in.wayBackSsl()), 120);
        try (Session p = Session.open(rep, "replica"); Session s = Session.open(src, "source")) {
            WayBack.run(ctx, p, s, o);
        }
        ctx.progress().info("way back: the old source replicates from the RDS instance since " + done.rdsFile() + ":" + done.rdsPosition());
        return new State(in, done.sourceFinalFile(), done.sourceFinalPosition(), done.sourceFinalGtid(), done.rdsFile(),
                done.rdsPosition(), done.downtimeMillis(), done.sessionsEnded(), done.checksums(), true);
    }

    @Override
    protected State read(Context ctx, String id, State state, Args inputs) {
        if (state.sourceFinalFile() == null) {
            throw new ProviderException.Precondition("Cutover cannot be imported: it records a switch made once");
        }
        return state; // a past event: as recorded
    }

    @Override
    protected Args refreshedInputs(State now, Args given) {
        return given != null ? given : now.inputs();
    }

    @Override
    protected State update(Context ctx, String id, State olds, Args news, boolean preview) {
        State out = new State(news, olds.sourceFinalFile(), olds.sourceFinalPosition(), olds.sourceFinalGtid(), olds.rdsFile(),
                olds.rdsPosition(), olds.downtimeMillis(), olds.sessionsEnded(), olds.checksums(), olds.wayBackRunning());
        boolean wantWayBack = Boolean.TRUE.equals(news.wayBack()) && !Boolean.TRUE.equals(olds.wayBackRunning());
        if (preview) return wantWayBack ? new State(news, out.sourceFinalFile(), out.sourceFinalPosition(), out.sourceFinalGtid(),
                out.rdsFile(), out.rdsPosition(), out.downtimeMillis(), out.sessionsEnded(), out.checksums(), null) : out;
        if (wantWayBack) {
            return wayBack(ctx, news, out, ctx.connection(news.source(), "source"), ctx.connection(news.replica(), "replica"));
        }
        ctx.progress().info("the cutover is done: new inputs are recorded, nothing runs again");
        return out;
    }

    @Override
    protected void delete(Context ctx, String id, State state) {
        ctx.progress().info("Cutover removed from the stack; nothing changes on the servers (the source stays as it is"
                + (Boolean.TRUE.equals(state.wayBackRunning()) ? ", and keeps replicating from the RDS instance" : "") + ")");
    }
}
