package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.ZONE;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.jdbc.TestDatabases.EachStore;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.testing.Race;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two actors load the same version and both act; exactly one wins, and the
 * loser's command runs again on fresh state and is decided again. {@link ObservedRepository} holds
 * both commands after their load until both have loaded, so both decide on version 1 before either
 * saves, on the real {@link JdbcBookingRepository} of each store.
 */
@DisplayName("Optimistic versions on H2, PostgreSQL and MariaDB")
class OptimisticVersionTest {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    private static final int ROUNDS = 6;
    private static final String TENANT = "clinic-versions";

    @EachStore
    @DisplayName("R4/R11/R15 a customer's cancel and a staff confirm decided on the same version: exactly one "
            + "VERSION_CONFLICT, the loser re-decided on fresh state (confirm after cancel Refused NOT_ACTIVE, "
            + "cancel after confirm Done), and no event lost")
    void cancelAndConfirmOnTheSameVersion(Store store) throws Exception {
        JdbcBookingRepository jdbc = DATABASES.get(store).emptyRepository();
        ObservedRepository observed = new ObservedRepository(jdbc);
        BookingRules rules = BookingRules.builder().repository(observed).clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .build();
        int cancelWon = 0;
        int confirmWon = 0;

        for (int round = 0; round < ROUNDS; round++) {
            Instant start = NOW.plus(Duration.ofDays(3)).plus(Duration.ofHours(round));
            Booking booked = rules.book(ANA_ACTS, BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, start,
                    start.plus(Duration.ofMinutes(30)), ZONE)).orElseThrow().booking();
            assertThat(booked.version()).isEqualTo(1);
            assertThat(booked.status()).isEqualTo(BookingStatus.PENDING);
            BookingRef ref = BookingRef.of(TENANT, booked.id());
            observed.rendezvous(2);

            List<Outcome> outcomes = Race.run(2, i -> i == 0
                    ? named("cancel", () -> rules.cancel(ANA_ACTS, ref, ChangeRequest.because("cannot come")))
                    : named("confirm", () -> rules.confirm(RECEPTION, ref, ChangeRequest.none())));
            Outcome cancel = outcomes.get(0);
            Outcome confirm = outcomes.get(1);

            assertThat(observed.updates(SaveResult.VERSION_CONFLICT)).as("round %d: version conflicts", round)
                    .isEqualTo(1);
            assertThat(observed.updates(SaveResult.SAVED)).as("round %d: saves", round)
                    .isEqualTo(confirm.isDone() ? 2 : 1);
            List<BookingEvent> history = jdbc.history(TENANT, booked.id());
            Booking stored = jdbc.find(TENANT, booked.id()).orElseThrow();
            assertThat(cancel.isDone()).as("round %d: the customer's cancel goes through in either order", round)
                    .isTrue();
            assertThat(stored.status()).isEqualTo(BookingStatus.CANCELLED);
            if (confirm.isDone()) {
                // The confirm won; the cancel lost, loaded version 2 and was decided again on it.
                confirmWon++;
                assertThat(observed.finds("cancel")).as("round %d: the cancel loaded twice", round).isEqualTo(2);
                assertThat(history).extracting(BookingEvent::kind).as("round %d: history", round)
                        .containsExactly("BOOKED", "CONFIRMED", "CANCELLED");
                assertThat(history.get(2).from()).as("round %d: cancelled from the fresh CONFIRMED state", round)
                        .isEqualTo(BookingStatus.CONFIRMED);
                assertThat(confirm.orElseThrow().booking().version()).isEqualTo(2);
                assertThat(cancel.orElseThrow().booking()).isEqualTo(stored);
                assertThat(stored.version()).isEqualTo(3);
            } else {
                // The cancel won; the confirm lost, loaded the cancelled booking and was refused.
                cancelWon++;
                assertThat(observed.finds("confirm")).as("round %d: the confirm loaded twice", round).isEqualTo(2);
                assertThat(confirm.asRefusal().orElseThrow().reason()).as("round %d", round)
                        .isEqualTo(RefusalReason.NOT_ACTIVE);
                assertThat(history).extracting(BookingEvent::kind).as("round %d: history", round)
                        .containsExactly("BOOKED", "CANCELLED");
                assertThat(history.get(1).from()).isEqualTo(BookingStatus.PENDING);
                assertThat(cancel.orElseThrow().booking()).isEqualTo(stored);
                assertThat(stored.version()).isEqualTo(2);
            }
            assertThat(stored.version()).as("round %d: one version per event, none lost", round)
                    .isEqualTo(history.size());
        }
        System.out.printf(Locale.ROOT, "[OptimisticVersionTest] %s: %d rounds, cancel won %d, confirm won %d%n",
                store, ROUNDS, cancelWon, confirmWon);
    }

    /** Runs a command under a thread name, so the decorator's per-thread counts can be read by name. */
    private static Callable<Outcome> named(String name, Callable<Outcome> command) {
        return () -> {
            Thread.currentThread().setName(name);
            return command.call();
        };
    }
}
