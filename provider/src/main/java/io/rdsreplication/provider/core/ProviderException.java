package io.rdsreplication.provider.core;

import java.util.List;
import java.util.Map;

/**
 * Every failure the provider reports on purpose. The gRPC layer maps each kind to a status in one place
 * ({@code rpc.ErrorMapper}); messages are for users: they say what is wrong and what to do, never carry a
 * password or a stack trace.
 */
public sealed class ProviderException extends RuntimeException {
    public ProviderException(String message) {
        super(message);
    }

    public ProviderException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Invalid input, with one failure per property. */
    public static final class InvalidInput extends ProviderException {
        private final List<CheckFailure> failures;

        public InvalidInput(List<CheckFailure> failures) {
            super(summary(failures));
            this.failures = List.copyOf(failures);
        }

        public InvalidInput(String property, String reason) {
            this(List.of(new CheckFailure(property, reason)));
        }

        public List<CheckFailure> failures() {
            return failures;
        }

        private static String summary(List<CheckFailure> failures) {
            StringBuilder sb = new StringBuilder();
            for (CheckFailure f : failures) {
                if (sb.length() > 0) sb.append("; ");
                sb.append(f.property()).append(": ").append(f.reason());
            }
            return sb.toString();
        }
    }

    /** The thing does not exist (Read then reports it gone). */
    public static final class NotFound extends ProviderException {
        public NotFound(String message) {
            super(message);
        }
    }

    /** The operation cannot be done in the current state; the message says what to do. */
    public static non-sealed class Precondition extends ProviderException {
        public Precondition(String message) {
            super(message);
        }

        public Precondition(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A server or AWS call failed for a reason outside the provider (unreachable, timed out, refused). */
    public static final class Remote extends ProviderException {
        public Remote(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Create got halfway: the object exists with these outputs, but a later step failed. */
    public static final class ResourceInitFailed extends ProviderException {
        private final String id;
        private final Map<String, Object> outputs;

        public ResourceInitFailed(String id, Map<String, Object> outputs, String reason, Throwable cause) {
            super(reason, cause);
            this.id = id;
            this.outputs = outputs;
        }

        public String id() {
            return id;
        }

        public Map<String, Object> outputs() {
            return outputs;
        }
    }
}
