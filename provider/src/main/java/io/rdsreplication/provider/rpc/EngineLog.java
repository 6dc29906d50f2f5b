package io.rdsreplication.provider.rpc;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.rdsreplication.provider.core.Progress;
import pulumirpc.EngineGrpc;
import pulumirpc.EngineOuterClass.LogRequest;
import pulumirpc.EngineOuterClass.LogSeverity;

import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/** Messages to the user's CLI through the engine's Log RPC (ephemeral status lines for long operations). */
public final class EngineLog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EngineLog.class.getName());
    private final ManagedChannel channel;
    private final EngineGrpc.EngineBlockingStub stub;

    public EngineLog(String engineAddress) {
        if (engineAddress == null || engineAddress.isBlank()) {
            channel = null;
            stub = null;
        } else {
            channel = ManagedChannelBuilder.forTarget(engineAddress).usePlaintext().build();
            stub = EngineGrpc.newBlockingStub(channel);
        }
    }

    public Progress forResource(String urn) {
        return new Progress() {
            @Override
            public void status(String message) {
                send(LogSeverity.INFO, message, urn, true);
            }

            @Override
            public void info(String message) {
                send(LogSeverity.INFO, message, urn, false);
            }

            @Override
            public void warn(String message) {
                send(LogSeverity.WARNING, message, urn, false);
            }
        };
    }

    private void send(LogSeverity sev, String message, String urn, boolean ephemeral) {
        LOG.fine(() -> (ephemeral ? "status: " : sev + ": ") + message);
        if (stub == null) return;
        try {
            stub.withDeadlineAfter(5, TimeUnit.SECONDS).log(LogRequest.newBuilder().setSeverity(sev)
                    .setMessage(message).setUrn(urn == null ? "" : urn).setEphemeral(ephemeral).build());
        } catch (RuntimeException e) {
            LOG.fine("engine log failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        if (channel != null) channel.shutdownNow();
    }
}
