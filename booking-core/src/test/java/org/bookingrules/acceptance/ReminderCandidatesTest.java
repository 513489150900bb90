package org.bookingrules.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.DR_SOTO;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.memory.InMemoryBookingRepository;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.Resource;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.testing.DelegatingRepository;
import org.bookingrules.testing.Fixture;
import org.bookingrules.testing.RecordingNotifier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.threeten.extra.MutableClock;

/**
 * R5 at the moment of sending: the store's list of due reminders is where the sweep starts, not
 * what it trusts. A booking that changes between the store's query and the send is left alone (the
 * send is a versioned write, and it loses), and a candidate the store returned that is not due (a
 * coarse query by due time only, as a custom repository may run) is decided again by the facade
 * and gets no reminder. Default policy: reminders 6 h before the start.
 */
@DisplayName("R5 reminders: decided by the facade when sent, not by the store's due list")
class ReminderCandidatesTest {

    private final MutableClock clock = MutableClock.of(NOW, ZONE);
    private final InMemoryBookingRepository store = new InMemoryBookingRepository();
    private final RecordingNotifier notifier = new RecordingNotifier();

    /** A change another command makes after the sweep's query and before its send. */
    enum Meanwhile {
        STAFF_CANCELS, CUSTOMER_CONFIRMS, CUSTOMER_DECLINES, STAFF_RESCHEDULES
    }

    /** Answers the due query from the store, then lets a change land before the sweep goes on. */
    private static final class ChangeAfterQuery extends DelegatingRepository {
        private final AtomicReference<Runnable> meanwhile = new AtomicReference<>();

        ChangeAfterQuery(InMemoryBookingRepository store) {
            super(store);
        }

        @Override
        public List<Booking> dueReminders(Instant now, int limit) {
            List<Booking> due = super.dueReminders(now, limit);
            Runnable change = meanwhile.getAndSet(null);
            if (change != null) {
                change.run();
            }
            return due;
        }
    }

    /** A store whose due query looks at the due time only: status, start and sending are not filtered. */
    private static final class CoarseDueQuery extends DelegatingRepository {
        private final InMemoryBookingRepository store;

        CoarseDueQuery(InMemoryBookingRepository store) {
            super(store);
            this.store = store;
        }

        @Override
        public List<Booking> dueReminders(Instant now, int limit) {
            return store.all(TENANT).stream()
                    .filter(b -> b.reminder().dueAt() != null && !b.reminder().dueAt().isAfter(now))
                    .sorted(Comparator.comparing((Booking b) -> b.reminder().dueAt()))
                    .limit(limit)
                    .toList();
        }
    }

    private BookingRules rulesOn(DelegatingRepository repository) {
        return BookingRules.builder().repository(repository).notifier(notifier).clock(clock).build();
    }

    private Booking book(BookingRules rules, Resource resource, Duration startIn) {
        Instant start = NOW.plus(startIn);
        return rules.book(ANA_ACTS, BookRequest.of(TENANT, resource, CONSULTATION, ANA, start,
                start.plus(Duration.ofHours(1)), ZONE)).orElseThrow().booking();
    }

    private List<BookingEvent> remindersIn(Booking booking) {
        return store.history(TENANT, booking.id()).stream()
                .filter(e -> e instanceof BookingEvent.ReminderSent).toList();
    }

