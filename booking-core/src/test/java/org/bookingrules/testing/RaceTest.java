package org.bookingrules.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The race harness itself (STYLE 13: the concurrency cases and their negative controls are only as
 * good as the harness): a start gate, results in thread order, the first failure thrown as it was,
 * a timeout instead of a hang.
 */
@DisplayName("STYLE 13 Race: the start-gate harness of the concurrency tests")
class RaceTest {

    @Test
    @DisplayName("STYLE 13 every thread runs at the same time: each waits for all the others inside its task")
    void threadsRunTogether() throws Exception {
        CountDownLatch allInside = new CountDownLatch(8);

        List<Boolean> met = Race.of(8).withTimeout(Duration.ofSeconds(30)).run(i -> () -> {
            allInside.countDown();
            return allInside.await(20, TimeUnit.SECONDS);
        });

        assertThat(met).hasSize(8).containsOnly(true);
    }

    @Test
    @DisplayName("STYLE 13 results come back in thread order, nulls kept, and each task knows its racer index")
    void resultsInThreadOrder() throws Exception {
        List<String> results = Race.run(5, i -> () -> {
            OptionalInt racer = Race.racer();
            return i == 3 ? null : i + "=" + racer.orElse(-1);
        });

        assertThat(results).containsExactly("0=0", "1=1", "2=2", null, "4=4");
        assertThat(Race.racer()).as("not a racer outside a race").isEmpty();
    }

    @Test
    @DisplayName("STYLE 13 the first failure is thrown as it was, at once: an assertion error stays one, the other "
            + "threads are interrupted")
    void firstFailureIsThrownAsItWas() {
        AtomicInteger interrupted = new AtomicInteger();
        long started = System.nanoTime();

        assertThatThrownBy(() -> Race.of(4).withTimeout(Duration.ofMinutes(1)).run(i -> () -> {
            if (i == 2) {
                throw new AssertionError("racer 2 saw a double booking");
            }
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
            }
            return i;
        })).isExactlyInstanceOf(AssertionError.class).hasMessage("racer 2 saw a double booking");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the sleepers were stopped, not waited for")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(interrupted.get()).as("interrupted in their task, or still at the gate").isBetween(0, 3);
    }

    @Test
    @DisplayName("STYLE 13 a checked exception of a task is thrown unwrapped")
    void checkedExceptionIsThrownUnwrapped() {
        assertThatThrownBy(() -> Race.run(2, i -> () -> {
            throw new java.io.IOException("disk " + i);
        })).isInstanceOf(java.io.IOException.class).hasMessageStartingWith("disk ");
    }

    @Test
    @DisplayName("STYLE 13 a race that does not finish in time fails with a TimeoutException naming the stuck "
            + "threads, instead of hanging")
    void timeoutNamesTheStuckThreads() {
        CountDownLatch never = new CountDownLatch(1);

        assertThatThrownBy(() -> Race.of(2).withTimeout(Duration.ofMillis(300)).run(i -> () -> {
            never.await();
            return null;
        }))
                .isInstanceOf(TimeoutException.class)
                .hasMessageContaining("the race did not finish within PT0.3S (2 threads)")
                .hasMessageContaining("race-")
                .hasMessageContaining("CountDownLatch.await");
    }

    @Test
    @DisplayName("STYLE 13 repeat makes each thread call the same call the given number of times")
    void repeatCallsEachThreadNTimes() throws Exception {
        AtomicInteger[] calls = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};

        Race.of(3).repeat(50, thread -> calls[thread].incrementAndGet());

        assertThat(calls).allSatisfy(c -> assertThat(c).hasValue(50));
    }

    @Test
    @DisplayName("STYLE 6 a bad setting fails at once naming the field and the value")
    void badSettingsFail() {
        assertThatThrownBy(() -> Race.of(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads must be 1 or more, was 0");
        assertThatThrownBy(() -> Race.of(2).withTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must be positive, was PT0S");
        assertThatThrownBy(() -> Race.of(2).repeat(-1, t -> { })).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("callsPerThread must be 0 or more, was -1");
        assertThat(Race.of(3).withTimeout(Duration.ofSeconds(5))).satisfies(r -> {
            assertThat(r.threads()).isEqualTo(3);
            assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(5));
        });
    }
}
