package dev.backprop.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What {@code train --out DIR} may do with a folder that already exists. A run folder is the user's data: training
 * into one that holds files is a usage error unless {@code --force} asks to replace it, and even then only the files
 * a run writes are deleted, never a file it did not write, and never through a symbolic link.
 */
final class RunFolders {
    /** The names a run writes at the top of its folder. */
    private static final Set<String> RUN_FILES = Set.of("config.json", "initial.safetensors", "model.json",
            "model.safetensors", "metrics.jsonl", "findings.json", "report.html");
    /** What a checkpoint writes inside checkpoint/. */
    private static final Pattern CHECKPOINT_FILE =
            Pattern.compile("trainer\\.json|(model|optimizer)-e[0-9]+\\.safetensors");
    /** Temporary files left by an interrupted atomic write. */
    private static final Pattern TEMPORARY = Pattern.compile("\\..*\\.tmp|.*\\.tmp");

    private RunFolders() {
    }

    /**
     * Checks {@code dir} before anything is written: it may be missing or an empty folder; a non-empty one needs
     * {@code force} and must hold only what a run writes, which is then deleted.
     *
     * @throws UsageError naming the folder and what to do
     */
    static void prepare(Path dir, boolean force) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new UsageError("--out " + dir + " exists and is not a folder (or is a symbolic link)");
        }
        List<String> entries = list(dir);
        if (entries.isEmpty()) {
            return;
        }
        if (!force) {
            throw new UsageError("--out " + dir + " already holds a run (" + summary(entries) + "); continue it with"
                    + " --resume " + dir + ", replace it with --force, or choose another --out");
        }
        TreeSet<String> foreign = new TreeSet<>();
        for (String name : entries) {
            Path p = dir.resolve(name);
            boolean ours = name.equals("checkpoint") ? checkpointOnly(p) : isRegular(p)
                    && (RUN_FILES.contains(name) || TEMPORARY.matcher(name).matches());
            if (!ours) {
                foreign.add(name);
            }
        }
        if (!foreign.isEmpty()) {
            throw new UsageError("--force would replace " + dir + ", but it holds files a run does not write "
                    + summary(List.copyOf(foreign)) + "; nothing was deleted: move them or choose another --out");
        }
        for (String name : entries) {
            Path p = dir.resolve(name);
            if (name.equals("checkpoint")) {
                for (String c : list(p)) {
                    Files.delete(p.resolve(c));
                }
            }
            Files.delete(p);
        }
    }

    /** True when {@code p} is a real folder (not a link) holding only a checkpoint's regular files. */
    private static boolean checkpointOnly(Path p) throws IOException {
        if (Files.isSymbolicLink(p) || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        for (String c : list(p)) {
            if (!isRegular(p.resolve(c)) || !(CHECKPOINT_FILE.matcher(c).matches() || TEMPORARY.matcher(c).matches())) {
                return false;
            }
        }
        return true;
    }

    private static boolean isRegular(Path p) {
        return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
    }

    private static List<String> list(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                names.add(p.getFileName().toString());
            }
        }
        names.sort(null);
        return names;
    }

    private static String summary(List<String> names) {
        return names.size() <= 5 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 4)) + " and " + (names.size() - 4) + " more";
    }
}
