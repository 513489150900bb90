package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.bookingrules.jdbc.AppointmentTableTest.Interleaved;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.model.Booking;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.spi.BookingRepositoryContract;
import org.bookingrules.testing.Race;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.threeten.extra.Interval;

/**
 * The negative control of the repository contract's R10 race cases on the JDBC repositories (STYLE
 * 13): with the resource lock removed (its {@code SELECT ... FOR UPDATE} prepared without
 * {@code FOR UPDATE}), each case must fail, or passing it with the lock proves nothing. Run on the
 * repository over each {@link LegacyClinics} appointment table and on the plain
 * {@link JdbcBookingRepository#create(javax.sql.DataSource)}, on H2, PostgreSQL and MariaDB.
 *
 * <p>The interleaving is made certain, not likely: without the lock, every racer, after its
 * overlap check, waits at a barrier until all racers have checked, then writes. With the lock (the
 * control) nothing waits and every case passes, in the same setup.
 *
 * <p>One exception, asserted as such: the plain repository on PostgreSQL keeps a second wall, the
 * exclusion constraint on {@code br_booking}'s claimed slots, so there nothing overlaps even without
 * the lock (the case passes, or fails only on the constraint's deadlock, SQLState 40P01). An
 * appointment table has no such constraint: the lock is its only wall.
 */
@DisplayName("STYLE 13 negative control: the contract's R10 race cases fail on the JDBC repositories without their "
        + "resource lock, and pass with it")
class AppointmentTableRaceNegativeControlTest {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    private static final String HOME = "ehr-home";
    private static final long BARRIER_SECONDS = 20;
    /** The contract's race day (its {@code DAY}): every round's slots are on it. */
    private static final Instant RACE_DAY = Instant.parse("2026-03-10T00:00:00Z");

    /** One race case of the contract. */
    @FunctionalInterface
    interface RaceCase {
        void run(BookingRepositoryContract contract) throws Exception;
    }

    /** The repositories: over each legacy schema, or the library's own tables. */
    enum Over {
        CLINIC_A(LegacyClinics.CLINIC_A), CLINIC_B(LegacyClinics.CLINIC_B), OWN_TABLES(null);

        final LegacyClinics clinic;

        Over(LegacyClinics clinic) {
            this.clinic = clinic;
        }
    }

    static Stream<Arguments> raceCases() {
        return Stream.of(
                named("R10 one slot", (RaceCase) BookingRepositoryContract::racingInsertsOfOneSlotSaveOne),
                named("R10 overlapping slots",
                        (RaceCase) BookingRepositoryContract::racingInsertsOfOverlappingSlotsSaveOne),
                named("R10 a chain of slots",
                        (RaceCase) BookingRepositoryContract::racingInsertsOfAChainOfSlotsNeverOverlap),
                named("R10 moves and inserts of one slot",
                        (RaceCase) BookingRepositoryContract::racingMovesAndInsertsOfOneSlotSaveOne))
                .flatMap(raceCase -> Stream.of(Store.values()).flatMap(store -> Stream.of(Over.values())
                        .map(over -> arguments(store, over, raceCase))));
    }

    @Test
    @DisplayName("the lock statement removed here, and the one the README tells an EHR to take, is the library's own "
            + "on every dialect")
    void lockStatementIsTheLibrarys() {
        for (JdbcDialect dialect : JdbcDialect.values()) {
            assertThat(dialect.sql().lockResource).as("%s", dialect).isEqualTo(AppointmentTableTest.EHR_LOCK)
                    .endsWith(" FOR UPDATE");
        }
    }

    @ParameterizedTest(name = "{2} on {1} on {0}")
    @MethodSource("raceCases")
    @DisplayName("STYLE 13 without the resource lock the race case fails (on the plain repository on PostgreSQL its "
            + "exclusion constraint holds instead)")
    void raceCaseFailsWithoutTheLock(Store store, Over over, RaceCase raceCase) {
        Database db = DATABASES.get(store);
        LockHook hook = new LockHook(db.dialect().sql().lockResource, false, BookingRepositoryContract.RACE_THREADS);
        BookingRepositoryContract contract = contractOn(db, over, hook);

        if (store == Store.POSTGRESQL && over == Over.OWN_TABLES) {
            // The second wall: br_booking's exclusion constraint refuses the overlapping inserts. Writers that
            // meet it without the lock may also deadlock on it (each waiting to see whether the other commits):
            // then an insert fails as a storage fault after its retries, but nothing overlaps either way.
            Throwable failure = catchThrowable(() -> raceCase.run(contract));
            if (failure != null) {
                assertThat(failure).as("the only way the case may fail here: the constraint's deadlock")
                        .isInstanceOf(BookingStorageException.class).hasMessageContaining("SQLState 40P01");
            }
            assertThat(overlappingPairs(hook.repository)).as("active bookings overlapping each other").isZero();
        } else {
            assertThatThrownBy(() -> raceCase.run(contract)).as("the case must see what the repository did")
                    .isInstanceOf(AssertionError.class);
            assertThat(overlappingPairs(hook.repository)).as("active bookings overlapping each other: the repository "
                    + "double-booked, which is what the case caught").isPositive();
        }
        assertThat(hook.lockStatements()).as("lock statements prepared without FOR UPDATE").isPositive();
        assertThat(hook.waits()).as("racers held between their check and their write").isPositive();
    }

