package org.bookingrules.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.jdbc.reliability.Clinic.ANA;
import static org.bookingrules.jdbc.reliability.Clinic.ANA_ACTS;
import static org.bookingrules.jdbc.reliability.Clinic.DR_RUIZ;
import static org.bookingrules.jdbc.reliability.Clinic.DR_SOTO;
import static org.bookingrules.jdbc.reliability.Clinic.NOW;
import static org.bookingrules.jdbc.reliability.Clinic.RECEPTION;
import static org.bookingrules.jdbc.reliability.Clinic.ZONE;

import java.time.Duration;
import java.time.Instant;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.NotificationChoice;
import org.bookingrules.Outcome;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.jdbc.SharedStoreTest;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.model.Booking;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.threeten.extra.MutableClock;

/**
 * The negative control of the consistency check: it passes on tables written by the library,
 * and catches each kind of inconsistency made by hand in them. Without this, a check that never
 * fails would make every fault test pass.
 */
@DisplayName("Consistency check: passes on what the library wrote, catches every hand-made inconsistency")
class ConsistencyCheckTest extends SharedStoreTest {

    /** Two bookings with a few changes each, and the ledger of what the callers were told. */
    private record World(Database db, Ledger ledger, Booking ana, Booking walkIn) {
    }

    /** One way to break the tables by hand, and the rule that must catch it. */
    enum Breakage {
        LAST_EVENT_DELETED("history:", false),
        ALL_EVENTS_DELETED("history:", false),
        VERSION_RAISED("history:", false),
        ORPHAN_EVENT("orphan:", false),
        ORPHAN_OUTBOX_ROW("orphan:", false),
        OUTBOX_ROW_DELETED("ledger:", false),
        OUTBOX_ROW_DELETED_SEEN_WITHOUT_LEDGER("notified:", true),
        OUTBOX_KIND_CHANGED("outbox:", false),
        OUTBOX_ROW_OF_OTHER_CHANGE("outbox:", false),
        BOOKING_NEVER_REPORTED("ledger:", false),
        OVERLAPPING_ACTIVE_BOOKINGS("overlap:", false);

        final String rule;
        final boolean atLeast;

        Breakage(String rule, boolean atLeast) {
            this.rule = rule;
            this.atLeast = atLeast;
        }
    }

    /** The tables as the library wrote them, emptied of other tests' rows first. */
    private World world;

    @BeforeEach
    void writeTwoBookings() {
        world = world(db());
    }

