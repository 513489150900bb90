package org.bookingrules.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.bookingrules.jdbc.reliability.Clinic.ANA;
import static org.bookingrules.jdbc.reliability.Clinic.ANA_ACTS;
import static org.bookingrules.jdbc.reliability.Clinic.DR_RUIZ;
import static org.bookingrules.jdbc.reliability.Clinic.NOW;
import static org.bookingrules.jdbc.reliability.Clinic.PERSONAL_DATA;
import static org.bookingrules.jdbc.reliability.Clinic.TENANT;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.jdbc.BookingStorageException;
import org.bookingrules.jdbc.JdbcLinkGuardStore;
import org.bookingrules.jdbc.TestDatabases;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.jdbc.reliability.FaultInjector.Step;
import org.bookingrules.links.LockoutPolicy;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fault injection on the JDBC path: the connection fails (SQLState 08006) at each step of
 * a command's transaction, for book, cancel and reschedule, on every store. Each time the caller
 * gets a {@link BookingStorageException} naming the operation and the SQLState and no personal
 * data, the three tables agree ({@link ConsistencyCheck} against what callers were told), none of
 * the change is stored, and the same command then succeeds.
 */
@DisplayName("Fault injection: the connection fails at each step of book, cancel and reschedule")
class ConnectionFaultTest {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    /** The commands under fault. */
    enum Command {
        BOOK("insert"), CANCEL("update"), RESCHEDULE("update");

        /** The repository operation the storage exception names. */
        final String operation;

        Command(String operation) {
            this.operation = operation;
        }
    }

    private static final Instant START = NOW.plus(Duration.ofDays(3));
    private static final Instant MOVED = START.plus(Duration.ofDays(1));

    static Stream<Arguments> everyStepOfEveryCommand() {
        return everyCommandAt(List.of(Store.values()), List.of(Step.BEFORE_LOCK, Step.AFTER_BOOKING_WRITE,
                Step.AT_EVENT_INSERT, Step.AT_OUTBOX_INSERT, Step.AT_COMMIT));
    }

