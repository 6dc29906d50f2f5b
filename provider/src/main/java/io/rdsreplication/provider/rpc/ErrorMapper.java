package io.rdsreplication.provider.rpc;

import com.google.protobuf.Any;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.rdsreplication.provider.core.ProviderException;
import pulumirpc.Provider.ErrorResourceInitFailed;

import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Typed exceptions → gRPC status, in one place. The user sees the message only; stack traces go to the
 * provider log (stderr), never to the CLI.
 */
public final class ErrorMapper {
    private static final Logger LOG = Logger.getLogger(ErrorMapper.class.getName());

    private ErrorMapper() {
    }

    public static StatusRuntimeException toStatus(Throwable t, String op, Map<String, Object> inputs) {
        if (t instanceof StatusRuntimeException s) return s;
        LOG.log(Level.FINE, op + " failed", t);
        if (t instanceof ProviderException.ResourceInitFailed f) {
            com.google.rpc.Status st = com.google.rpc.Status.newBuilder()
                    .setCode(Status.Code.UNKNOWN.value())
                    .setMessage(f.getMessage())
                    .addDetails(Any.pack(ErrorResourceInitFailed.newBuilder()
                            .setId(f.id())
                            .setProperties(PropertyCodec.encode(f.outputs()))
                            .setInputs(PropertyCodec.encode(inputs == null ? Map.of() : inputs))
                            .addReasons(f.getMessage())
                            .build()))
                    .build();
            return io.grpc.protobuf.StatusProto.toStatusRuntimeException(st);
        }
        if (t instanceof ProviderException.InvalidInput e) {
            return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
        if (t instanceof ProviderException.NotFound e) {
            return Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException();
        }
        if (t instanceof ProviderException.Remote e) {
            return Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException();
        }
        if (t instanceof ProviderException e) {
            return Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
        }
        LOG.log(Level.SEVERE, op + ": unexpected error", t);
        return Status.INTERNAL.withDescription(op + ": internal error (" + t.getClass().getSimpleName()
                + "); the provider log has details, run with -v=9 --logtostderr").asRuntimeException();
    }
}
