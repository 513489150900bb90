package org.bookingrules.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.bookingrules.BookingConflictException;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.ErasureResult;
import org.bookingrules.Outcome;
import org.bookingrules.memory.InMemoryBookingRepository;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.CustomerErasure;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.testing.DelegatingRepository;
import org.bookingrules.testing.Fixture;
import org.bookingrules.testing.RecordingNotifier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.MutableClock;

/**
 * A command that loses a race is decided again on fresh state, up to
 * {@link org.bookingrules.BookingRulesBuilder#maxAttempts(int)} times in all: the last attempt
 * still counts, and one more loss is a {@link BookingConflictException} with nothing written. The
 * races are made certain by a store that answers the first writes with a lost race.
 */
@DisplayName("Lost races: decided again, up to maxAttempts attempts in all")
class LostRacesTest {

    private static final int ATTEMPTS = 3;

    private final MutableClock clock = MutableClock.of(NOW, ZONE);
    private final InMemoryBookingRepository store = new InMemoryBookingRepository();
    private final RecordingNotifier notifier = new RecordingNotifier();

    /** Loses the first {@code losses} writes of each kind, then passes writes on. */
    private static final class LosingStore extends DelegatingRepository {
        final AtomicInteger insertLosses = new AtomicInteger();
        final AtomicInteger updateLosses = new AtomicInteger();
        final AtomicInteger eraseLosses = new AtomicInteger();
        final AtomicInteger inserts = new AtomicInteger();
        final AtomicInteger updates = new AtomicInteger();
        final AtomicInteger erases = new AtomicInteger();
        SaveResult eraseAnswer = SaveResult.VERSION_CONFLICT;

        LosingStore(InMemoryBookingRepository store) {
            super(store);
        }

        @Override
        public SaveResult insert(BookingChange change) {
            inserts.incrementAndGet();
            return insertLosses.getAndDecrement() > 0 ? SaveResult.CODE_TAKEN : super.insert(change);
        }

        @Override
        public SaveResult update(BookingChange change) {
            updates.incrementAndGet();
            return updateLosses.getAndDecrement() > 0 ? SaveResult.VERSION_CONFLICT : super.update(change);
        }

        @Override
        public SaveResult erase(CustomerErasure erasure) {
            erases.incrementAndGet();
            return eraseLosses.getAndDecrement() > 0 ? eraseAnswer : super.erase(erasure);
        }
    }

    private final LosingStore losing = new LosingStore(store);
    private final BookingRules rules = BookingRules.builder().repository(losing).notifier(notifier).clock(clock)
            .maxAttempts(ATTEMPTS).build();

    private Booking booked() {
        return rules.book(ANA_ACTS, Fixture.request(ANA, Duration.ofDays(3))).orElseThrow().booking();
    }

    @Test
    @DisplayName("R1 a confirmation code taken meanwhile is drawn again: two clashes, and the third attempt books")
    void bookSucceedsOnTheLastAttempt() {
        losing.insertLosses.set(ATTEMPTS - 1);

        Outcome outcome = rules.book(ANA_ACTS, Fixture.request(ANA, Duration.ofDays(3)));

        assertThat(outcome.isDone()).isTrue();
        assertThat(losing.inserts).hasValue(ATTEMPTS);
        assertThat(store.all(TENANT)).containsExactly(outcome.orElseThrow().booking());
    }

    @Test
    @DisplayName("R1 a book that loses every one of its attempts throws BookingConflictException; nothing is stored "
            + "or sent")
    void bookGivesUpAfterMaxAttempts() {
        losing.insertLosses.set(ATTEMPTS);

        assertThatThrownBy(() -> rules.book(ANA_ACTS, Fixture.request(ANA, Duration.ofDays(3))))
                .isInstanceOf(BookingConflictException.class).hasMessageContaining(ATTEMPTS + " attempts");
        assertThat(losing.inserts).hasValue(ATTEMPTS);
        assertThat(store.all(TENANT)).isEmpty();
        assertThat(notifier.delivered()).isEmpty();
    }