    @ParameterizedTest(name = "R5 {0} between the due query and the send: no reminder")
    @EnumSource(Meanwhile.class)
    @DisplayName("R5 a booking changed between the store's due query and the send gets no reminder for it")
    void aBookingChangedAfterTheQueryIsNotReminded(Meanwhile meanwhile) {
        ChangeAfterQuery repository = new ChangeAfterQuery(store);
        BookingRules rules = rulesOn(repository);
        Booking booking = book(rules, DR_RUIZ, Duration.ofHours(10));
        clock.setInstant(booking.reminder().dueAt());
        Consumer<Booking> change = b -> {
            Outcome outcome = switch (meanwhile) {
                case STAFF_CANCELS -> rules.cancel(RECEPTION, Fixture.ref(b), ChangeRequest.because("ill"));
                case CUSTOMER_CONFIRMS -> rules.confirm(ANA_ACTS, Fixture.ref(b));
                case CUSTOMER_DECLINES -> rules.decline(ANA_ACTS, Fixture.ref(b));
                case STAFF_RESCHEDULES -> rules.reschedule(RECEPTION, Fixture.ref(b), new RescheduleRequest(
                        b.start().plus(Duration.ofDays(2)), b.end().plus(Duration.ofDays(2)), null,
                        ChangeRequest.none()));
            };
            assertThat(outcome.isDone()).as("the change that lands meanwhile").isTrue();
        };
        repository.meanwhile.set(() -> change.accept(booking));

        List<Outcome.Done> sent = rules.sendDueReminders();

        assertThat(sent).as("sent by the sweep that raced the change").isEmpty();
        assertThat(remindersIn(booking)).isEmpty();
        assertThat(notifier.ofKind(NotificationKind.REMINDER)).isEmpty();
        assertThat(rules.sendDueReminders()).as("the next sweep: nothing due any more").isEmpty();
    }

    /** A booking a coarse due query returns, though its reminder is not to be sent. */
    enum NotDue {
        CONFIRMED, DECLINED, CANCELLED, ALREADY_REMINDED, STARTED
    }

    @ParameterizedTest(name = "R5 {0} booking among the candidates of the store: no reminder")
    @EnumSource(NotDue.class)
    @DisplayName("R5 a store whose due query filters by due time only: of its candidates only the pending, "
            + "unreminded, not started booking is reminded")
    void candidatesThatAreNotDueAreNotReminded(NotDue kind) {
        BookingRules rules = rulesOn(new CoarseDueQuery(store));
        Booking due = book(rules, DR_RUIZ, Duration.ofHours(13));
        Booking candidate = switch (kind) {
            case ALREADY_REMINDED -> book(rules, DR_SOTO, Duration.ofMinutes(6 * 60 + 30));
            case STARTED -> book(rules, DR_SOTO, Duration.ofHours(7));
            default -> book(rules, DR_SOTO, Duration.ofHours(10));
        };
        Outcome change = switch (kind) {
            case CONFIRMED -> rules.confirm(ANA_ACTS, Fixture.ref(candidate));
            case DECLINED -> rules.decline(ANA_ACTS, Fixture.ref(candidate));
            case CANCELLED -> rules.cancel(RECEPTION, Fixture.ref(candidate));
            case ALREADY_REMINDED -> {
                clock.setInstant(candidate.reminder().dueAt());
                List<Outcome.Done> first = rules.sendDueReminders();
                assertThat(first).extracting(d -> d.booking().id()).containsExactly(candidate.id());
                yield first.get(0);
            }
            case STARTED -> null; // nothing happens to it: only its start passes
        };
        assertThat(change == null || change.isDone()).as("the candidate's own change").isTrue();
        // Past both due times and the start of the STARTED booking, before the start of the others.
        clock.setInstant(NOW.plus(Duration.ofMinutes(7 * 60 + 30)));

        List<Outcome.Done> sent = rules.sendDueReminders();

        assertThat(sent).extracting(d -> d.booking().id()).as("reminded by the sweep").containsExactly(due.id());
        assertThat(remindersIn(due)).hasSize(1);
        assertThat(remindersIn(candidate)).as("reminders of %s", store.find(TENANT, candidate.id()).orElseThrow())
                .hasSize(kind == NotDue.ALREADY_REMINDED ? 1 : 0);
        assertThat(notifier.ofKind(NotificationKind.REMINDER)).extracting(n -> n.booking().id())
                .filteredOn(candidate.id()::equals).hasSize(kind == NotDue.ALREADY_REMINDED ? 1 : 0);
    }
}
