package io.rdsreplication.provider.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The provider-wide cancellation signal, tripped by the engine's {@code Cancel} RPC (the user pressed Ctrl-C,
 * or the engine is shutting down). Long operations see it in three ways:
 * <ul>
 *   <li>{@link #check()} between steps (each batch of a copy, each poll of a wait) throws {@link Cancelled};</li>
 *   <li>{@link #sleep(long)} is a wait that ends at once, with {@link Cancelled}, when the signal trips;</li>
 *   <li>{@link #onCancel(Runnable)} registers a hook run when it trips (e.g. aborting a JDBC connection that is
 *       blocked in a statement, so the server ends the statement and drops that connection's locks).</li>
 * </ul>
 * A cancelled provider stays cancelled: the engine sends Cancel before it shuts the plugin down.
 */
public final class Cancellation {
    /** A signal that never trips (tests, tools). */
    public static Cancellation never() {
        return new Cancellation();
    }

    /** Thrown where an operation stops because of Cancel; maps to FAILED_PRECONDITION with its message. */
    public static final class Cancelled extends ProviderException.Precondition {
        public Cancelled(String message) {
            super(message);
        }
    }

    /** A registered hook; {@link #close()} removes it (the operation it guarded is over). */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private final Object lock = new Object();
    private final List<Runnable> hooks = new ArrayList<>();
    private boolean cancelled;

    /** Trips the signal: wakes every {@link #sleep}, runs every hook once. Idempotent. */
    public void cancel() {
        List<Runnable> run;
        synchronized (lock) {
            if (cancelled) return;
            cancelled = true;
            run = new ArrayList<>(hooks);
            hooks.clear();
            lock.notifyAll();
        }
        for (Runnable r : run) runQuietly(r);
    }

    public boolean isCancelled() {
        synchronized (lock) {
            return cancelled;
        }
    }

    /** Throws {@link Cancelled} when the signal has tripped, or the thread was interrupted. */
    public void check() {
        if (isCancelled()) throw new Cancelled("cancelled: the operation was stopped by the engine (Cancel)");
        if (Thread.currentThread().isInterrupted()) throw new Cancelled("cancelled: the operation's thread was interrupted");
    }

    /** Waits {@code millis} ms, or less when the signal trips (then throws {@link Cancelled}). */
    public void sleep(long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        synchronized (lock) {
            while (!cancelled) {
                long left = (end - System.nanoTime()) / 1_000_000L;
                if (left <= 0) return;
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        check();
    }

    /** Runs {@code hook} when the signal trips (at once if it already has); close the result when done. */
    public Registration onCancel(Runnable hook) {
        boolean now;
        synchronized (lock) {
            now = cancelled;
            if (!now) hooks.add(hook);
        }
        if (now) {
            runQuietly(hook);
            return () -> { };
        }
        return () -> {
            synchronized (lock) {
                hooks.remove(hook);
            }
        };
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            java.util.logging.Logger.getLogger(Cancellation.class.getName()).fine("cancel hook failed: " + e);
        }
    }
}