    /** Every command failing at each of the steps, on each of the stores: (store, command, step). */
    static Stream<Arguments> everyCommandAt(List<Store> stores, List<Step> steps) {
        List<Arguments> cases = new ArrayList<>();
        for (Store store : stores) {
            for (Command command : Command.values()) {
                for (Step step : steps) {
                    cases.add(Arguments.of(store, command, step));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "on {0}: {1} failing {2}")
    @MethodSource("everyStepOfEveryCommand")
    @DisplayName("Fault injection: a connection failure at any step of a command's transaction gives the "
            + "caller a clear storage exception, stores none of the change, leaves booking, history and outbox "
            + "agreeing, and the same command then succeeds")
    void connectionFailsAtStep(Store store, Command command, Step step) {
        Database db = DATABASES.get(store);
        Faulted f = Faulted.over(db);
        Ledger ledger = new Ledger();
        Booking before = target(f, ledger, command);
        ConsistencyCheck.run(db.dataSource(), ledger).assertConsistent();
        List<Long> rowsBefore = rowCounts(db);

        f.faults().failAt(step);
        Throwable thrown = catchThrowable(() -> run(f.rules(), command, before));

        assertThat(f.faults().fired()).as("the fault was reached: %s of %s", step, command).isEqualTo(1);
        assertThat(thrown).as("the caller is told").isInstanceOf(BookingStorageException.class)
                .hasMessageStartingWith(command.operation + " failed")
                .hasMessageContaining("SQLState " + FaultInjector.STATE);
        assertThat(PERSONAL_DATA).as("no personal data in the message: %s", thrown.getMessage())
                .noneMatch(thrown.getMessage()::contains);
        ConsistencyCheck.run(db.dataSource(), ledger).assertConsistent();
        assertThat(rowCounts(db)).as("none of the change is stored (bookings, events, outbox)")
                .isEqualTo(rowsBefore);
        if (before != null) {
            assertThat(f.repository().find(TENANT, before.id())).contains(before);
        }

        Outcome retried = run(f.rules(), command, before);

        assertThat(retried.isDone()).as("the retry succeeds: %s", retried).isTrue();
        assertThat(retried.orElseThrow().changed()).isTrue();
        ledger.record(retried);
        ConsistencyCheck.run(db.dataSource(), ledger).assertConsistent();
        assertThat(f.faults().fired()).as("the fault fired once only").isEqualTo(1);
    }

    static Stream<Arguments> everyCommand() {
        return Stream.of(Store.values()).flatMap(store -> Stream.of(Command.values())
                .map(command -> Arguments.of(store, command)));
    }

    @ParameterizedTest(name = "on {0}: {1}")
    @MethodSource("everyCommand")
    @DisplayName("Fault injection: when the commit succeeds but its reply is lost, the caller gets the "
            + "storage exception, all of the change is stored with its history and outbox rows, and the retry "
            + "(book with the same idempotency key) returns that change instead of making another")
    void commitReplyLost(Store store, Command command) {
        Database db = DATABASES.get(store);
        Faulted f = Faulted.over(db);
        Ledger ledger = new Ledger();
        BookRequest keyed = Clinic.request(ANA, DR_RUIZ, START).withIdempotencyKey("ana-2026-03-05-ruiz");
        Booking before = command == Command.BOOK ? null : record(ledger, f.rules().book(ANA_ACTS, keyed));

        f.faults().failAt(Step.COMMIT_REPLY_LOST);
        Throwable thrown = catchThrowable(() -> {
            if (command == Command.BOOK) {
                f.rules().book(ANA_ACTS, keyed);
            } else {
                run(f.rules(), command, before);
            }
        });

        assertThat(f.faults().fired()).as("%s: the fault was reached", store).isEqualTo(1);
        assertThat(thrown).as("%s", store).isInstanceOf(BookingStorageException.class)
                .hasMessageContaining("SQLState " + FaultInjector.STATE);
        assertThat(ConsistencyCheck.run(db.dataSource()).violations()).as("%s: all of the change is stored", store)
                .isEmpty();

        Outcome retried = command == Command.BOOK ? f.rules().book(ANA_ACTS, keyed) : run(f.rules(), command, before);

        Outcome.Done done = retried.orElseThrow();
        assertThat(done.changed()).as("%s: the retry finds the change made and changes nothing", store).isFalse();
        Booking stored = done.booking();
        assertThat(stored.status()).isEqualTo(command == Command.CANCEL ? BookingStatus.CANCELLED
                : BookingStatus.PENDING);
        NotificationKind kind = switch (command) {
            case BOOK -> NotificationKind.BOOKED;
            case CANCEL -> NotificationKind.CANCELLED;
            case RESCHEDULE -> NotificationKind.RESCHEDULED;
        };
        ledger.recordStored(stored, 1, List.of(Notification.stableId(stored, kind, RecipientRole.CUSTOMER),
                Notification.stableId(stored, kind, RecipientRole.RESOURCE)));
        ConsistencyCheck.run(db.dataSource(), ledger).assertConsistent();
        assertThat(db.count("SELECT COUNT(*) FROM br_booking")).as("%s: one booking, not two", store).isEqualTo(1);
        if (command == Command.BOOK) {
            Outcome unkeyed = f.rules().book(ANA_ACTS, Clinic.request(ANA, DR_RUIZ, START));
            assertThat(unkeyed.asRefusal()).as("%s: without the key, a blind retry only finds its own slot taken",
                    store).hasValueSatisfying(r -> assertThat(r.reason()).isEqualTo(RefusalReason.SLOT_UNAVAILABLE));
        }
    }

    @ParameterizedTest(name = "on {0}: {1}")
    @MethodSource("everyCommand")
    @DisplayName("Fault injection: a connection that failed mid-command is still given back to the pool, "
            + "so connection failures do not drain it")
    void failedConnectionIsGivenBack(Store store, Command command) {
        Database db = DATABASES.get(store);
        Faulted f = Faulted.over(db);
        Booking before = target(f, new Ledger(), command);
        assertThat(f.faults().openConnections()).as("every connection of the setup was given back").isZero();

        f.faults().failAt(Step.AFTER_BOOKING_WRITE);
        Throwable thrown = catchThrowable(() -> run(f.rules(), command, before));

        assertThat(thrown).isInstanceOf(BookingStorageException.class);
        assertThat(f.faults().openConnections())
                .as("the failed connection was closed (given back to the pool); a driver that knows its connection "
                        + "is dead throws from getAutoCommit() too, which must not skip the close")
                .isZero();
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(Store.class)
    @DisplayName("Fault injection: a connection failure while recording a failed identity check gives a "
            + "clear storage exception, keeps the guard state, gives the connection back, and the retry counts once")
    void linkGuardUpdateSurvivesConnectionFailure(Store store) {
        Database db = DATABASES.get(store);
        db.clean();
        FaultInjector faults = new FaultInjector(db.dataSource());
        JdbcLinkGuardStore guards = JdbcLinkGuardStore.create(faults);
        LockoutPolicy policy = LockoutPolicy.DEFAULT;

        for (Step step : List.of(Step.BEFORE_LOCK, Step.AT_COMMIT)) {
            faults.failAt(step);
            Throwable thrown = catchThrowable(() -> guards.recordFailure(TENANT, "booking-1", NOW, policy));

            assertThat(thrown).as("%s", step).isInstanceOf(BookingStorageException.class)
                    .hasMessageStartingWith("link guard update failed: SQLState " + FaultInjector.STATE + ", error ");
            assertThat(guards.state(TENANT, "booking-1").failureTimes().size()).as("%s: nothing counted", step).isZero();
            assertThat(faults.openConnections()).as("%s: the failed connection was given back", step).isZero();
        }
        assertThat(faults.fired()).isEqualTo(2);
        assertThat(guards.recordFailure(TENANT, "booking-1", NOW, policy).failureTimes().size()).isEqualTo(1);
    }

    /**
     * What a command acts on, made before any fault is armed: nothing when the command books,
     * else Ana's booking, booked through the facade and recorded in the ledger.
     */
    static Booking target(Faulted f, Ledger ledger, Command command) {
        return command == Command.BOOK ? null
                : record(ledger, f.rules().book(ANA_ACTS, Clinic.request(ANA, DR_RUIZ, START)));
    }

    private static Booking record(Ledger ledger, Outcome outcome) {
        ledger.record(outcome);
        return outcome.orElseThrow().booking();
    }

    static Outcome run(BookingRules rules, Command command, Booking booking) {
        return switch (command) {
            case BOOK -> rules.book(ANA_ACTS, Clinic.request(ANA, DR_RUIZ, START));
            case CANCEL -> rules.cancel(ANA_ACTS, Clinic.ref(booking), ChangeRequest.because("cannot come"));
            case RESCHEDULE -> rules.reschedule(ANA_ACTS, Clinic.ref(booking),
                    RescheduleRequest.to(MOVED, MOVED.plus(Duration.ofHours(1))));
        };
    }

    /** The SQLState and error code of each SQLException in a failure's cause chain, for messages. */
    static List<String> states(Throwable thrown) {
        List<String> states = new ArrayList<>();
        for (Throwable t = thrown; t != null && states.size() < 10; t = t.getCause()) {
            if (t instanceof SQLException e) {
                states.add(e.getClass().getSimpleName() + " " + e.getSQLState() + "/" + e.getErrorCode());
            }
        }
        return states;
    }

    static List<Long> rowCounts(Database db) {
        return List.of(db.count("SELECT COUNT(*) FROM br_booking"), db.count("SELECT COUNT(*) FROM br_booking_event"),
                db.count("SELECT COUNT(*) FROM br_outbox"), db.count("SELECT COUNT(*) FROM br_idempotency_key"));
    }
}
