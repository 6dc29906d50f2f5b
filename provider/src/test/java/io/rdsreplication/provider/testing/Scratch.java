package io.rdsreplication.provider.testing;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;

/**
 * The tests' temporary files and folders, all under one folder per test JVM that is deleted when the JVM exits.
 * A suite run used to leave each test's work folders (a copied plugin of 75 MiB, Pulumi stacks, logs) in /tmp, and
 * a few hundred runs filled the disk. Set RDSREPLICATION_KEEP_TEST_FILES=1 to keep them for a post-mortem.
 */
public final class Scratch {
    private static Path root;

    private Scratch() {}

    private static synchronized Path root() throws IOException {
        if (root == null) {
            Path r = Files.createTempDirectory("rdsrepl-tests");
            if (!"1".equals(System.getenv("RDSREPLICATION_KEEP_TEST_FILES"))) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(r), "scratch-cleanup"));
            }
            root = r;
        }
        return root;
    }

    public static Path dir(String prefix) throws IOException {
        return Files.createTempDirectory(root(), prefix);
    }

    public static Path file(String prefix, String suffix, FileAttribute<?>... attrs) throws IOException {
        return Files.createTempFile(root(), prefix, suffix, attrs);
    }

    /** Deletes a tree, best effort: a file still held open by a process elsewhere goes with its folder on Linux. */
    public static void deleteTree(Path top) {
        if (!Files.exists(top)) return;
        try {
            Files.walkFileTree(top, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    Files.deleteIfExists(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // best effort: what is left is under the system's temp folder
        }
    }
}
