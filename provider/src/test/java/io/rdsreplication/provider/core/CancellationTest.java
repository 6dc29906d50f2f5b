package io.rdsreplication.provider.core;

import io.rdsreplication.provider.resources.Context;
import io.rdsreplication.provider.resources.ProviderConfig;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CancellationTest {
    @Test
    void cancelWakesASleeperRunsHooksOnceAndStays() throws Exception {
        Cancellation c = new Cancellation();
        Context ctx = new Context(ProviderConfig.EMPTY, null, Progress.NONE, "", c);
        ctx.checkCancelled();
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger removed = new AtomicInteger();
        Cancellation.Registration gone = ctx.onCancel(removed::incrementAndGet);
        gone.close();
        ctx.onCancel(ran::incrementAndGet);
        // an hour-long sleep that the cancel ends
        CompletableFuture<Throwable> sleeper = CompletableFuture.supplyAsync(() -> {
            try {
                ctx.sleep(3_600_000);
                return null;
            } catch (Cancellation.Cancelled e) {
                return e;
            }
        });
        assertFalse(sleeper.isDone());
        c.cancel();
        c.cancel();
        assertTrue(sleeper.get(60, TimeUnit.SECONDS) instanceof Cancellation.Cancelled);
        assertEquals(1, ran.get());
        assertEquals(0, removed.get(), "a closed registration does not run");
        assertThrows(Cancellation.Cancelled.class, ctx::checkCancelled);
        AtomicInteger late = new AtomicInteger();
        ctx.onCancel(late::incrementAndGet);
        assertEquals(1, late.get(), "a hook registered after Cancel runs at once");
    }

    @Test
    void aContextWithoutSignalSleepsAndNeverCancels() {
        Context ctx = new Context(ProviderConfig.EMPTY, null, Progress.NONE, "");
        ctx.sleep(1);
        ctx.checkCancelled();
        assertTrue(ctx.cancellation() != null);
    }
}