    @ParameterizedTest(name = "{2} on {1} on {0}")
    @MethodSource("raceCases")
    @DisplayName("STYLE 13 control: with the resource lock, in the same setup, the race case passes")
    void raceCasePassesWithTheLock(Store store, Over over, RaceCase raceCase) throws Exception {
        Database db = DATABASES.get(store);
        LockHook hook = new LockHook(db.dialect().sql().lockResource, true, BookingRepositoryContract.RACE_THREADS);
        BookingRepositoryContract contract = contractOn(db, over, hook);

        raceCase.run(contract);

        assertThat(overlappingPairs(hook.repository)).isZero();
        assertThat(hook.lockStatements()).as("lock statements prepared with FOR UPDATE").isPositive();
        assertThat(hook.waits()).isZero();
    }

    /** Pairs of active bookings of the contract's practitioner in the race cases' rounds that overlap. */
    private static int overlappingPairs(BookingRepository repository) {
        List<Booking> day = repository.calendar("tenant-a", "dr-ruiz", Interval.of(RACE_DAY, Duration.ofDays(2)));
        int pairs = 0;
        for (int a = 0; a < day.size(); a++) {
            for (int b = a + 1; b < day.size(); b++) {
                if (day.get(a).slot().overlaps(day.get(b).slot())) {
                    pairs++;
                }
            }
        }
        return pairs;
    }

    /** A contract over a repository whose connections go through the hook, set up as JUnit would before a test. */
    private static BookingRepositoryContract contractOn(Database db, Over over, LockHook hook) {
        Interleaved connections = new Interleaved(db.dataSource());
        connections.arm(hook);
        BookingRepositoryContract contract = new BookingRepositoryContract() {
            @Override
            protected BookingRepository newRepository() {
                if (over.clinic == null) {
                    hook.repository = db.emptyRepository(connections);
                } else {
                    over.clinic.create(db);
                    registerTheContractsPatient(db, over.clinic);
                    hook.repository = JdbcBookingRepository.create(connections, over.clinic.table(db.dialect(), HOME));
                }
                return hook.repository;
            }
        };
        contract.createRepository();
        return contract;
    }

    /**
     * Registers the contract's customer in the legacy patients' table first, with the details the
     * library would write: otherwise the racers' registrations of one new patient wait on each
     * other's uncommitted row, which is not the window under test.
     */
    private static void registerTheContractsPatient(Database db, LegacyClinics clinic) {
        String insert = clinic == LegacyClinics.CLINIC_A
                ? "INSERT INTO patients (patient_id, full_name, email, phone, lang) VALUES (?, ?, ?, ?, ?)"
                : "INSERT INTO pat (pat_code, first_nm, last_nm, e_mail, tel) VALUES (?, ?, ?, ?, ?)";
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(insert)) {
            s.setString(1, "cust-ana");
            if (clinic == LegacyClinics.CLINIC_A) {
                s.setString(2, "Ana Pérez Núñez");
                s.setString(3, "ana@example.org");
                s.setString(4, "+34 600 000 001");
                s.setString(5, "es-MX");
            } else {
                s.setString(2, "Ana");
                s.setString(3, "Pérez Núñez");
                s.setString(4, "ana@example.org");
                s.setString(5, "+34 600 000 001");
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("registering the contract's patient: SQLState " + e.getSQLState(), e);
        }
    }

    /**
     * Counts the lock statements prepared; without the lock, prepares them without {@code FOR UPDATE}
     * and holds each racer, at its first write after the lock (after its overlap check), until every
     * racer is there. Thread-safe.
     */
    static final class LockHook implements Interleaved.Hook {
        private static final String FOR_UPDATE = " FOR UPDATE";

        private final String lockStatement;
        private final boolean keepLock;
        /** The repository whose connections it sees, for the test's own checks. */
        volatile BookingRepository repository;
        private final CyclicBarrier allChecked;
        private final AtomicInteger lockStatements = new AtomicInteger();
        private final AtomicInteger waits = new AtomicInteger();
        /** Per racer thread (fresh in each round): took the lock statement, waited already. */
        private final ThreadLocal<boolean[]> state = ThreadLocal.withInitial(() -> new boolean[2]);

        LockHook(String lockStatement, boolean keepLock, int racers) {
            this.lockStatement = lockStatement;
            this.keepLock = keepLock;
            this.allChecked = new CyclicBarrier(racers);
        }

        int lockStatements() {
            return lockStatements.get();
        }

        int waits() {
            return waits.get();
        }

        @Override
        public String beforePrepare(String sql) {
            if (sql.equals(lockStatement)) {
                lockStatements.incrementAndGet();
                if (keepLock) {
                    return sql;
                }
                state.get()[0] = true;
                assertThat(sql).endsWith(FOR_UPDATE);
                return sql.substring(0, sql.length() - FOR_UPDATE.length());
            }
            boolean[] racer = state.get();
            if (!keepLock && racer[0] && !racer[1] && Race.racer().isPresent() && isWrite(sql)) {
                racer[1] = true;
                awaitTheOthers();
            }
            return sql;
        }

        private static boolean isWrite(String sql) {
            String verb = sql.stripLeading().toUpperCase(Locale.ROOT);
            return verb.startsWith("INSERT") || verb.startsWith("UPDATE") || verb.startsWith("MERGE");
        }

        private void awaitTheOthers() {
            waits.incrementAndGet();
            try {
                allChecked.await(BARRIER_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (TimeoutException e) {
                // A racer never came (it failed, or was refused before writing): write anyway, and let
                // the next round wait again.
                allChecked.reset();
            } catch (BrokenBarrierException e) {
                // Another racer timed out: write anyway.
            }
        }
    }
}
