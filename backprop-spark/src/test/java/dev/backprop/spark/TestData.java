package dev.backprop.spark;

import dev.backprop.data.Dataset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** DataFrames of (features vector, label) from core Datasets, split into a known number of partitions. */
final class TestData {
    static final StructType SCHEMA = new StructType(new StructField[] {
        new StructField("features", SQLDataTypes.VectorType(), false, Metadata.empty()),
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty())});

    private TestData() {
    }

    /** One Row per sample, features as doubles of the dataset's floats, label as a double class index. */
    static List<Row> rows(Dataset d) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            double[] v = new double[d.featureCount()];
            for (int j = 0; j < v.length; j++) {
                v[j] = d.feature(i, j);
            }
            rows.add(RowFactory.create(Vectors.dense(v), (double) d.label(i)));
        }
        return rows;
    }

    /**
     * The samples as a DataFrame of {@code partitions} partitions; parallelize slices a list into contiguous runs,
     * so partition k holds rows [k·n/p, (k+1)·n/p) in order.
     */
    static org.apache.spark.sql.Dataset<Row> frame(Dataset d, int partitions) {
        return SparkTestSession.get().createDataFrame(SparkTestSession.jsc().parallelize(rows(d), partitions), SCHEMA);
    }
}
