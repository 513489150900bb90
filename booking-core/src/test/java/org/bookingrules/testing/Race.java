package org.bookingrules.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * The start-gate harness of every concurrency test of this project, shipped in booking-core's test
 * jar for integrators' own races: runs one task on each of a number of threads, lets them all go at
 * once through a start gate when every thread is waiting at it, and returns their results in thread
 * order.
 *
 * <ul>
 *   <li><b>First failure wins.</b> The first task to fail, in time, fails the race: the other
 *       threads are interrupted and that failure is thrown as it was thrown (an {@link Exception},
 *       or an {@link Error} such as an {@link AssertionError} from inside a task), with failures of
 *       other threads seen while stopping them attached as suppressed. Tasks that must count their
 *       own exceptions catch them.</li>
 *   <li><b>Timeout.</b> A race not finished within its {@linkplain #timeout() timeout} (gate and
 *       tasks together; {@link #DEFAULT_TIMEOUT} unless set) fails with a {@link TimeoutException}
 *       naming every thread still running and where it is, instead of hanging the build.</li>
 *   <li><b>Fresh threads.</b> Each run starts its own daemon threads, named
 *       {@code race-<run>-<index>}: when it returns every task has ended, and when it fails the
 *       threads still running have been interrupted. {@link #racer()} tells code running on one of
 *       them (a fake repository that forces an interleaving, say) which racer it is.</li>
 * </ul>
 *
 * <pre>{@code
 * List<SaveResult> results = Race.of(8).run(i -> () -> repository.insert(changes.get(i)));
 * Race.of(8).withTimeout(Duration.ofSeconds(30)).repeat(50, thread -> store.update(...));
 * }</pre>
 *
 * <p>Immutable and thread-safe; a race may be run any number of times.
 */
public final class Race {

    /** How long a race may take, unless {@link #withTimeout(Duration)} says otherwise: 3 minutes. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(3);

    /** How long stopping the threads of a failed race may take before it is reported. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final int STACK_FRAMES_SHOWN = 8;
    private static final AtomicLong RUNS = new AtomicLong();
    private static final ThreadLocal<Integer> RACER = new ThreadLocal<>();

    private final int threads;
    private final Duration timeout;

    private Race(int threads, Duration timeout) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be 1 or more, was " + threads);
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        this.threads = threads;
        this.timeout = timeout;
    }

    /**
     * A race of a number of threads, with {@link #DEFAULT_TIMEOUT}.
     *
     * @param threads how many threads race, 1 or more
     * @return the race
     * @throws IllegalArgumentException if threads is below 1
     */
    public static Race of(int threads) {
        return new Race(threads, DEFAULT_TIMEOUT);
    }

    /**
     * Runs one task per thread with {@link #DEFAULT_TIMEOUT}: {@code Race.of(threads).run(tasks)}.
     *
     * @param threads how many threads race, 1 or more
     * @param tasks the task of thread i, for i from 0 to threads - 1; not null, nor any task it gives
     * @param <T> the result type
     * @return the results, in thread order (nulls where a task returned null)
     * @throws Exception the first task's failure, or a {@link TimeoutException}
     */
    public static <T> List<T> run(int threads, IntFunction<Callable<T>> tasks) throws Exception {
        return of(threads).run(tasks);
    }

    /**
     * The same race with another timeout.
     *
     * @param newTimeout how long the whole race may take, positive, not null
     * @return a new race
     * @throws IllegalArgumentException if the timeout is zero or negative
     */
    public Race withTimeout(Duration newTimeout) {
        return new Race(threads, newTimeout);
    }

    /** @return how many threads race */
    public int threads() {
        return threads;
    }

    /** @return how long the whole race may take */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Which racer the calling thread is.
     *
     * @return the index of the racer, 0 to threads - 1, when called on a thread of a running race;
     *     empty on any other thread
     */
    public static OptionalInt racer() {
        Integer index = RACER.get();
        return index == null ? OptionalInt.empty() : OptionalInt.of(index);
    }

    /**
     * Runs the same call {@code callsPerThread} times in a row on each thread, all threads let go at
     * once.
     *
     * @param callsPerThread how many calls each thread makes, 0 or more
     * @param call the call, given the thread's index; not null
     * @throws Exception the first call's failure, or a {@link TimeoutException}
     */
    public void repeat(int callsPerThread, Call call) throws Exception {
        if (callsPerThread < 0) {
            throw new IllegalArgumentException("callsPerThread must be 0 or more, was " + callsPerThread);
        }
        Objects.requireNonNull(call, "call");
        run(thread -> () -> {
            for (int i = 0; i < callsPerThread; i++) {
                call.run(thread);
            }
            return null;
        });
    }

    /**
     * Runs one task per thread, all let go at once, and waits for every one of them.
     *
     * @param tasks the task of thread i, for i from 0 to {@link #threads()} - 1; not null, nor any
     *     task it gives
     * @param <T> the result type
     * @return the results, in thread order (nulls where a task returned null)
     * @throws Exception the first task's failure, as thrown, or a {@link TimeoutException}
     */
    public <T> List<T> run(IntFunction<Callable<T>> tasks) throws Exception {
        Objects.requireNonNull(tasks, "tasks");
        List<Callable<T>> callables = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            callables.add(Objects.requireNonNull(tasks.apply(i), "the task of thread " + i));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long run = RUNS.incrementAndGet();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch gate = new CountDownLatch(1);
        BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
        Object[] results = new Object[threads];
        Thread[] racers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int index = i;
            racers[i] = new Thread(() -> {
                RACER.set(index);
                Throwable failure = null;
                try {
                    ready.countDown();
                    gate.await();
                    results[index] = callables.get(index).call();
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    RACER.remove();
                }
                finished.add(new Finished(index, failure));
            }, "race-" + run + "-" + i);
            racers[i].setDaemon(true);
        }
        boolean clean = false;
        try {
            for (Thread racer : racers) {
                racer.start();
            }
            if (!ready.await(remaining(deadline), TimeUnit.NANOSECONDS)) {
                throw timedOut("not every thread reached the start gate", racers);
            }
            gate.countDown();
            for (int done = 0; done < threads; done++) {
                Finished f = finished.poll(remaining(deadline), TimeUnit.NANOSECONDS);
                if (f == null) {
                    throw timedOut("the race did not finish", racers);
                }
                if (f.failure() != null) {
                    throw failed(f.failure(), racers, finished);
                }
            }
            clean = true;
            @SuppressWarnings("unchecked")
            List<T> inOrder = (List<T>) Arrays.asList(results);
            return inOrder;
        } finally {
            if (!clean) {
                stop(racers);
            }
        }
    }

    /** One thread's end: its index and its failure, or null. */
    private record Finished(int index, Throwable failure) {
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    /**
     * The first failure, to be thrown as it was: the other threads are stopped first, and what they
     * threw meanwhile (interruptions aside) is attached to it.
     */
    private static Exception failed(Throwable first, Thread[] racers, BlockingQueue<Finished> finished) {
        stop(racers);
        for (Finished other; (other = finished.poll()) != null; ) {
            Throwable t = other.failure();
            if (t != null && t != first && !(t instanceof InterruptedException)) {
                first.addSuppressed(t);
            }
        }
        if (first instanceof Exception e) {
            return e;
        }
        if (first instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("a racer failed", first);
    }

    private TimeoutException timedOut(String what, Thread[] racers) {
        String stuck = Arrays.stream(racers).filter(Thread::isAlive)
                .map(t -> t.getName() + " at " + Arrays.stream(t.getStackTrace()).limit(STACK_FRAMES_SHOWN)
                        .map(StackTraceElement::toString).collect(Collectors.joining(" < ")))
                .collect(Collectors.joining("; "));
        return new TimeoutException(what + " within " + timeout + " (" + threads + " threads); still running: "
                + (stuck.isEmpty() ? "none" : stuck));
    }

    /** Interrupts the threads still running and waits a while for them to end. */
    private static void stop(Thread[] racers) {
        for (Thread racer : racers) {
            if (racer.isAlive()) {
                racer.interrupt();
            }
        }
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (Thread racer : racers) {
            try {
                racer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining(deadline))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One call of a racing thread, for {@link #repeat(int, Call)}. */
    @FunctionalInterface
    public interface Call {
        /**
         * @param thread the thread's index, 0 to threads - 1
         * @throws Exception any failure, which fails the race
         */
        void run(int thread) throws Exception;
    }
}