    @Test
    @DisplayName("Consistency check: tables written by the library through the facade pass, with and "
            + "without the ledger")
    void passesOnWhatTheLibraryWrote() {
        ConsistencyCheck.Report report = ConsistencyCheck.run(world.db().dataSource(), world.ledger()).assertConsistent();

        assertThat(report.bookings()).isEqualTo(2);
        assertThat(report.events()).isEqualTo(6);
        assertThat(report.outboxRows()).as("6 changes, each telling the customer and the resource").isEqualTo(12);
        assertThat(ConsistencyCheck.run(world.db().dataSource()).violations()).isEmpty();
        ConsistencyCheck.runAtLeast(world.db().dataSource(), world.ledger(), 2).assertConsistent();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Breakage.class)
    @DisplayName("Consistency check (negative control): each hand-made inconsistency over booking, history "
            + "and outbox is reported under its rule")
    void catchesHandMadeInconsistency(Breakage breakage) {
        Database db = world.db();
        String ana = world.ana().id();
        String walkIn = world.walkIn().id();
        if (breakage.atLeast) {
            ConsistencyCheck.runAtLeast(db.dataSource(), world.ledger(), 2).assertConsistent();
        }

        switch (breakage) {
            case LAST_EVENT_DELETED -> db.execute("DELETE FROM br_booking_event WHERE booking_id = ? AND seq = 4", ana);
            case ALL_EVENTS_DELETED -> db.execute("DELETE FROM br_booking_event WHERE booking_id = ?", ana);
            case VERSION_RAISED -> db.execute("UPDATE br_booking SET version = version + 1 WHERE id = ?", ana);
            case ORPHAN_EVENT -> db.execute("UPDATE br_booking_event SET booking_id = 'gone' WHERE booking_id = ? "
                    + "AND seq = 2", walkIn);
            case ORPHAN_OUTBOX_ROW -> db.execute("UPDATE br_outbox SET booking_id = 'gone' WHERE booking_id = ? AND "
                    + "kind = 'CANCELLED'", walkIn);
            case OUTBOX_ROW_DELETED, OUTBOX_ROW_DELETED_SEEN_WITHOUT_LEDGER -> db.execute("DELETE FROM br_outbox "
                    + "WHERE booking_id = ? AND kind = 'RESCHEDULED' AND recipient = 'CUSTOMER'", ana);
            case OUTBOX_KIND_CHANGED -> db.execute("UPDATE br_outbox SET kind = 'CONFIRMED' WHERE booking_id = ? "
                    + "AND kind = 'CANCELLED' AND recipient = 'RESOURCE'", ana);
            case OUTBOX_ROW_OF_OTHER_CHANGE -> db.execute("UPDATE br_outbox SET booking_id = ? WHERE booking_id = ? "
                    + "AND kind = 'BOOKED'", ana, walkIn);
            case BOOKING_NEVER_REPORTED -> {
                // the tables stay as written; the check below gets a ledger that was told nothing
            }
            // Without a slot claim, as staff back-dating would store them: else PostgreSQL's
            // exclusion constraint refuses the hand-made overlap.
            case OVERLAPPING_ACTIVE_BOOKINGS -> db.execute("UPDATE br_booking SET resource_id = ?, status = 'PENDING', "
                    + "claims_slot = FALSE WHERE id IN (?, ?)", DR_RUIZ.id(), ana, walkIn);
            default -> throw new IllegalStateException(breakage.name());
        }
        Ledger ledger = breakage == Breakage.BOOKING_NEVER_REPORTED ? new Ledger() : world.ledger();
        ConsistencyCheck.Report report = breakage.atLeast ? ConsistencyCheck.runAtLeast(db.dataSource(), new Ledger(), 2)
                : ConsistencyCheck.run(db.dataSource(), ledger);

        assertThat(report.violations()).as("%s is caught", breakage).isNotEmpty()
                .anySatisfy(v -> assertThat(v).startsWith(breakage.rule));
        assertThatThrownBy(report::assertConsistent).isInstanceOf(AssertionError.class)
                .hasMessageContaining(breakage.rule);
    }

    /**
     * Ana books with Dr. Ruiz, confirms, reschedules, cancels; staff book another customer with
     * Dr. Soto at the time Ana ends up at, and cancel it. Six changes, each telling the customer
     * and the resource.
     */
    private static World world(Database db) {
        MutableClock clock = MutableClock.of(NOW, ZONE);
        BookingRules rules = BookingRules.builder().repository(db.emptyRepository(db.dataSource())).clock(clock).build();
        Ledger ledger = new Ledger();
        Instant start = NOW.plus(Duration.ofDays(3));
        Instant moved = start.plus(Duration.ofDays(1));

        Booking ana = record(ledger, rules.book(ANA_ACTS, Clinic.request(ANA, DR_RUIZ, start)));
        clock.add(Duration.ofMinutes(5));
        record(ledger, rules.confirm(ANA_ACTS, Clinic.ref(ana)));
        clock.add(Duration.ofMinutes(5));
        record(ledger, rules.reschedule(ANA_ACTS, Clinic.ref(ana), RescheduleRequest.to(moved,
                moved.plus(Duration.ofHours(1)))));
        Booking walkIn = record(ledger, rules.book(RECEPTION, Clinic.request(Clinic.customer(7, true), DR_SOTO,
                moved)));
        clock.add(Duration.ofMinutes(5));
        record(ledger, rules.cancel(RECEPTION, Clinic.ref(walkIn), ChangeRequest.because("no-show at desk")
                .notifying(NotificationChoice.both())));
        ana = record(ledger, rules.cancel(ANA_ACTS, Clinic.ref(ana), ChangeRequest.because("cannot come")));
        return new World(db, ledger, ana, walkIn);
    }

    private static Booking record(Ledger ledger, Outcome outcome) {
        ledger.record(outcome);
        return outcome.orElseThrow().booking();
    }
}
