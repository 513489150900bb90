package org.bookingrules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.BOB;
import static org.bookingrules.testing.Fixture.BOB_ACTS;
import static org.bookingrules.testing.Fixture.RECEPTION;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bookingrules.memory.InMemoryBookingRepository;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.OutboxBookingRepository;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.testing.DelegatingRepository;
import org.bookingrules.testing.Fixture;
import org.bookingrules.testing.RecordingNotifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Where a product plugs the library in: one delivery path per notification, schedules that survive
 * a failed pass, outcomes that are safe to log, and the shortcuts a caller reaches for.
 */
@DisplayName("The embedding seam: delivery path, schedules, loggable outcomes, shortcuts")
class EmbeddingSeamTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    @DisplayName("R14 a notifier together with a repository that keeps an outbox is refused at build(), "
            + "naming both; without the notifier it builds")
    void notifierWithOutboxRepositoryIsRefused() {
        OutboxRepository outbox = new OutboxRepository(new InMemoryBookingRepository());

        assertThatThrownBy(() -> BookingRules.builder().repository(outbox).notifier(new RecordingNotifier()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("notifier")
                .hasMessageContaining("OutboxRepository")
                .hasMessageContaining("relay");
        assertThat(BookingRules.builder().repository(outbox).build()).isNotNull();
    }

    @Test
    @DisplayName("R14 with a repository that keeps an outbox the facade delivers nothing itself; the change "
            + "carries its notifications for the outbox")
    void outboxRepositoryDeliversThroughItsOutboxOnly() {
        RecordingNotifier direct = new RecordingNotifier();
        OutboxRepository outbox = new OutboxRepository(new InMemoryBookingRepository());
        BookingRules rules = BookingRules.builder().repository(outbox).clock(new Fixture().clock).build();
        BookingRules control = BookingRules.builder().repository(new InMemoryBookingRepository())
                .notifier(direct).clock(new Fixture().clock).build();

        Outcome.Done done = rules.book(ANA_ACTS, Fixture.request(ANA, Duration.ofDays(3))).orElseThrow();
        control.book(ANA_ACTS, Fixture.request(ANA, Duration.ofDays(3))).orElseThrow();

        assertThat(outbox.stored).as("handed to the store with the change").hasSize(2);
        assertThat(done.notifications()).hasSize(2);
        assertThat(direct.delivered()).as("control: without an outbox the facade delivers").hasSize(2);
    }

    @Test
    @DisplayName("R5 sendRemindersEvery survives 3 failing passes and sends the due reminder afterwards; a "
            + "plain fixed-delay schedule of sendDueReminders dies at the first failure (control)")
    void reminderScheduleSurvivesFailingPasses() throws Exception {
        Fixture world = new Fixture();
        Booking booking = world.bookForAna(Duration.ofHours(8));
        world.clock.add(Duration.ofHours(3));
        FailingReminders flaky = new FailingReminders(world.repository, 3);
        RecordingNotifier notifier = new RecordingNotifier();
        BookingRules rules = BookingRules.builder().repository(flaky).notifier(notifier).clock(world.clock).build();

        ScheduledFuture<?> schedule = rules.sendRemindersEvery(Duration.ofMillis(20), scheduler);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (notifier.ofKind(NotificationKind.REMINDER).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(flaky.failures).as("the passes that failed").hasValue(3);
        assertThat(notifier.ofKind(NotificationKind.REMINDER)).as("sent after the failures")
                .singleElement().satisfies(n -> assertThat(n.booking().id()).isEqualTo(booking.id()));
        assertThat(schedule.isDone()).as("the schedule is still running").isFalse();

        FailingReminders again = new FailingReminders(new InMemoryBookingRepository(), 1);
        BookingRules plain = BookingRules.builder().repository(again).clock(world.clock).build();
        ScheduledFuture<?> naive = scheduler.scheduleWithFixedDelay(plain::sendDueReminders, 0, 20,
                TimeUnit.MILLISECONDS);
        assertThatThrownBy(() -> naive.get(20, TimeUnit.SECONDS)).as("the naive schedule ended for good")
                .isInstanceOf(ExecutionException.class);
    }

    @Test
    @DisplayName("R15 outcomes and events print ids, kinds and statuses, never the reason or personal message "
            + "typed by people")
    void outcomesAreSafeToLog() {
        Fixture world = new Fixture();
        Booking booking = world.bookForAna(Duration.ofDays(3));
        String reason = "Ana Pérez asked, phone +34 600 000 000";
        String message = "Dear Ana, see you at Calle Mayor 1";

        Outcome.Done cancelled = world.rules.cancel(RECEPTION, Fixture.ref(booking), ChangeRequest.because(reason)
                .notifying(NotificationChoice.customerOnly().withMessage(message))).orElseThrow();

        BookingEvent.Cancelled event = (BookingEvent.Cancelled) cancelled.events().get(0);
        assertThat(event.reason()).as("control: the event holds the text").isEqualTo(reason);
        assertThat(event.personalMessage()).isEqualTo(message);
        for (String text : List.of(cancelled.toString(), event.toString(),
                world.rules.history(RECEPTION, Fixture.ref(booking)).toString())) {
            assertThat(text).doesNotContain("Ana", "+34 600", "Calle Mayor", "ana@example.org")
                    .contains("CANCELLED");
        }
        assertThat(event.toString()).contains("reason=(" + reason.length() + " chars)");
    }

    @Test
    @DisplayName("R9 a refusal's reason is one call away, and its message comes in the customer's language")
    void refusalShortcuts() {
        Fixture world = new Fixture(BookingPolicy.builder().cancellationNotice(Duration.ofHours(24)).build());
        Booking ana = world.bookForAna(Duration.ofHours(10));
        Booking bob = world.rules.book(BOB_ACTS, Fixture.request(BOB, Duration.ofHours(12))).orElseThrow().booking();

        Outcome refusedAna = world.rules.cancel(ANA_ACTS, Fixture.ref(ana));
        Outcome refusedBob = world.rules.cancel(BOB_ACTS, Fixture.ref(bob));

        assertThat(refusedAna.refusalReason()).contains(RefusalReason.CANCELLATION_NOTICE_PASSED);
        Outcome.Refused spanish = (Outcome.Refused) refusedAna;
        assertThat(spanish.locale()).isEqualTo(Locale.forLanguageTag("es"));
        assertThat(spanish.message()).isEqualTo(spanish.refusal().message(Locale.forLanguageTag("es")))
                .isNotEqualTo(spanish.refusal().message(Locale.ENGLISH));
        assertThat(((Outcome.Refused) refusedBob).message())
                .isEqualTo(((Outcome.Refused) refusedBob).refusal().message(Locale.ENGLISH));
        assertThat(world.rules.confirm(ANA_ACTS, Fixture.ref(ana)).refusalReason()).isEmpty();
    }

    @Test
    @DisplayName("R11 every command has an overload without a ChangeRequest")
    void overloadsWithoutChangeRequest() {
        Fixture world = new Fixture();
        BookingRef ref = Fixture.ref(world.bookForAna(Duration.ofDays(3)));

        assertThat(world.rules.confirm(ANA_ACTS, ref).isDone()).isTrue();
        assertThat(world.rules.revokeConfirmation(RECEPTION, ref).isDone()).isTrue();
        assertThat(world.rules.decline(ANA_ACTS, ref).orElseThrow().booking().status())
                .isEqualTo(BookingStatus.DECLINED);
        BookingRef other = Fixture.ref(world.bookForAna(Duration.ofDays(4)));
        assertThat(world.rules.cancel(ANA_ACTS, other).orElseThrow().booking().status())
                .isEqualTo(BookingStatus.CANCELLED);
        world.clock.add(Duration.ofDays(5));
        BookingRef past = Fixture.ref(world.rules.book(RECEPTION, Fixture.request(BOB,
                Duration.ofDays(5).minusMinutes(30))).orElseThrow().booking());
        assertThat(world.rules.complete(RECEPTION, past).orElseThrow().booking().status())
                .isEqualTo(BookingStatus.COMPLETED);
        BookingRef missed = Fixture.ref(world.rules.book(RECEPTION, Fixture.request(ANA,
                Duration.ofDays(5).minusHours(2))).orElseThrow().booking());
        assertThat(world.rules.markNoShow(RECEPTION, missed).orElseThrow().booking().status())
                .isEqualTo(BookingStatus.NO_SHOW);
    }

    /** A repository that says it keeps an outbox, and records what the facade stored. */
    private static final class OutboxRepository extends DelegatingRepository implements OutboxBookingRepository {
        final List<Object> stored = new java.util.concurrent.CopyOnWriteArrayList<>();

        OutboxRepository(BookingRepository delegate) {
            super(delegate);
        }

        @Override
        public SaveResult insert(BookingChange change) {
            stored.addAll(change.notifications());
            return super.insert(change);
        }
    }

    /** A repository whose reminder query fails the first {@code failing} times, as a dropped connection. */
    private static final class FailingReminders extends DelegatingRepository {
        final AtomicInteger failures = new AtomicInteger();
        private final int failing;

        FailingReminders(BookingRepository delegate, int failing) {
            super(delegate);
            this.failing = failing;
        }

        @Override
        public List<Booking> dueReminders(Instant now, int limit) {
            if (failures.get() < failing) {
                failures.incrementAndGet();
                throw new IllegalStateException("connection lost");
            }
            return super.dueReminders(now, limit);
        }
    }
}
