package dev.backprop.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file all at once or not at all.
 *
 * <p>The content goes to a temporary file in the target's own directory (so that both lie on the same file
 * system), is flushed to the device, and then replaces the target with one rename: {@code ATOMIC_MOVE} where the
 * file system supports it, otherwise {@code REPLACE_EXISTING}. A reader therefore sees either the old file or the
 * complete new one. Where the platform allows, the directory is flushed too, so that the rename survives a power
 * cut. If the writer fails, the temporary file is deleted and the old file is left untouched. The new file keeps
 * the permissions of the file it replaces (rw-r--r-- for a new file) on POSIX file systems.
 */
public final class AtomicFiles {
    /**
     * Test seam for fault tests: {@code -Dbackprop.test.failWrite=NAME:BYTES} makes the write of the file named
     * {@code NAME} fail with "No space left on device" after {@code BYTES} bytes, as a full disk would. Unset in
     * normal use.
     */
    private static final String FAIL_WRITE = System.getProperty("backprop.test.failWrite");

    private AtomicFiles() {
    }

    /** Produces a file's content on a stream; it may throw, in which case nothing is replaced. */
    @FunctionalInterface
    public interface ContentWriter {
        /**
         * Writes the whole content to {@code out}; the caller flushes and closes the stream.
         *
         * @param out the (buffered) stream to the temporary file
         * @throws IOException if the content cannot be produced or written; the target is then left as it was
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Replaces (or creates) {@code target} with the bytes {@code writer} produces, creating missing parent
     * directories.
     *
     * @param target the file to replace or create
     * @param writer produces the content; if it throws (an IOException, a runtime exception or an error), the
     *        temporary file is deleted and the exception is rethrown
     * @throws IOException if writing or renaming fails, naming {@code target}; the previous content of
     *     {@code target}, if any, is kept
     */
    public static void write(Path target, ContentWriter writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
        try {
            try {
                writeAndSync(tmp, absolute, writer);
            } catch (IOException e) {
                String m = String.valueOf(e.getMessage());
                if (!m.contains(absolute.toString()) && !m.contains(tmp.toString())) {
                    // a full disk says only "No space left on device": say which file could not be written
                    throw new IOException(absolute + ": cannot write: " + m, e);
                }
                throw e;
            }
            keepPermissions(tmp, absolute);
            move(tmp, absolute);
            syncDirectory(dir);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Replaces (or creates) {@code target} with {@code bytes}, as {@link #write(Path, ContentWriter)} does.
     *
     * @param target the file to replace or create
     * @param bytes the whole new content
     * @throws IOException if writing or renaming fails; the previous content of {@code target}, if any, is kept
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    private static void writeAndSync(Path tmp, Path target, ContentWriter writer) throws IOException {
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new BufferedOutputStream(failing(Channels.newOutputStream(channel), target), 1 << 16);
            writer.writeTo(out);
            out.flush();
            channel.force(true);
        }
    }

    /** {@code out}, or a stream that fails as a full disk would when the test seam {@link #FAIL_WRITE} names it. */
    private static OutputStream failing(OutputStream out, Path target) {
        if (FAIL_WRITE == null || FAIL_WRITE.lastIndexOf(':') < 0) {
            return out;
        }
        int colon = FAIL_WRITE.lastIndexOf(':');
        if (!target.getFileName().toString().equals(FAIL_WRITE.substring(0, colon))) {
            return out;
        }
        long limit = Long.parseLong(FAIL_WRITE.substring(colon + 1));
        return new java.io.FilterOutputStream(out) {
            private long written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (written + len > limit) {
                    out.write(b, off, (int) Math.max(0, limit - written));
                    written = limit;
                    throw new IOException("No space left on device (simulated: backprop.test.failWrite)");
                }
                out.write(b, off, len);
                written += len;
            }
        };
    }

    /**
     * Gives the temporary file the permissions of the file it replaces, or rw-r--r-- for a new file (a temporary
     * file starts private, which would make reports and models unreadable to other users).
     */
    private static void keepPermissions(Path tmp, Path target) throws IOException {
        if (!tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.exists(target)
                ? Files.getPosixFilePermissions(target)
                : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(tmp, perms);
    }

    /** Makes the rename itself durable where the platform allows opening a directory (Linux, macOS); else a no-op. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not supported here (e.g. Windows); the rename has happened, only its durability is up to the OS.
        }
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
