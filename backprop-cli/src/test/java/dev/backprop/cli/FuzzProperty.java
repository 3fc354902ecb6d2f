package dev.backprop.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The property every reader's fuzz test checks (a copy of backprop-core's test class, which this module's tests
 * cannot see): reading a hostile file either succeeds or fails with one of the reader's documented exception types, whose message names the file, within {@link #MAX_SECONDS} and allocating at
 * most {@link #MAX_ALLOCATED_BYTES} on the reading thread. Anything else (a {@code NullPointerException}, an
 * {@code ArithmeticException}, an {@code OutOfMemoryError}, a message that does not say which file is at fault,
 * a file that takes seconds or gigabytes) is thrown as an {@link AssertionError}, which Jazzer reports as a finding.
 */
final class FuzzProperty {
    /** The fuzzer's inputs are a few kilobytes: anything near this many bytes allocated is a reader trusting a size. */
    public static final long MAX_ALLOCATED_BYTES = 256L << 20;
    /** Generous for a few kilobytes, on a loaded machine with a cold JIT. */
    public static final double MAX_SECONDS = 5;

    private static final Path DIR;
    private static boolean warm;

    static {
        try {
            DIR = Files.createTempDirectory("backprop-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(DIR)));
    }

    /** A read of one file that may fail. */
    @FunctionalInterface
    public interface Read {
        /**
         * Reads.
         *
         * @throws Exception whatever the reader throws
         */
        void run() throws Exception;
    }

    private FuzzProperty() {
    }

    /**
     * A fresh, empty folder for one input (the previous input's folder is deleted first).
     *
     * @param name the folder's name under the fuzzing temp folder
     * @return the folder
     * @throws IOException if it cannot be made
     */
    public static Path freshDir(String name) throws IOException {
        Path d = DIR.resolve(name);
        deleteTree(d);
        return Files.createDirectories(d);
    }

    /**
     * Writes {@code data} to {@code name} in the fuzzing temp folder, replacing the previous input.
     *
     * @param name the file name (its extension may select the format)
     * @param data the bytes
     * @return the file
     * @throws IOException if it cannot be written
     */
    public static Path file(String name, byte[] data) throws IOException {
        return Files.write(DIR.resolve(name), data);
    }

    /**
     * Runs {@code read} and checks the property.
     *
     * @param named the file the message of a failure must name
     * @param read the read
     * @param allowed the documented exception types
     */
    @SafeVarargs
    public static void check(Path named, Read read, Class<? extends Throwable>... allowed) {
        if (!warm) { // the first read loads (and, when fuzzing, instruments) the reader's classes: not its cost
            warm = true;
            try {
                read.run();
            } catch (Throwable ignored) {
                // judged below, on the measured run
            }
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long bytes0 = mx.getThreadAllocatedBytes(id);
        long t0 = System.nanoTime();
        Throwable failure = null;
        try {
            read.run();
        } catch (Throwable t) {
            failure = t;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long allocated = mx.getThreadAllocatedBytes(id) - bytes0;
        if (failure != null) {
            Throwable f = failure;
            if (Stream.of(allowed).noneMatch(c -> c.isInstance(f))) {
                throw new AssertionError("undocumented " + f.getClass().getName() + ": " + f.getMessage(), f);
            }
            if (f.getMessage() == null || !f.getMessage().contains(named.toString())) {
                throw new AssertionError("the message does not name " + named + ": " + f, f);
            }
        }
        if (seconds > MAX_SECONDS) {
            throw new AssertionError(String.format("took %.1f s (limit %.0f s)", seconds, MAX_SECONDS), failure);
        }
        if (allocated > MAX_ALLOCATED_BYTES) {
            throw new AssertionError("allocated " + allocated + " bytes (limit " + MAX_ALLOCATED_BYTES + ")", failure);
        }
    }

    private static void deleteTree(Path d) {
        if (!Files.exists(d)) {
            return;
        }
        try (Stream<Path> s = Files.walk(d)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
