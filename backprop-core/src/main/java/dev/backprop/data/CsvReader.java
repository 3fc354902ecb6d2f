package dev.backprop.data;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.backprop.tensor.DType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads a table of numbers from a CSV file (RFC 4180, comma-separated, UTF-8, parsed by FastCSV) into a
 * {@link Dataset}.
 *
 * <p>The first row is a header naming the columns. One column is the label (classification) or the target
 * (regression), chosen by {@link Column#named name} or by {@link Column#at index}; every other column is a numeric
 * feature, in file order. A missing, non-numeric or non-finite value is rejected with an
 * {@link IllegalArgumentException} naming the file, the line and the column (number and name).
 *
 * <p>Labels: when every label is a non-negative integer, it is the class index itself (classes 0 .. max). Otherwise
 * the distinct label strings, sorted, become classes 0, 1, ... and are kept as {@link Dataset#classNames()}, so a
 * predicted index maps back to its string; pass those names to
 * {@link #readClassification(Path, Column, List)} to read a test file with the same mapping.
 *
 * <p>Features are returned as they are in the file; to rescale them, fit a {@link Normalizer} on the training set.
 */
public final class CsvReader {
    /**
     * The most classes a label column may define (numeric labels 0..K-1 or distinct strings), so that a small file
     * cannot make the tool allocate a huge output layer.
     */
    public static final int MAX_CLASSES = 65_536;

    /** Selects the label or target column: {@link #named by header name} or {@link #at by position}. */
    public sealed interface Column {
        /**
         * The column whose header is {@code name} (exact match, first such column).
         *
         * @param name the header text
         */
        record Named(String name) implements Column {
        }

        /**
         * The column at 0-based {@code index}; a negative index counts from the end ({@code -1} is the last).
         *
         * @param index the position
         */
        record Index(int index) implements Column {
        }

        /**
         * Selects a column by its header.
         *
         * @param name the header text (exact match)
         * @return the selector
         */
        static Column named(String name) {
            return new Named(name);
        }

        /**
         * Selects a column by position.
         *
         * @param index 0-based; negative counts from the end, -1 being the last column
         * @return the selector
         */
        static Column at(int index) {
            return new Index(index);
        }
    }

    private CsvReader() {
    }

    /**
     * Reads a classification set, inferring the classes: integer labels are class indices (classes 0 .. max), and
     * otherwise the sorted distinct label strings become classes 0, 1, ...
     *
     * @param file the CSV file
     * @param label the label column; every other column is a feature
     * @return the dataset, with its class names
     * @throws IOException if the file cannot be read or is not valid CSV
     * @throws IllegalArgumentException naming the file, line and column for a missing or non-numeric value, a row of
     *         the wrong length, an unknown label column, or a file without data rows
     */
    public static Dataset readClassification(Path file, Column label) throws IOException {
        return readClassification(file, label, null);
    }

    /**
     * Reads a classification set whose label strings are mapped to indices by {@code classNames} (index = position
     * in the list), e.g. the names of the training set when reading a test set. A label not in the list is an
     * error. With {@code classNames == null} this is {@link #readClassification(Path, Column)}.
     *
     * @param file the CSV file
     * @param label the label column; every other column is a feature
     * @param classNames the class names in index order, or null to infer them
     * @return the dataset, with these class names
     * @throws IOException if the file cannot be read or is not valid CSV
     * @throws IllegalArgumentException naming the file, line and column for a missing or non-numeric value, a row of
     *         the wrong length, an unknown label column or a label not among the class names
     */
    public static Dataset readClassification(Path file, Column label, List<String> classNames) throws IOException {
        return readClassification(file, label, classNames, DType.F32);
    }

    /**
     * {@link #readClassification(Path, Column, List)} for a model of element type {@code dtype}: for {@link DType#F32}
     * the features are stored as floats and a value outside the float range is an error; for {@link DType#F64} they
     * are stored as doubles, exactly as parsed, so an F64 model sees the file's values without rounding to float.
     *
     * @param file the CSV file
     * @param label the label column; every other column is a feature
     * @param classNames the class names in index order, or null to infer them
     * @param dtype the element type of the model the data is for
     * @return the dataset, with its class names (double features for F64)
     * @throws IOException if the file cannot be read or is not valid CSV
     * @throws IllegalArgumentException naming the file, line and column for a missing, non-numeric or (F32) out-of-range
     *         value, a row of the wrong length, an unknown label column or a label not among the class names
     */
    public static Dataset readClassification(Path file, Column label, List<String> classNames, DType dtype)
            throws IOException {
        Table t = Table.read(file, label);
        if (t.rows.isEmpty() && classNames == null) {
            throw new IllegalArgumentException(file + ": a header but no data rows, so no classes to infer");
        }
        double[] x = t.features(dtype);
        String[] raw = t.labelValues();
        List<String> names = classNames != null ? List.copyOf(classNames) : inferClassNames(t, raw);
        Map<String, Integer> index = new HashMap<>();
        for (int c = 0; c < names.size(); c++) {
            index.put(names.get(c), c);
        }
        int[] labels = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            Integer c = index.get(raw[i]);
            if (c == null) {
                throw t.error(i, t.labelColumn, "label '" + raw[i] + "' is not one of the known classes " + names);
            }
            labels[i] = c;
        }
        Dataset d = dtype == DType.F64 ? Dataset.classification(x, t.featureCount(), labels, names.size())
                : Dataset.classification(toFloats(x), t.featureCount(), labels, names.size());
        return t.named(d.withClassNames(names));
    }

    /**
     * Reads a regression set with one float target per sample.
     *
     * @param file the CSV file
     * @param target the target column; every other column is a feature
     * @return the dataset, one target per sample
     * @throws IOException if the file cannot be read or is not valid CSV
     * @throws IllegalArgumentException naming the file, line and column for a missing or non-numeric value, a row of
     *         the wrong length or an unknown target column
     */
    public static Dataset readRegression(Path file, Column target) throws IOException {
        return readRegression(file, target, DType.F32);
    }

    /**
     * {@link #readRegression(Path, Column)} for a model of element type {@code dtype}: doubles kept exactly for
     * {@link DType#F64}, floats (range-checked) for {@link DType#F32}.
     *
     * @param file the CSV file
     * @param target the target column; every other column is a feature
     * @param dtype the element type of the model the data is for
     * @return the dataset, one target per sample
     * @throws IOException if the file cannot be read or is not valid CSV
     * @throws IllegalArgumentException naming the file, line and column for a missing, non-numeric or (F32)
     *         out-of-range value, a row of the wrong length or an unknown target column
     */
    public static Dataset readRegression(Path file, Column target, DType dtype) throws IOException {
        Table t = Table.read(file, target);
        double[] x = t.features(dtype);
        double[] y = new double[t.rows.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = t.number(i, t.labelColumn, dtype);
        }
        Dataset d = dtype == DType.F64 ? Dataset.regression(x, t.featureCount(), y, 1)
                : Dataset.regression(toFloats(x), t.featureCount(), toFloats(y), 1);
        return t.named(d);
    }

    private static float[] toFloats(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }

    /**
     * Numeric features of unlabelled rows, e.g. the input of a prediction.
     *
     * @param names the feature columns' header names, in file order
     * @param values row-major {@code [rows, names.size()]}, as parsed (range-checked for float when read for an F32
     *        model)
     * @param lines the file line on which each row starts (1-based), to name a row in messages
     */
    public record Features(List<String> names, double[] values, long[] lines) {
        /**
         * Copies the list of names (the arrays are kept as given).
         *
         * @param names the feature columns' header names
         * @param values the row-major values
         * @param lines the starting line of each row
         */
        public Features {
            names = List.copyOf(names);
        }

        /** {@return the number of rows} */
        public int rows() {
            return lines.length;
        }

        /** {@return the number of features per row} */
        public int featureCount() {
            return names.size();
        }
    }

    /**
     * Reads every column as a numeric feature, except {@code ignore} (a label column to skip) when it is not null.
     * A file with a header and no rows gives zero rows. Bad values are rejected as by the other readers, naming
     * the file, the line and the column.
     *
     * @param file the CSV file
     * @param ignore a column to skip, or null to read all columns
     * @return the feature names, values and line numbers
     * @throws IOException if the file cannot be read or is not valid CSV
     * @throws IllegalArgumentException naming the file, line and column for a missing or non-numeric value, a row of
     *         the wrong length or an unknown column
     */
    public static Features readFeatures(Path file, Column ignore) throws IOException {
        return readFeatures(file, ignore, DType.F32);
    }

    /**
     * {@link #readFeatures(Path, Column)} for a model of element type {@code dtype}: for {@link DType#F32} a value
     * outside the float range is an error.
     *
     * @param file the CSV file
     * @param ignore a column to skip, or null to read all columns
     * @param dtype the element type of the model the rows are for
     * @return the feature names, values and line numbers
     * @throws IOException if the file cannot be read or is not valid CSV
     * @throws IllegalArgumentException naming the file, line and column for a bad value, a row of the wrong length or
     *         an unknown column
     */
    public static Features readFeatures(Path file, Column ignore, DType dtype) throws IOException {
        Table t = Table.read(file, ignore);
        long[] lines = t.lines.stream().mapToLong(Long::longValue).toArray();
        return new Features(t.featureNames(), t.features(dtype), lines);
    }

    /** Integer labels 0..max as "0".."max"; otherwise the sorted distinct strings. */
    private static List<String> inferClassNames(Table t, String[] raw) {
        int max = -1;
        int maxRow = -1;
        for (int i = 0; i < raw.length; i++) {
            int v = parseNonNegativeInt(raw[i]);
            if (v < 0) {
                TreeSet<String> distinct = new TreeSet<>(List.of(raw));
                if (distinct.size() > MAX_CLASSES) {
                    throw new IllegalArgumentException(t.file + ": the label column has " + distinct.size()
                            + " distinct values; the limit is " + MAX_CLASSES + " classes");
                }
                return List.copyOf(distinct);
            }
            if (v > max) {
                max = v;
                maxRow = i;
            }
        }
        if (max >= MAX_CLASSES) {
            throw t.error(maxRow, t.labelColumn, "label " + max + " would make " + (max + 1L) + " classes (numeric"
                    + " labels are class indices 0..K-1); the limit is " + MAX_CLASSES + " classes");
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c <= max; c++) {
            names.add(Integer.toString(c));
        }
        return names;
    }

    /** The value of a plain decimal non-negative int ("0", "17"), or -1. */
    private static int parseNonNegativeInt(String s) {
        if (s.isEmpty() || s.length() > 9) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        // "007" would not round-trip through the class names, so it counts as a string label.
        return s.length() > 1 && s.charAt(0) == '0' ? -1 : Integer.parseInt(s);
    }

    /** A file lacks columns that were asked for by name; the message names the file and the columns. */
    public static final class MissingColumnsException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        MissingColumnsException(String message) {
            super(message);
        }
    }

    /**
     * Reads the columns named {@code names}, in that order, as numeric features; other columns (a label, an id,
     * text) are not parsed. This is how a model's inputs are picked out of a file whose columns come in another
     * order or include others.
     *
     * @param file the CSV file (header row first)
     * @param names the column names to read, in the order wanted
     * @return the features, named {@code names}
     * @throws MissingColumnsException naming the file and the names its header lacks
     * @throws IllegalArgumentException naming the file, line and column of a value that is not a finite number
     * @throws IOException when the file cannot be read or parsed as CSV
     */
    public static Features readColumns(Path file, List<String> names) throws IOException {
        return readColumns(file, names, DType.F32);
    }

    /**
     * {@link #readColumns(Path, List)} for a model of element type {@code dtype}: for {@link DType#F32} a value outside
     * the float range is an error.
     *
     * @param file the CSV file (header row first)
     * @param names the column names to read, in the order wanted
     * @param dtype the element type of the model the rows are for
     * @return the features, named {@code names}
     * @throws MissingColumnsException naming the file and the names its header lacks
     * @throws IllegalArgumentException naming the file, line and column of a bad value
     * @throws IOException when the file cannot be read or parsed as CSV
     */
    public static Features readColumns(Path file, List<String> names, DType dtype) throws IOException {
        Table t = Table.read(file, null);
        Map<String, Integer> at = new HashMap<>();
        for (int i = t.header.size() - 1; i >= 0; i--) {
            at.put(t.header.get(i), i);
        }
        List<String> missing = names.stream().filter(n -> !at.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            throw new MissingColumnsException(file + ": the header lacks " + missing.size() + " of the "
                    + names.size() + " columns the model needs: "
                    + (missing.size() <= 8 ? missing : missing.subList(0, 6) + " and " + (missing.size() - 6) + " more"));
        }
        int f = names.size();
        double[] x = new double[t.rows.size() * f];
        for (int i = 0; i < t.rows.size(); i++) {
            for (int j = 0; j < f; j++) {
                x[i * f + j] = t.number(i, at.get(names.get(j)), dtype);
            }
        }
        long[] lines = t.lines.stream().mapToLong(Long::longValue).toArray();
        return new Features(names, x, lines);
    }

    /**
     * The parsed file: header, data rows with their line numbers, and which column is the label (-1 when the file
     * is read without one).
     */
    private record Table(Path file, List<String> header, List<String[]> rows, List<Long> lines, int labelColumn) {
        /** The header names of the feature columns (all but the label), in file order. */
        List<String> featureNames() {
            List<String> names = new ArrayList<>();
            for (int col = 0; col < header.size(); col++) {
                if (col != labelColumn) {
                    names.add(header.get(col));
                }
            }
            return names;
        }

        /** {@code d} with the header's feature names, when they are distinct (else by position only). */
        Dataset named(Dataset d) {
            List<String> names = featureNames();
            return new java.util.HashSet<>(names).size() == names.size() ? d.withFeatureNames(names) : d;
        }


        static Table read(Path file, Column label) throws IOException {
            List<String> header = null;
            List<String[]> rows = new ArrayList<>();
            List<Long> lines = new ArrayList<>();
            try (var reader = de.siegmar.fastcsv.reader.CsvReader.builder()
                    .allowMissingFields(true).allowExtraFields(true).detectBomHeader(true)
                    .ofCsvRecord(file, StandardCharsets.UTF_8)) {
                for (CsvRecord r : reader) {
                    if (header == null) {
                        header = r.getFields();
                        continue;
                    }
                    if (r.getFieldCount() != header.size()) {
                        throw new IllegalArgumentException(file + " line " + r.getStartingLineNumber() + ": "
                                + r.getFieldCount() + " values, but the header has " + header.size() + " columns");
                    }
                    rows.add(r.getFields().toArray(String[]::new));
                    lines.add(r.getStartingLineNumber());
                }
            } catch (CsvParseException | UncheckedIOException e) {
                String m = String.valueOf(e.getMessage());
                for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                    m += ": " + c.getMessage(); // FastCSV wraps the reason ("Exception when reading first record")
                }
                boolean limit = m.contains("maximum") || m.contains("max field size") || m.contains("max record size");
                throw new IOException(file + ": cannot parse CSV: " + m + (limit ? " (a limit of the CSV parser, FastCSV,"
                        + " not of Backprop: split the file or shorten the field)" : ""), e);
            }
            if (header == null) {
                throw new IllegalArgumentException(file + ": empty file, expected a header row");
            }
            int minColumns = label == null ? 1 : 2;
            if (header.size() < minColumns) {
                throw new IllegalArgumentException(file + ": header " + header + " has " + header.size()
                        + " column(s); need " + (label == null ? "at least one feature"
                        : "a label or target column and at least one feature"));
            }
            return new Table(file, header, rows, lines, label == null ? -1 : resolve(file, header, label));
        }

        private static int resolve(Path file, List<String> header, Column c) {
            int i = switch (c) {
                case Column.Named n -> header.indexOf(n.name());
                case Column.Index x -> x.index() < 0 ? header.size() + x.index() : x.index();
            };
            if (i < 0 || i >= header.size()) {
                throw new IllegalArgumentException(file + ": no column " + describe(c) + "; the header has "
                        + header.size() + " columns " + header);
            }
            return i;
        }

        private static String describe(Column c) {
            return switch (c) {
                case Column.Named n -> "named '" + n.name() + "'";
                case Column.Index x -> "at index " + x.index();
            };
        }

        int featureCount() {
            return labelColumn < 0 ? header.size() : header.size() - 1;
        }

        /** The feature columns as row-major doubles, range-checked for float when {@code dtype} is F32. */
        double[] features(DType dtype) {
            int f = featureCount();
            double[] x = new double[rows.size() * f];
            for (int i = 0; i < rows.size(); i++) {
                for (int col = 0, j = 0; col < header.size(); col++) {
                    if (col != labelColumn) {
                        x[i * f + j++] = number(i, col, dtype);
                    }
                }
            }
            return x;
        }

        /** The label column's strings (trimmed); a blank label is an error. */
        String[] labelValues() {
            String[] out = new String[rows.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = rows.get(i)[labelColumn].strip();
                if (out[i].isEmpty()) {
                    throw error(i, labelColumn, "missing label");
                }
            }
            return out;
        }

        /**
         * The value at data row {@code i}, column {@code col}, as a finite number; for {@code dtype} F32 also within
         * the float range (it would become infinity).
         */
        double number(int i, int col, DType dtype) {
            String s = rows.get(i)[col].strip();
            if (s.isEmpty()) {
                throw error(i, col, "missing value");
            }
            char last = s.charAt(s.length() - 1);
            if (!(last >= '0' && last <= '9' || last == '.')) {
                throw error(i, col, "'" + s + "' is not a number"); // also refuses Java's "1d", "2f", "NaN"
            }
            double v;
            try {
                v = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw error(i, col, "'" + s + "' is not a number");
            }
            if (!Double.isFinite(v)) {
                throw error(i, col, "'" + s + "' is not a finite number");
            }
            if (dtype == DType.F32 && Math.abs(v) > Float.MAX_VALUE) { // stored as float, it would become infinity
                throw error(i, col, "'" + s + "' is outside the float range of an F32 model (|x| <= " + Float.MAX_VALUE
                        + "; an F64 model, --dtype f64, reads it)");
            }
            return v;
        }

        IllegalArgumentException error(int i, int col, String what) {
            return new IllegalArgumentException(file + " line " + lines.get(i) + ", column " + (col + 1) + " ('"
                    + header.get(col) + "'): " + what);
        }
    }
}
