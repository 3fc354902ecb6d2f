package dev.backprop.spark;

import org.apache.spark.sql.SparkSession;

/** The shared test session, for test classes in other packages. */
public final class SparkTestSessionAccess {
    private SparkTestSessionAccess() {
    }

    /**
     * The one SparkSession of the module's tests.
     *
     * @return the session
     */
    public static SparkSession session() {
        return SparkTestSession.get();
    }
}
