package io.rdsreplication.provider.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test instrumentation for fault tests: with {@code RDSREPLICATION_PAUSE_AT=<point>=<file>} in the plugin's
 * environment, the plugin writes its process id into {@code file} when it reaches {@code point} and then waits there
 * (at most two minutes), so a test can kill exactly that process at exactly that point. Unset, as in every real use, it costs one environment lookup.
 */
public final class PausePoint {
    public static final String VARIABLE = "RDSREPLICATION_PAUSE_AT";
    static final long MAX_MILLIS = 120_000;

    private PausePoint() {
    }

    public static void reached(String point) {
        String v = System.getenv(VARIABLE);
        if (v == null || !v.startsWith(point + "=")) return;
        try {
            Files.writeString(Path.of(v.substring(point.length() + 1)), Long.toString(ProcessHandle.current().pid()));
            Thread.sleep(MAX_MILLIS);
        } catch (IOException e) {
            throw new IllegalStateException(VARIABLE + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
