package dev.backprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.data.CsvReader.Column;
import dev.backprop.tensor.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
    @TempDir
    Path dir;

    private Path csv(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void integerLabelsAreClassIndices() throws IOException {
        Path p = csv("a.csv", "x1,label,x2\n1.5,2,-3\n0,0,4e2\n");
        Dataset d = CsvReader.readClassification(p, Column.named("label"));
        assertEquals(2, d.size());
        assertEquals(2, d.featureCount());
        assertEquals(3, d.classCount());
        assertArrayEquals(new int[] {2, 0}, d.labels());
        assertEquals(1.5f, d.feature(0, 0));
        assertEquals(-3f, d.feature(0, 1));
        assertEquals(400f, d.feature(1, 1));
        assertEquals(List.of("0", "1", "2"), d.classNames());
    }

    @Test
    void aByteOrderMarkIsStrippedAndValuesBeyondTheFloatRangeAreRejected() throws IOException {
        Path bom = dir.resolve("bom.csv");
        Files.write(bom, ("\uFEFFx,label\n1,a\n2,b\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Dataset d = CsvReader.readClassification(bom, Column.named("label"));
        assertEquals(List.of("x"), d.featureNames(), "the header's first name has no BOM");
        Path big = csv("big.csv", "x,label\n1,a\n1e39,b\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CsvReader.readClassification(big, Column.named("label")));
        assertTrue(e.getMessage().startsWith(big + " line 3, column 1 ('x'): '1e39' is outside the float range"),
                e.getMessage());
    }

    @Test
    void anF64ReadKeepsEveryDigitThatAFloatWouldLose() throws IOException {
        // 0.1 and 1/3 are not floats; 1e39 is beyond the float range but a fine double
        Path p = csv("exact.csv", "x,y,label\n0.1,0.3333333333333333,a\n1e39,-2.5e-300,b\n");
        Dataset d = CsvReader.readClassification(p, Column.named("label"), null, DType.F64);
        assertTrue(d.isF64());
        assertEquals(0.1, d.featureF64(0, 0));
        assertEquals(0.3333333333333333, d.featureF64(0, 1));
        assertEquals(1e39, d.featureF64(1, 0));
        assertEquals(-2.5e-300, d.featureF64(1, 1));
        assertEquals(0.1, d.features(DType.F64).getFlat(0), "an F64 tensor of the set is exact");
        double[] row = new double[2];
        d.select(new int[] {1}).copyFeatures(0, row, 0);
        assertArrayEquals(new double[] {1e39, -2.5e-300}, row, "select keeps the doubles");
        assertEquals(List.of("x", "y"), d.featureNames());
        // the same file for an F32 model rounds 0.1 to a float and rejects 1e39
        Path small = csv("small.csv", "x,label\n0.1,a\n");
        Dataset f = CsvReader.readClassification(small, Column.named("label"), null, DType.F32);
        assertFalse(f.isF64());
        assertEquals((double) 0.1f, f.featureF64(0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> CsvReader.readClassification(p, Column.named("label"), null, DType.F32));
    }

    @Test
    void anF64RegressionReadKeepsTheTargetsInDouble() throws IOException {
        Path p = csv("reg.csv", "x,t\n1,0.1\n2,0.7\n");
        Dataset d = CsvReader.readRegression(p, Column.named("t"), DType.F64);
        assertEquals(0.1, d.targetF64(0, 0));
        assertEquals(0.7, d.targets(DType.F64).getFlat(1));
        assertEquals(0.1f, d.target(0, 0), "the float view rounds");
        Batch b = DataLoader.sequential(d, 2).withDType(DType.F64).epoch(0).iterator().next();
        assertEquals(0.7, b.targets().getFlat(1), "an F64 batch carries the exact targets");
    }

    @Test
    void aHugeNumericLabelIsRejectedBeforeAnythingIsAllocated() throws IOException {
        // one row whose label would otherwise define a billion classes
        Path p = csv("huge.csv", "x,label\n1,0\n2,999999999\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CsvReader.readClassification(p, Column.named("label")));
        assertTrue(e.getMessage().startsWith(p + " line 3, column 2 ('label'): label 999999999 would make 1000000000"
                + " classes"), e.getMessage());
        assertTrue(e.getMessage().contains("the limit is " + CsvReader.MAX_CLASSES), e.getMessage());
        Path edge = csv("edge.csv", "x,label\n1,0\n2," + (CsvReader.MAX_CLASSES - 1) + "\n");
        assertEquals(CsvReader.MAX_CLASSES, CsvReader.readClassification(edge, Column.named("label")).classCount());
    }

    @Test
    void stringLabelsMapToSortedIndicesAndBack() throws IOException {
        Path train = csv("iris.csv", "sepal,petal,species\n1,2,virginica\n3,4,setosa\n5,6,versicolor\n7,8,setosa\n");
        Dataset d = CsvReader.readClassification(train, Column.at(-1));
        assertEquals(List.of("setosa", "versicolor", "virginica"), d.classNames());
        assertArrayEquals(new int[] {2, 0, 1, 0}, d.labels());
        // A test file holding only some classes keeps the training mapping when given the names.
        Path test = csv("test.csv", "sepal,petal,species\n1,1,virginica\n");
        Dataset t = CsvReader.readClassification(test, Column.named("species"), d.classNames());
        assertEquals(3, t.classCount());
        assertEquals(2, t.label(0));
        Path unknown = csv("u.csv", "sepal,petal,species\n1,1,daisy\n");
        var e = assertThrows(IllegalArgumentException.class,
                () -> CsvReader.readClassification(unknown, Column.at(2), d.classNames()));
        assertTrue(e.getMessage().contains("u.csv line 2, column 3 ('species'): label 'daisy'"), e.getMessage());
    }

    @Test
    void labelColumnByIndexFromEitherEnd() throws IOException {
        Path p = csv("b.csv", "y,a,b\n1,10,20\n0,30,40\n");
        Dataset first = CsvReader.readClassification(p, Column.at(0));
        assertArrayEquals(new int[] {1, 0}, first.labels());
        assertEquals(20f, first.feature(0, 1));
        Dataset fromEnd = CsvReader.readClassification(p, Column.at(-3));
        assertArrayEquals(first.labels(), fromEnd.labels());
        var e = assertThrows(IllegalArgumentException.class, () -> CsvReader.readClassification(p, Column.at(3)));
        assertTrue(e.getMessage().contains("no column at index 3"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> CsvReader.readClassification(p, Column.named("label")));
        assertTrue(e2.getMessage().contains("no column named 'label'") && e2.getMessage().contains("[y, a, b]"),
                e2.getMessage());
    }

    @Test
    void badValuesNameFileLineAndColumn() throws IOException {
        Path missing = csv("m.csv", "a,b,y\n1,2,0\n3,,1\n");
        var e1 = assertThrows(IllegalArgumentException.class,
                () -> CsvReader.readClassification(missing, Column.named("y")));
        assertEquals(missing + " line 3, column 2 ('b'): missing value", e1.getMessage());

        Path text = csv("t.csv", "a,b,y\n1,2,0\n\"x, y\",2,1\n");
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> CsvReader.readClassification(text, Column.named("y")));
        assertEquals(text + " line 3, column 1 ('a'): 'x, y' is not a number", e2.getMessage());

        for (String bad : List.of("NaN", "Infinity", "1d", "0x")) {
            Path p = csv("n.csv", "a,y\n" + bad + ",0\n");
            var e = assertThrows(IllegalArgumentException.class, () -> CsvReader.readClassification(p, Column.at(1)));
            assertTrue(e.getMessage().contains("line 2, column 1 ('a')"), e.getMessage());
        }

        Path ragged = csv("r.csv", "a,b,y\n1,2,0\n1,2\n");
        var e3 = assertThrows(IllegalArgumentException.class,
                () -> CsvReader.readClassification(ragged, Column.named("y")));
        assertTrue(e3.getMessage().contains("r.csv line 3: 2 values, but the header has 3 columns"), e3.getMessage());

        Path blankLabel = csv("bl.csv", "a,y\n1, \n");
        var e4 = assertThrows(IllegalArgumentException.class,
                () -> CsvReader.readClassification(blankLabel, Column.named("y")));
        assertTrue(e4.getMessage().contains("line 2, column 2 ('y'): missing label"), e4.getMessage());
    }

    @Test
    void quotedFieldsAndMultiLineRecordsKeepLineNumbers() throws IOException {
        // The label of the first record spans two lines, so the second record starts on line 4.
        Path p = csv("q.csv", "a,name\n1,\"two\nlines\"\n\"2.5\",plain\nbad,plain\n");
        var e = assertThrows(IllegalArgumentException.class, () -> CsvReader.readClassification(p, Column.at(1)));
        assertTrue(e.getMessage().contains("line 5, column 1 ('a')"), e.getMessage());
        Path ok = csv("ok.csv", "a,name\n1,\"two\nlines\"\n\"2.5\",plain\n");
        Dataset d = CsvReader.readClassification(ok, Column.at(1));
        assertEquals(2.5f, d.feature(1, 0));
        assertEquals(List.of("plain", "two\nlines"), d.classNames());
    }

    @Test
    void regressionReadsAFloatTarget() throws IOException {
        Path p = csv("reg.csv", "x,y,z\n1,0.25,2\n3,-1.5,4\n");
        Dataset d = CsvReader.readRegression(p, Column.named("y"));
        assertFalse(d.isClassification());
        assertEquals(1, d.targetCount());
        assertEquals(-1.5f, d.target(1, 0));
        assertEquals(4f, d.feature(1, 1));
        Path bad = csv("regbad.csv", "x,y\n1,abc\n");
        var e = assertThrows(IllegalArgumentException.class, () -> CsvReader.readRegression(bad, Column.named("y")));
        assertTrue(e.getMessage().contains("line 2, column 2 ('y'): 'abc' is not a number"), e.getMessage());
    }

    @Test
    void emptyFileAndHeaderOnly() throws IOException {
        Path empty = csv("e.csv", "");
        var e = assertThrows(IllegalArgumentException.class, () -> CsvReader.readClassification(empty, Column.at(0)));
        assertTrue(e.getMessage().contains("empty file"), e.getMessage());
        Path headerOnly = csv("h.csv", "a,y\n");
        assertEquals(0, CsvReader.readRegression(headerOnly, Column.at(1)).size());
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> CsvReader.readClassification(headerOnly, Column.at(1)));
        assertTrue(e2.getMessage().contains("no data rows"), e2.getMessage());
        assertEquals(0, CsvReader.readClassification(headerOnly, Column.at(1), List.of("a", "b")).size());
    }

    @Test
    void featuresOnlyReadsEveryColumnOrSkipsTheIgnoredOne() throws IOException {
        Path p = csv("f.csv", "a,b,label\n1,2,x\n3,4.5,y\n");
        CsvReader.Features all = CsvReader.readFeatures(csv("one.csv", "a\n7\n-1\n"), null);
        assertEquals(List.of("a"), all.names());
        assertArrayEquals(new double[] {7, -1}, all.values());
        CsvReader.Features f = CsvReader.readFeatures(p, Column.named("label"));
        assertEquals(List.of("a", "b"), f.names());
        assertEquals(2, f.rows());
        assertArrayEquals(new double[] {1, 2, 3, 4.5}, f.values());
        assertArrayEquals(new long[] {2, 3}, f.lines());
        var e = assertThrows(IllegalArgumentException.class, () -> CsvReader.readFeatures(p, null));
        assertTrue(e.getMessage().contains("f.csv line 2, column 3 ('label'): 'x' is not a number"), e.getMessage());
    }

    @Test
    void theParsersColumnLimitIsNamedAsTheLibrarysLimit() throws IOException {
        StringBuilder header = new StringBuilder("label");
        for (int i = 0; i < 20_000; i++) {
            header.append(",f").append(i);
        }
        Path f = Files.writeString(dir.resolve("wide.csv"), header + "\n");
        IOException e = assertThrows(IOException.class, () -> CsvReader.readClassification(f, Column.at(0)));
        assertTrue(e.getMessage().startsWith(f + ": cannot parse CSV: "), e.getMessage());
        assertTrue(e.getMessage().contains("a limit of the CSV parser, FastCSV"), e.getMessage());
    }
}
