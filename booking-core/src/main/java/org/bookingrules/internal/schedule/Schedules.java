package org.bookingrules.internal.schedule;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.bookingrules.internal.Checks;

/**
 * Not API. The one way the library's periodic jobs (outbox relay, reminder sweep, retention) are
 * scheduled: with a fixed delay, so runs never overlap, and with every failed run logged by
 * exception class and swallowed, because a task that throws out of
 * {@link ScheduledExecutorService#scheduleWithFixedDelay} is never run again, silently.
 * Stateless.
 */
public final class Schedules {

    private Schedules() {
    }

    /**
     * Runs a job on the caller's executor every {@code period}, starting one period from now.
     *
     * @param job the job, not null
     * @param period the delay between the end of one run and the start of the next, positive, not null
     * @param executor where to run, not null; the caller owns it
     * @param log where a failed run is logged, not null
     * @param name the job's name in that log line, not null
     * @return the scheduled task, for cancelling
     * @throws IllegalArgumentException if the period is not positive
     * @throws java.util.concurrent.RejectedExecutionException if the executor refuses the task
     */
    public static ScheduledFuture<?> everyQuietly(Runnable job, Duration period, ScheduledExecutorService executor,
                                                  Logger log, String name) {
        Checks.nonNull("job, period, executor, log, name", job, period, executor, log, name);
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("period must be positive, was " + period);
        }
        long nanos = saturatedNanos(period);
        Runnable quietly = () -> {
            try {
                job.run();
            } catch (RuntimeException e) {
                log.warn("{} failed: {}; trying again at the next run", name, e.getClass().getName());
            }
        };
        return executor.scheduleWithFixedDelay(quietly, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
