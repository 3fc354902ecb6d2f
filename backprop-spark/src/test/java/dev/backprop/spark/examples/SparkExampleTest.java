package dev.backprop.spark.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backprop.Model;
import dev.backprop.data.Dataset;
import dev.backprop.data.Synthetic;
import dev.backprop.data.TrainTest;
import dev.backprop.nn.Mlp;
import dev.backprop.nn.Sequential;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Spark example runs and learns; the README shows exactly its code. */
class SparkExampleTest {
    static final String[] SPECIES = {"setosa", "versicolor", "virginica"};

    static org.apache.spark.sql.Dataset<Row> frame(SparkSession spark, Dataset d) {
        StructType schema = new StructType(new StructField[] {
            new StructField("a", DataTypes.DoubleType, false, Metadata.empty()),
            new StructField("b", DataTypes.DoubleType, false, Metadata.empty()),
            new StructField("c", DataTypes.DoubleType, false, Metadata.empty()),
            new StructField("d", DataTypes.DoubleType, false, Metadata.empty()),
            new StructField("species", DataTypes.StringType, false, Metadata.empty())});
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            rows.add(RowFactory.create((double) d.feature(i, 0), (double) d.feature(i, 1), (double) d.feature(i, 2),
                    (double) d.feature(i, 3), SPECIES[d.label(i)]));
        }
        return spark.createDataFrame(rows, schema).repartition(2);
    }

    @Test
    void theExampleLearnsAndAModelFolderScoresADataFrame(@TempDir Path tmp) throws Exception {
        SparkSession spark = dev.backprop.spark.SparkTestSessionAccess.session();
        TrainTest blobs = Synthetic.blobs(300, 150, 3, 4, 0.4, 9);
        Sequential net = Mlp.of(4, 8, 3).seed(1).build();
        Path modelDir = tmp.resolve("model");
        Model.builder(net).featureNames(List.of("a", "b", "c", "d")).build().save(modelDir);
        org.apache.spark.sql.Dataset<Row> test = frame(spark, blobs.test());
        PipelineModel model = SparkExample.run(frame(spark, blobs.train()), test, tmp, modelDir);
        assertTrue(SparkExample.lastAccuracy > 0.9, "test accuracy " + SparkExample.lastAccuracy);
        assertEquals(3, model.stages().length);
        assertTrue(Files.isDirectory(tmp.resolve("pipeline").resolve("stages")));
        assertEquals(test.count(), SparkExample.lastScored.count());
    }

    @Test
    void theReadmeShowsTheExamplesCode() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("README.md"))) {
            root = root.getParent();
        }
        String source = Files.readString(root.resolve(
                "backprop-spark/src/test/java/dev/backprop/spark/examples/SparkExample.java"));
        String code = source.substring(source.indexOf("// README:begin\n") + "// README:begin\n".length(),
                source.indexOf("        // README:end"));
        String dedented = code.lines().map(l -> l.startsWith("        ") ? l.substring(8) : l)
                .reduce("", (a, b) -> a + b + "\n");
        String readme = Files.readString(root.resolve("README.md"));
        assertTrue(readme.contains(dedented), "README.md must contain the example's code verbatim:\n" + dedented);
    }
}