    @Test
    @DisplayName("R2 R12 a cancel whose booking changed meanwhile is decided again: two conflicts, and the third "
            + "attempt cancels")
    void changeSucceedsOnTheLastAttempt() {
        Booking booking = booked();
        losing.updateLosses.set(ATTEMPTS - 1);

        Outcome outcome = rules.cancel(RECEPTION, Fixture.ref(booking), ChangeRequest.because("closed"));

        assertThat(outcome.orElseThrow().booking().status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(losing.updates).hasValue(ATTEMPTS);
    }

    @Test
    @DisplayName("R2 R12 a cancel that loses every one of its attempts throws BookingConflictException; the "
            + "booking stays as it was")
    void changeGivesUpAfterMaxAttempts() {
        Booking booking = booked();
        losing.updateLosses.set(ATTEMPTS);

        assertThatThrownBy(() -> rules.cancel(RECEPTION, Fixture.ref(booking), ChangeRequest.none()))
                .isInstanceOf(BookingConflictException.class).hasMessageContaining(ATTEMPTS + " attempts");
        assertThat(losing.updates).hasValue(ATTEMPTS);
        assertThat(store.find(TENANT, booking.id())).contains(booking);
    }

    @Test
    @DisplayName("Erasure whose bookings changed meanwhile is decided again: two conflicts, and the third attempt "
            + "erases; one conflict more throws BookingConflictException")
    void eraseIsRetriedUpToMaxAttempts() {
        Booking booking = booked();
        losing.eraseLosses.set(ATTEMPTS - 1);

        ErasureResult erased = rules.eraseCustomer(RECEPTION, TENANT, ANA.id());

        assertThat(erased.status()).isEqualTo(ErasureResult.Status.ERASED);
        assertThat(losing.erases).hasValue(ATTEMPTS);

        Booking other = rules.book(RECEPTION, Fixture.request(Fixture.BOB, Duration.ofDays(4))).orElseThrow().booking();
        losing.erases.set(0);
        losing.eraseLosses.set(ATTEMPTS);
        assertThatThrownBy(() -> rules.eraseCustomer(RECEPTION, TENANT, Fixture.BOB.id()))
                .isInstanceOf(BookingConflictException.class).hasMessageContaining(String.valueOf(ATTEMPTS));
        assertThat(losing.erases).hasValue(ATTEMPTS);
        assertThat(store.find(TENANT, other.id())).contains(other);
        assertThat(store.find(TENANT, booking.id()).orElseThrow().customer().orElseThrow().isErased()).isTrue();
    }

    @Test
    @DisplayName("Erasure answered by the store with a result an erase cannot have fails loudly, naming it")
    void eraseWithAnImpossibleStoreAnswerFails() {
        booked();
        losing.eraseAnswer = SaveResult.SLOT_TAKEN;
        losing.eraseLosses.set(1);

        assertThatThrownBy(() -> rules.eraseCustomer(RECEPTION, TENANT, ANA.id()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("SLOT_TAKEN");
        assertThat(losing.erases).hasValue(1);
    }

    @Test
    @DisplayName("R1 an idempotency key whose booking the store no longer finds fails loudly rather than booking "
            + "a second time")
    void idempotencyKeyOfAMissingBookingFails() {
        Booking first = rules.book(ANA_ACTS, Fixture.request(ANA, Duration.ofDays(3)).withIdempotencyKey("k-1"))
                .orElseThrow().booking();
        BookingRules lost = BookingRules.builder().repository(new DelegatingRepository(store) {
            @Override
            public Optional<Booking> find(String tenantId, String bookingId) {
                return bookingId.equals(first.id()) ? Optional.empty() : super.find(tenantId, bookingId);
            }
        }).notifier(notifier).clock(clock).build();

        assertThatThrownBy(() -> lost.book(ANA_ACTS, Fixture.request(ANA, Duration.ofDays(3)).withIdempotencyKey("k-1")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("missing booking");
        assertThat(store.all(TENANT)).containsExactly(first);
    }
}
