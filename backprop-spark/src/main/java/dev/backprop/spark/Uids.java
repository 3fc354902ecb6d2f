package dev.backprop.spark;

/**
 * Hands a uid to a Params class while its Scala super-constructors run. Spark's shared params (featuresCol,
 * labelCol, ...) are created in those constructors and record {@code uid()} as their parent, before a Java
 * subclass's constructor body could assign its uid field; the subclass's {@code uid()} therefore reads the uid
 * placed here by {@link #pass} in its constructor's {@code this(...)} argument.
 */
final class Uids {
    private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

    /** Marks a constructor whose uid has been handed over. */
    static final class Token {
        private Token() {
        }
    }

    private static final Token TOKEN = new Token();

    private Uids() {
    }

    /** Places {@code uid} for the constructor about to run on this thread. */
    static Token pass(String uid) {
        if (uid == null || uid.isEmpty()) {
            throw new IllegalArgumentException("a uid must be a non-empty string");
        }
        PENDING.set(uid);
        return TOKEN;
    }

    /** The uid placed by {@link #pass}. */
    static String pending() {
        String uid = PENDING.get();
        if (uid == null) {
            throw new IllegalStateException("no uid handed over (construct through the public constructors)");
        }
        return uid;
    }

    /** Forgets the handed-over uid once the constructor has taken it. */
    static void done() {
        PENDING.remove();
    }
}
