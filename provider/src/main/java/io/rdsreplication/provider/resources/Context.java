package io.rdsreplication.provider.resources;

import io.rdsreplication.provider.aws.AwsClients;
import io.rdsreplication.provider.core.Cancellation;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.Progress;
import io.rdsreplication.provider.resources.types.Connection;
import io.rdsreplication.provider.mysql.ConnectionSpec;
import io.rdsreplication.provider.mysql.Session;

/**
 * What an operation may use: the provider configuration, AWS clients, connections, the user's CLI, the URN
 * of the resource it works on (empty for functions), and the provider's cancellation signal.
 *
 * Long operations stay cancellable through three calls: {@link #checkCancelled()} between steps,
 * {@link #sleep(long)} instead of {@code Thread.sleep} in waits and polls, and {@link #onCancel(Runnable)} to
 * abort something blocked (a JDBC connection inside a statement). Each ends the operation with
 * {@link Cancellation.Cancelled} once the engine has sent Cancel.
 */
public record Context(ProviderConfig config, AwsClients aws, Progress progress, String urn, Cancellation cancellation) {

    /** A context whose cancellation signal never trips. */
    public Context(ProviderConfig config, AwsClients aws, Progress progress, String urn) {
        this(config, aws, progress, urn, Cancellation.never());
    }

    /** Throws {@link Cancellation.Cancelled} when the engine has cancelled. */
    public void checkCancelled() {
        cancellation.check();
    }

    /** Waits {@code millis} ms; ends at once with {@link Cancellation.Cancelled} when the engine cancels. */
    public void sleep(long millis) {
        cancellation.sleep(millis);
    }

    /** Runs {@code hook} on Cancel (at once if already cancelled); close the registration when done. */
    public Cancellation.Registration onCancel(Runnable hook) {
        return cancellation.onCancel(hook);
    }

    /** The connection for {@code role} ("source" or "replica"): the resource's own, else the provider's. */
    public ConnectionSpec connection(Connection own, String role) {
        Connection c = own != null ? own : config == null ? null : role.equals("source") ? config.source() : config.replica();
        if (c == null) {
            throw new ProviderException.InvalidInput(role, "no connection given: set `" + role
                    + "` on the resource or `rdsreplication:" + role + "` in the provider configuration");
        }
        return c.spec();
    }

    public Session open(Connection own, String role) {
        return Session.open(connection(own, role), role);
    }

    /**
     * A tag naming the resource this operation works on (a hex digest of its URN), stable across attempts: a create
     * that finds its own tag on an existing object finishes an earlier attempt whose answer was lost. Null without
     * a URN.
     */
    public String ownerTag() {
        if (urn == null || urn.isEmpty()) return null;
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(urn.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Context withProgress(Progress p) {
        return new Context(config, aws, p, urn, cancellation);
    }
}
