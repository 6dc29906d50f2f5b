package io.rdsreplication.provider.mysql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A replication channel of the RDS instance. The default channel ({@code ''}) is what the runbook configures, with
 * the plain procedures; a named channel is RDS for MySQL's multi-source replication (8.0.35+, 8.4: up to 15
 * channels), driven by the {@code *_for_channel} procedures, which take the channel as their last argument.
 * MySQL compares channel names without regard to case.
 */
public record Channel(String name) {
    public static final Channel DEFAULT = new Channel("");
    /** RDS's limit on channels of one instance. */
    public static final int MAX_CHANNELS = 15;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");

    public static Channel of(String name) {
        return name == null || name.isEmpty() ? DEFAULT : new Channel(name);
    }

    public boolean isDefault() {
        return name.isEmpty();
    }

    /** Whether a {@code Channel_Name} read from the server names this channel. */
    public boolean names(String channelName) {
        return name.equalsIgnoreCase(channelName == null ? "" : channelName);
    }

    /** Why a channel name cannot be used, or null. */
    public static String invalid(String name) {
        if (name == null || name.isEmpty()) return null;
        if (!NAME.matcher(name).matches()) {
            return "must be 1-64 letters, digits, '_', '.' or '-' (not starting with '.' or '-'), got " + Validation.show(name);
        }
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("group_replication_")) return "names a channel MySQL reserves for group replication";
        return null;
    }

    /**
     * The procedure that does {@code base} (a default-channel name such as {@code rds_start_replication}) on this
     * channel, with its arguments: unchanged on the default channel, {@code base_for_channel(args…, channel)} on a
     * named one.
     */
    public String procedure(String base) {
        String b = base.startsWith("mysql.") ? base.substring("mysql.".length()) : base;
        return "mysql." + (isDefault() ? b : b + "_for_channel");
    }

    public Object[] args(Object... args) {
        if (isDefault()) return args;
        List<Object> out = new ArrayList<>(Arrays.asList(args));
        out.add(name);
        return out.toArray();
    }

    /** "the default channel" or "channel 'x'", for messages. */
    public String label() {
        return isDefault() ? "the default channel" : "channel '" + name + "'";
    }

    /** " FOR CHANNEL 'x'" for statements a user may run by hand; empty on the default channel. */
    public String forChannel() {
        return isDefault() ? "" : " FOR CHANNEL '" + name + "'";
    }

    @Override
    public String toString() {
        return name;
    }
}
