package dev.backprop.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.Model;
import dev.backprop.kernel.Gemm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's library example runs and learns; the README shows exactly its code. The build runs this class twice:
 * in the normal test JVM and in one started without {@code --add-modules jdk.incubator.vector}, where the kernels
 * fall back to plain loops.
 */
class LibraryExampleTest {
    @TempDir
    Path tmp;

    @Test
    void buildsTrainsSavesLoadsAndPredicts() throws Exception {
        int[] classes = LibraryExample.run(tmp);
        assertTrue(LibraryExample.lastAccuracy > 0.9, "test accuracy " + LibraryExample.lastAccuracy);
        Model loaded = Model.load(tmp);
        assertEquals(List.of("arm 1", "arm 2"), loaded.classNames());
        assertArrayEquals(classes, loaded.predict(new float[][] {{0.1f, 0.2f}, {-0.5f, 0.7f}}));
        assertEquals(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), Gemm.VECTORIZED);
    }

    @Test
    void theReadmeShowsTheExamplesCode() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("README.md"))) {
            root = root.getParent();
        }
        String source = Files.readString(root.resolve(
                "backprop-core/src/test/java/dev/backprop/examples/LibraryExample.java"));
        String code = source.substring(source.indexOf("// README:begin\n") + "// README:begin\n".length(),
                source.indexOf("        // README:end"));
        String dedented = code.lines().map(l -> l.startsWith("        ") ? l.substring(8) : l)
                .reduce("", (a, b) -> a + b + "\n");
        String readme = Files.readString(root.resolve("README.md"));
        assertTrue(readme.contains(dedented), "README.md must contain the example's code verbatim:\n" + dedented);
    }
}
