package io.rdsreplication.provider.it;

import io.rdsreplication.provider.testing.TestBed;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An application writing one row at a time (autocommit) the whole time, as a user's application would: to the
 * source, and to the RDS instance once told to switch. It keeps every acknowledged id per side and the longest
 * interval between two acknowledged writes (the write downtime it saw). Bounded by rows and by time.
 */
final class Writer implements Runnable {
    final String user;
    final String password;
    final String table;
    final List<Long> sourceAcked = new CopyOnWriteArrayList<>();
    final List<Long> replicaAcked = new CopyOnWriteArrayList<>();
    volatile boolean toReplica;
    volatile boolean stop;
    volatile long longestGapMillis;
    volatile long gapEndedNanos;
    volatile long lastOkNanos;
    volatile long lastSourceOkNanos;
    volatile long firstReplicaOkNanos;
    volatile Throwable unexpected;
    private final int maxRows;
    private final long maxNanos;
    private final Thread thread;

    Writer(String user, String password, String table, int maxRows, int maxSeconds) {
        this.user = user;
        this.password = password;
        this.table = table;
        this.maxRows = maxRows;
        this.maxNanos = maxSeconds * 1_000_000_000L;
        this.thread = new Thread(this, "writer");
        thread.setDaemon(true);
    }

    Writer start() {
        thread.start();
        return this;
    }

    void stopAndJoin() throws InterruptedException {
        stop = true;
        thread.join(30_000);
    }

    /** Waits (bounded) until {@code n} more rows were acknowledged on the side being written now. */
    void awaitMoreAcks(int n, int seconds) throws InterruptedException {
        List<Long> side = toReplica ? replicaAcked : sourceAcked;
        int target = side.size() + n;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (side.size() < target && System.nanoTime() < end && thread.isAlive()) Thread.sleep(10);
        if (side.size() < target) throw new AssertionError("the writer acknowledged " + side.size() + " rows, not " + target);
    }

    /** Last acknowledged write on the source → first on the RDS instance: what the application saw of the cutover. */
    long cutoverGapMillis() {
        if (lastSourceOkNanos == 0 || firstReplicaOkNanos == 0) throw new AssertionError("the writer did not write on both sides");
        return (firstReplicaOkNanos - lastSourceOkNanos) / 1_000_000L;
    }

    @Override
    public void run() {
        long started = System.nanoTime();
        long id = 0;
        Connection c = null;
        boolean onReplica = false;
        try {
            while (!stop && id < maxRows && System.nanoTime() - started < maxNanos) {
                boolean want = toReplica;
                try {
                    if (c == null || want != onReplica) {
                        if (c != null) c.close();
                        c = TestBed.connect(want ? TestBed.replicaPort() : TestBed.sourcePort(), user, password);
                        onReplica = want;
                    }
                    id++;
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, side) VALUES (?, ?)")) {
                        ps.setLong(1, id);
                        ps.setString(2, onReplica ? "replica" : "source");
                        ps.executeUpdate();
                    }
                    long now = System.nanoTime();
                    if (lastOkNanos != 0 && (now - lastOkNanos) / 1_000_000L > longestGapMillis) {
                        longestGapMillis = (now - lastOkNanos) / 1_000_000L;
                        gapEndedNanos = now;
                    }
                    lastOkNanos = now;
                    if (!onReplica) lastSourceOkNanos = now;
                    else if (firstReplicaOkNanos == 0) firstReplicaOkNanos = now;
                    (onReplica ? replicaAcked : sourceAcked).add(id);
                } catch (SQLException e) {
                    // read-only (1290), a killed session, a refused login: the application retries
                    if (c != null && isBroken(c)) {
                        try {
                            c.close();
                        } catch (SQLException ignored) {
                            // gone already
                        }
                        c = null;
                    }
                    Thread.sleep(2);
                }
                Thread.sleep(1);
            }
        } catch (Throwable t) {
            unexpected = t;
        } finally {
            try {
                if (c != null) c.close();
            } catch (SQLException ignored) {
                // closing
            }
        }
    }

    private static boolean isBroken(Connection c) {
        try {
            return !c.isValid(2);
        } catch (SQLException e) {
            return true;
        }
    }
}
