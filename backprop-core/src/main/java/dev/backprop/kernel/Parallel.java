package dev.backprop.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The library's one thread pool: a fixed number of threads, set by the user, that the kernels split their work
 * over.
 *
 * <p>{@code parallelFor(tasks, body)} runs {@code body.accept(i)} once for every {@code i} in {@code [0, tasks)},
 * on at most {@link #threads()} threads at once: {@code threads() - 1} daemon workers plus the calling thread, which
 * always takes part of the work. It never oversubscribes: a {@code parallelFor} called from inside a task (on a
 * worker or on the calling thread) runs its tasks inline, one after the other.
 *
 * <p>Determinism: which thread runs which task is not fixed, so a kernel must make each task's result depend only
 * on the task index (the split into tasks is chosen by the kernel from the problem shape). The kernels of this
 * package do so; their results are bit for bit the same for every thread count.
 */
public final class Parallel {
    /**
     * The fewest elements of element-wise work worth a thread of its own: kernels split a tensor over threads only
     * from twice this size (the hand-off costs a few microseconds, about what one core needs for 32k floats).
     */
    public static final int GRAIN = 32_768;
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static final Object LOCK = new Object();
    private static int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static Workers workers;

    private Parallel() {
    }

    /**
     * Sets the number of threads kernels may use, the calling thread included; the default is the number of available
     * processors. A change stops the current workers; new ones start on the next {@code parallelFor} that needs them.
     *
     * @param n the thread count; 1 runs everything on the calling thread
     * @throws IllegalArgumentException when {@code n < 1}
     */
    public static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Parallel.setThreads needs n >= 1, got " + n);
        }
        synchronized (LOCK) {
            if (n != threads && workers != null) {
                workers.stop();
                workers = null;
            }
            threads = n;
        }
    }

    /** {@return the number of threads kernels may use, the calling thread included} */
    public static int threads() {
        synchronized (LOCK) {
            return threads;
        }
    }

    /**
     * {@return true when the current thread is already running a {@code parallelFor} task (nested calls run inline)}
     */
    public static boolean inTask() {
        return INSIDE.get();
    }

    /**
     * Runs {@code body.accept(i)} once for each {@code i} in {@code [0, tasks)}, spread over the pool, and returns
     * when all are done. The calling thread works too. Called from inside a task, or with one thread or one task, the
     * tasks run inline in index order.
     *
     * @param tasks the number of tasks; nothing runs when it is 0 or less
     * @param body the task body, given the task index
     * @throws RuntimeException the first exception (or error) thrown by a task, rethrown here; tasks not yet started
     *         are skipped. A checked throwable is wrapped in an {@link IllegalStateException}
     */
    public static void parallelFor(int tasks, IntConsumer body) {
        if (tasks <= 0) {
            return;
        }
        Workers pool;
        int helpers;
        synchronized (LOCK) {
            helpers = Math.min(threads, tasks) - 1;
            pool = helpers > 0 && !INSIDE.get() ? pool() : null;
        }
        if (pool == null) {
            runInline(tasks, body);
            return;
        }
        Job job = new Job(tasks, body);
        pool.offer(job);
        job.work();
        try {
            job.await();
        } finally {
            pool.retire(job);
        }
    }

    /** Work over the index range {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        /**
         * Processes the indices {@code from <= i < to}.
         *
         * @param from the first index (inclusive)
         * @param to the end index (exclusive)
         */
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into {@link #parts(int, int)} contiguous ranges of equal size
     * (within one): range {@code p} of {@code P} is {@code [n·p/P, n·(p+1)/P)}. With one part, {@code body} runs
     * directly on the calling thread. The split depends on the thread count, so a kernel that uses it must compute
     * each output element the same way whichever range it falls in (element-wise work, or reductions split over
     * their outputs and never over the summed dimension).
     *
     * @param n the number of indices; nothing runs when it is 0
     * @param grain the smallest range worth a thread of its own
     * @param body the work for one range
     */
    public static void forRanges(int n, int grain, Range body) {
        int parts = parts(n, grain);
        if (parts <= 1) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        parallelFor(parts, p -> body.run((int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts)));
    }

    /**
     * How many ranges {@link #forRanges} splits {@code n} indices into: 1 when {@code n < 2·grain} or inside a task
     * (nested calls run inline anyway), otherwise {@code min(threads(), n / grain)}.
     *
     * @param n the number of indices
     * @param grain the smallest range worth a thread of its own
     * @return the number of ranges, at least 1
     */
    public static int parts(int n, int grain) {
        if (n < 2 * grain || INSIDE.get()) {
            return 1;
        }
        return Math.max(1, Math.min(threads(), n / Math.max(1, grain)));
    }

    private static void runInline(int tasks, IntConsumer body) {
        boolean outer = !INSIDE.get();
        INSIDE.set(Boolean.TRUE);
        try {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
        } finally {
            if (outer) {
                INSIDE.set(Boolean.FALSE);
            }
        }
    }

    private static Workers pool() {
        if (workers == null) {
            workers = new Workers(threads - 1);
        }
        return workers;
    }

    /**
     * The daemon worker threads. A worker that finishes a job spins briefly for the next one (kernels are
     * usually called in quick succession, and waking a parked thread costs tens of microseconds), then parks.
     */
    private static final class Workers {
        private static final long SPIN_NANOS = 100_000;
        private final Thread[] threads;
        private volatile Job job;
        private volatile boolean stopped;

        Workers(int count) {
            threads = new Thread[count];
            for (int i = 0; i < count; i++) {
                threads[i] = new Thread(this::loop, "backprop-worker-" + (i + 1));
                threads[i].setDaemon(true);
                threads[i].start();
            }
        }

        void offer(Job j) {
            job = j;
            for (Thread t : threads) {
                LockSupport.unpark(t);
            }
        }

        /** Forgets a finished job, so that its operands can be collected. */
        void retire(Job j) {
            if (job == j) {
                job = null;
            }
        }

        void stop() {
            stopped = true;
            for (Thread t : threads) {
                LockSupport.unpark(t);
            }
        }

        private void loop() {
            long done = -1;
            long idleSince = System.nanoTime();
            while (!stopped) {
                Job j = job;
                if (j != null && j.id != done) {
                    j.work();
                    done = j.id;
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }
    }

    /** One {@code parallelFor}: tasks are claimed from a shared counter by whoever is free. */
    private static final class Job {
        private static final AtomicLong IDS = new AtomicLong();
        private final long id = IDS.getAndIncrement();
        private final int tasks;
        private final IntConsumer body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int tasks, IntConsumer body) {
            this.tasks = tasks;
            this.body = body;
        }

        void work() {
            boolean outer = !INSIDE.get();
            INSIDE.set(Boolean.TRUE);
            try {
                int i;
                while ((i = next.getAndIncrement()) < tasks) {
                    try {
                        if (failure.get() == null) {
                            body.accept(i);
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        if (done.incrementAndGet() == tasks) {
                            synchronized (this) {
                                notifyAll();
                            }
                        }
                    }
                }
            } finally {
                if (outer) {
                    INSIDE.set(Boolean.FALSE);
                }
            }
        }

        void await() {
            for (int spin = 0; spin < 2000 && done.get() < tasks; spin++) {
                Thread.onSpinWait();
            }
            synchronized (this) {
                while (done.get() < tasks) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while waiting for parallel tasks", e);
                    }
                }
            }
            Throwable e = failure.get();
            if (e instanceof RuntimeException re) {
                throw re;
            }
            if (e instanceof Error err) {
                throw err;
            }
            if (e != null) {
                throw new IllegalStateException(e);
            }
        }
    }
}
