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
    private static final Set<String> RUN_FILES = Set.of("config.json", "spark.json", "initial.safetensors",
            "model.json", "model.safetensors", "metrics.jsonl", "findings.json", "report.html", RunFiles.SPLIT,
            RunFiles.EVALUATION);
    /** What a checkpoint writes inside checkpoint/. */
    private static final Pattern CHECKPOINT_FILE =
            Pattern.compile("trainer\\.json|(model|optimizer)-e[0-9]+\\.safetensors|best-model\\.safetensors");
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

    /**
     * Checks that {@code dir} can be resumed without following a link out of it: the folder, its config.json, its
     * checkpoint/ and (when present) metrics.jsonl must be real files and folders, not symbolic links.
     *
     * @throws UsageError naming what is wrong
     */
    static void checkResumable(Path dir) {
        if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new UsageError("--resume " + dir + ": not a run folder (or a symbolic link to one)");
        }
        for (String name : List.of("config.json", "checkpoint", "metrics.jsonl")) {
            if (Files.isSymbolicLink(dir.resolve(name))) {
                throw new UsageError("--resume " + dir + ": " + name + " is a symbolic link; a run folder's files"
                        + " must be its own (nothing was written)");
            }
        }
        if (!Files.isDirectory(dir.resolve("checkpoint"), LinkOption.NOFOLLOW_LINKS)) {
            throw new UsageError("--resume " + dir + ": no checkpoint/ to resume from");
        }
    }

    /** Deletes the temporary files an interrupted atomic write left in {@code dir} and its checkpoint/. */
    static void removeStaleTemporaries(Path dir) throws IOException {
        for (Path folder : List.of(dir, dir.resolve("checkpoint"))) {
            if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(folder)) {
                continue;
            }
            for (String name : list(folder)) {
                Path p = folder.resolve(name);
                if (name.startsWith(".") && TEMPORARY.matcher(name).matches() && isRegular(p)) {
                    Files.delete(p);
                }
            }
        }
    }

    /**
     * Cuts metrics.jsonl back to what an uninterrupted run had written after epoch {@code completedEpochs}: the
     * lines of later epochs (written before a crash, after the last checkpoint) and a partial last line are
     * dropped, so that the resumed run's lines follow as if it had never stopped. The file is rewritten atomically,
     * and only when something is dropped.
     */
    static void truncateMetrics(Path file, int completedEpochs) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        StringBuilder kept = new StringBuilder();
        int start = 0;
        boolean dropped = false;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) { // a last line without its newline: cut off mid-write
                dropped = true;
                break;
            }
            String line = text.substring(start, end);
            start = end + 1;
            int epoch = epochOf(line);
            if (epoch >= 0 && epoch <= completedEpochs) {
                kept.append(line).append('\n');
            } else {
                dropped = true;
            }
        }
        if (dropped) {
            dev.backprop.io.AtomicFiles.write(file, kept.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** The "epoch" of a metrics line, or -1 when the line is not a JSON object with one. */
    private static int epochOf(String line) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = dev.backprop.diagnose.MetricsJson.mapper().readTree(line);
            return n != null && n.path("epoch").canConvertToInt() && n.path("epoch").isIntegralNumber()
                    ? n.path("epoch").asInt() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static String summary(List<String> names) {
        return names.size() <= 5 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 4)) + " and " + (names.size() - 4) + " more";
    }
}
