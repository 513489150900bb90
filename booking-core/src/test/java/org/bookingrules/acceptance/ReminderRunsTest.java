package org.bookingrules.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRules;
import org.bookingrules.memory.InMemoryBookingRepository;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.Resource;
import org.bookingrules.testing.RecordingNotifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.MutableClock;

/**
 * R5 on a schedule ({@link BookingRules#sendRemindersEvery}): one scheduled run sweeps again while
 * a sweep comes back with a full batch, so a backlog larger than the batch goes out in one run,
 * and it stops after 100 sweeps, so one run cannot hold the scheduler's thread for ever; the next
 * run goes on. The runs are started by hand: the scheduler only hands its task over.
 */
@DisplayName("R5 reminder runs: batch after batch while batches come back full, at most 100 a run")
class ReminderRunsTest {

    private final MutableClock clock = MutableClock.of(NOW, ZONE);
    private final InMemoryBookingRepository store = new InMemoryBookingRepository();
    private final HandScheduler scheduler = new HandScheduler();

    /** Keeps the task it is given instead of running it, so a test runs each run itself. */
    private static final class HandScheduler extends ScheduledThreadPoolExecutor {
        Runnable run;

        HandScheduler() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
                                                         TimeUnit unit) {
            run = command;
            return super.schedule(() -> { }, 1, TimeUnit.DAYS);
        }
    }

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    /** Books {@code count} one-hour appointments at the same time, each with a resource of its own. */
    private List<Booking> dueTogether(BookingRules rules, int count) {
        Instant start = NOW.plus(Duration.ofHours(7));
        List<Booking> booked = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Resource room = new Resource("room-" + i, "Room " + i, null);
            booked.add(rules.book(ANA_ACTS, BookRequest.of(TENANT, room, CONSULTATION, ANA, start,
                    start.plus(Duration.ofHours(1)), ZONE)).orElseThrow().booking());
        }
        clock.setInstant(booked.get(0).reminder().dueAt());
        return booked;
    }

    private long reminded(List<Booking> bookings) {
        return bookings.stream().filter(b -> store.history(TENANT, b.id()).stream()
                .anyMatch(e -> e instanceof BookingEvent.ReminderSent)).count();
    }

    /** Books {@code count} bookings due together and schedules minute runs with a batch of {@code batch}. */
    private List<Booking> dueAndScheduled(int batch, int count) {
        BookingRules rules = rulesWithBatch(batch);
        List<Booking> due = dueTogether(rules, count);
        rules.sendRemindersEvery(Duration.ofMinutes(1), scheduler);
        return due;
    }

    private BookingRules rulesWithBatch(int batch) {
        return BookingRules.builder().repository(store).notifier(new RecordingNotifier()).clock(clock)
                .reminderBatch(batch).build();
    }

    @Test
    @DisplayName("R5 a backlog of exactly two full batches goes out in one run: a full batch means sweep again")
    void aFullBatchIsFollowedByAnotherSweep() {
        List<Booking> due = dueAndScheduled(2, 4);

        scheduler.run.run();

        assertThat(reminded(due)).as("reminded by one run").isEqualTo(4);
    }

    @Test
    @DisplayName("R5 one run makes at most 100 sweeps: 101 due with a batch of 1 leave one for the next run")
    void oneRunStopsAfterAHundredSweeps() {
        List<Booking> due = dueAndScheduled(1, 101);

        scheduler.run.run();
        long afterFirstRun = reminded(due);
        scheduler.run.run();

        assertThat(afterFirstRun).as("reminded by the first run").isEqualTo(100);
        assertThat(reminded(due)).as("and by the second").isEqualTo(101);
    }

    @Test
    @DisplayName("R5 a period too long to count in nanoseconds is accepted: the runs wait as long as they can")
    void hugePeriod() {
        ScheduledThreadPoolExecutor real = new ScheduledThreadPoolExecutor(1);
        try {
            ScheduledFuture<?> runs = rulesWithBatch(1).sendRemindersEvery(Duration.ofSeconds(Long.MAX_VALUE), real);

            assertThat(runs.isDone()).as("scheduled, not run").isFalse();
            runs.cancel(false);
        } finally {
            real.shutdownNow();
        }
    }
}
