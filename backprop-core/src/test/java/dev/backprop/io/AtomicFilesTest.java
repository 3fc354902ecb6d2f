package dev.backprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<Path> filesInDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void writeCreatesAndThenReplacesTheFileLeavingNoTemporaryFile() throws IOException {
        Path target = dir.resolve("model.bin");
        AtomicFiles.write(target, "first".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(target, "second, longer".getBytes(StandardCharsets.UTF_8));
        assertEquals("second, longer", Files.readString(target));
        assertEquals(List.of(target), filesInDir());
    }

    @Test
    void writerThrowingIOExceptionMidWriteLeavesPreviousFileIntactAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("model.bin");
        AtomicFiles.write(target, "previous content".getBytes(StandardCharsets.UTF_8));
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]); // more than one buffer's worth reaches the temporary file
            throw new IOException("disk full (simulated)");
        }));
        assertEquals(target.toAbsolutePath() + ": cannot write: disk full (simulated)", thrown.getMessage());
        assertEquals("previous content", Files.readString(target));
        assertEquals(List.of(target), filesInDir());
    }

    @Test
    void writerThrowingRuntimeExceptionLeavesPreviousFileIntactAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("model.bin");
        byte[] previous = {1, 2, 3};
        AtomicFiles.write(target, previous);
        assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[] {9, 9});
            throw new UncheckedIOException(new IOException("crash (simulated)"));
        }));
        assertArrayEquals(previous, Files.readAllBytes(target));
        assertEquals(List.of(target), filesInDir());
    }

    @Test
    void failingFirstWriteCreatesNothing() throws IOException {
        Path target = dir.resolve("new.bin");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            throw new IOException("fails at once");
        }));
        assertEquals(List.of(), filesInDir());
    }

    @Test
    void createsMissingParentDirectories() throws IOException {
        Path target = dir.resolve("a/b/c.bin");
        AtomicFiles.write(target, new byte[] {7});
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(target));
    }

    @Test
    void newFilesAreReadableByOthersAndReplacedFilesKeepTheirPermissions(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path fresh = dir.resolve("fresh.bin");
        AtomicFiles.write(fresh, new byte[] {1});
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
        Files.setPosixFilePermissions(fresh, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----"));
        AtomicFiles.write(fresh, new byte[] {2});
        assertEquals("rw-rw----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
    }
}
