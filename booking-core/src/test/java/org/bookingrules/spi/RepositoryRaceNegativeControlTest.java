package org.bookingrules.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.testing.Race;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.threeten.extra.Interval;

/**
 * The negative control of {@link BookingRepositoryContract}'s concurrency cases (STYLE 13): each
 * case, run unchanged on a repository that checks and then writes without a lock, must fail, or it
 * proves nothing. The naive repository makes the interleaving certain instead of likely: every racing
 * writer checks, then waits at a barrier until all of them have checked, then writes.
 */
@DisplayName("STYLE 13 negative control: the repository contract's concurrency cases fail on a check-then-act "
        + "repository")
class RepositoryRaceNegativeControlTest {

    /** One concurrency case of the contract. */
    @FunctionalInterface
    interface RaceCase {
        void run(BookingRepositoryContract contract) throws Exception;
    }

    static Stream<Arguments> raceCases() {
        return Stream.of(
                arguments(named("R10 one slot",
                        (RaceCase) BookingRepositoryContract::racingInsertsOfOneSlotSaveOne), "double-books"),
                arguments(named("R10 overlapping slots",
                        (RaceCase) BookingRepositoryContract::racingInsertsOfOverlappingSlotsSaveOne), "double-books"),
                arguments(named("R10 a chain of slots",
                        (RaceCase) BookingRepositoryContract::racingInsertsOfAChainOfSlotsNeverOverlap), "double-books"),
                arguments(named("R10 moves and inserts of one slot",
                        (RaceCase) BookingRepositoryContract::racingMovesAndInsertsOfOneSlotSaveOne), "double-books"),
                arguments(named("one version of one booking",
                        (RaceCase) BookingRepositoryContract::racingUpdatesOfOneVersionSaveOne), "loses updates"));
    }

    /** A contract whose repository is the naive one, set up as JUnit would before a test. */
    private static BookingRepositoryContract contractOn(BookingRepository repository) {
        BookingRepositoryContract contract = new BookingRepositoryContract() {
            @Override
            protected BookingRepository newRepository() {
                return repository;
            }
        };
        contract.createRepository();
        return contract;
    }

    @ParameterizedTest(name = "{0}: the case fails, the repository {1}")
    @MethodSource("raceCases")
    @DisplayName("STYLE 13 each concurrency case of the repository contract fails on a check-then-act repository, "
            + "which double-books slots or loses updates")
    void raceCaseFailsWithoutALock(RaceCase raceCase, String wrong) {
        CheckThenActRepository naive = new CheckThenActRepository(BookingRepositoryContract.RACE_THREADS);
        BookingRepositoryContract contract = contractOn(naive);

        assertThatThrownBy(() -> raceCase.run(contract)).as("the case must see what the repository did")
                .isInstanceOf(AssertionError.class);

        if (wrong.equals("double-books")) {
            assertThat(naive.doubleBookings()).as("writes saved over an overlapping active booking").isPositive();
        } else {
            assertThat(naive.lostUpdates()).as("updates saved over a version changed since the check").isPositive();
        }
    }

    @Test
    @DisplayName("STYLE 13 the naive repository alone, outside a race, keeps the contract's single-threaded rules: "
            + "the failures above are the race's")
    void naiveRepositoryIsRightWithoutARace() throws Exception {
        List<RaceCase> singleThreaded = List.of(BookingRepositoryContract::updateSlotTaken,
                BookingRepositoryContract::versionConflict, BookingRepositoryContract::adjacentSlotsDoNotOverlap,
                c -> c.insertSlotTaken("the same slot", BookingRepositoryContract.hours(10, 11)));
        for (RaceCase check : singleThreaded) {
            CheckThenActRepository naive = new CheckThenActRepository(BookingRepositoryContract.RACE_THREADS);

            check.run(contractOn(naive));

            assertThat(naive.doubleBookings()).isZero();
            assertThat(naive.lostUpdates()).isZero();
        }
    }

    /**
     * A repository that checks the slot and the version, then writes, with nothing held in between:
     * what an adapter without the resource lock (or with a version check done by a read) amounts to.
     * On the threads of a {@link Race} every write waits, after its check, until all racers have
     * checked. Counts the wrong writes it makes. Only what the concurrency cases call is
     * implemented. Thread-safe, in the sense that it does not break; not correct.
     */
    static final class CheckThenActRepository implements BookingRepository {
        private static final long BARRIER_SECONDS = 10;

        private final Map<String, Booking> bookings = new ConcurrentHashMap<>();
        private final Map<String, List<BookingEvent>> histories = new ConcurrentHashMap<>();
        private final CyclicBarrier allChecked;
        private final AtomicInteger doubleBookings = new AtomicInteger();
        private final AtomicInteger lostUpdates = new AtomicInteger();
        /** Saves per booking and expected version: more than one is a lost update. */
        private final Map<String, AtomicInteger> savesPerVersion = new ConcurrentHashMap<>();

        CheckThenActRepository(int racers) {
            this.allChecked = new CyclicBarrier(racers);
        }

        /** @return writes that were saved although an overlapping active booking was stored by then */
        int doubleBookings() {
            return doubleBookings.get();
        }

        /** @return updates saved on a version another update had already been saved on */
        int lostUpdates() {
            return lostUpdates.get();
        }

        private static String key(String tenantId, String bookingId) {
            return tenantId + "/" + bookingId;
        }

        private boolean overlapsAnother(Booking booking) {
            return bookings.values().stream().anyMatch(b -> b.isActive() && !b.id().equals(booking.id())
                    && b.tenantId().equals(booking.tenantId())
                    && b.resource().id().equals(booking.resource().id()) && b.slot().overlaps(booking.slot()));
        }

        private static boolean claims(BookingChange change) {
            return change.slotClaim() == SlotClaim.EXCLUSIVE && change.booking().isActive();
        }

        /** On a racing thread, waits until every racer has made its check: the window a lock closes. */
        private void awaitTheOthers() {
            if (Race.racer().isEmpty()) {
                return;
            }
            try {
                allChecked.await(BARRIER_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (BrokenBarrierException | TimeoutException e) {
                // Fewer racers than parties: write anyway, the interleaving is merely less certain.
            }
        }

        private void store(BookingChange change) {
            Booking b = change.booking();
            bookings.put(key(b.tenantId(), b.id()), b);
            histories.computeIfAbsent(key(b.tenantId(), b.id()), k -> new CopyOnWriteArrayList<>())
                    .addAll(change.events());
        }

        @Override
        public SaveResult insert(BookingChange change) {
            Booking b = change.booking();
            if (bookings.containsKey(key(b.tenantId(), b.id()))) {
                throw new IllegalArgumentException("booking id already used in tenant: " + b.id());
            }
            boolean taken = claims(change) && overlapsAnother(b);
            awaitTheOthers();
            if (taken) {
                return SaveResult.SLOT_TAKEN;
            }
            store(change);
            countWrongWrites(change);
            return SaveResult.SAVED;
        }

        /** Counts, after a write, what the write did wrong: checked after it, so the last writer sees all. */
        private void countWrongWrites(BookingChange change) {
            Booking b = change.booking();
            if (claims(change) && overlapsAnother(b)) {
                doubleBookings.incrementAndGet();
            }
            String version = key(b.tenantId(), b.id()) + "@" + change.expectedVersion();
            if (savesPerVersion.computeIfAbsent(version, v -> new AtomicInteger()).incrementAndGet() > 1) {
                lostUpdates.incrementAndGet();
            }
        }

        @Override
        public SaveResult update(BookingChange change) {
            Booking b = change.booking();
            Booking stored = bookings.get(key(b.tenantId(), b.id()));
            boolean stale = stored == null || stored.version() != change.expectedVersion();
            boolean taken = claims(change) && overlapsAnother(b);
            awaitTheOthers();
            if (stale) {
                return SaveResult.VERSION_CONFLICT;
            }
            if (taken) {
                return SaveResult.SLOT_TAKEN;
            }
            store(change);
            countWrongWrites(change);
            return SaveResult.SAVED;
        }

        @Override
        public Optional<Booking> find(String tenantId, String bookingId) {
            return Optional.ofNullable(bookings.get(key(tenantId, bookingId)));
        }

        @Override
        public Optional<Booking> findByConfirmationCode(String tenantId, String confirmationCode) {
            return bookings.values().stream()
                    .filter(b -> b.tenantId().equals(tenantId) && b.confirmationCode().equals(confirmationCode))
                    .findFirst();
        }

        @Override
        public List<Booking> calendar(String tenantId, String resourceId, Interval interval) {
            return bookings.values().stream()
                    .filter(b -> b.isActive() && b.tenantId().equals(tenantId) && b.resource().id().equals(resourceId)
                            && b.slot().overlaps(interval))
                    .sorted(Comparator.comparing(Booking::start).thenComparing(Booking::id))
                    .toList();
        }

        @Override
        public List<BookingEvent> history(String tenantId, String bookingId) {
            return List.copyOf(histories.getOrDefault(key(tenantId, bookingId), List.of()));
        }

        @Override
        public Optional<IdempotencyKey> findIdempotencyKey(String tenantId, String key) {
            Objects.requireNonNull(key, "key");
            return Optional.empty();
        }

        @Override
        public List<Booking> customerBookings(String tenantId, String customerId) {
            return new ArrayList<>(bookings.values().stream()
                    .filter(b -> b.tenantId().equals(tenantId)
                            && b.customer().map(c -> c.id().equals(customerId)).orElse(false))
                    .sorted(Comparator.comparing(Booking::start))
                    .toList());
        }

        @Override
        public List<Booking> dueReminders(Instant now, int limit) {
            throw new UnsupportedOperationException("not needed by the concurrency cases");
        }
    }
}
