package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.ZONE;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.bookingrules.BookRequest;
import org.bookingrules.Outcome;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.model.Actor;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.rules.RefusalReason;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.MutableClock;

/**
 * {@link JdbcBookingRepository#joining(ConnectionProvider)}: the booking, its history and its
 * outbox rows become part of the caller's transaction, which alone decides whether they stay.
 */
@DisplayName("JdbcBookingRepository joins the caller's transaction")
class JoinedTransactionTest extends SharedStoreTest {

    private static final String TENANT = "clinic-joined";
    private static final CustomerDetails BOB = new CustomerDetails("cust-bob", "Bob Smith", "bob@example.org", null,
            Locale.ENGLISH);

    /** The store's database, its tables emptied before each test. */
    private Database db;

    @BeforeEach
    void emptyTables() {
        db = emptyDb();
    }

    @Test
    @DisplayName("a booking made in the caller's transaction is invisible to others until commit and gone on rollback")
    void callerDecides() throws SQLException {
        TestFacade.inCallersTransaction(db, MutableClock.of(NOW, ZONE), (callers, rules) -> {
            Outcome.Done rolledBack = rules.book(Actor.customer(ANA.id()), request(ANA)).orElseThrow();
            assertThat(rowsOf(db, rolledBack.booking().id())).as("not committed yet").isZero();
            callers.rollback();
            assertThat(rowsOf(db, rolledBack.booking().id())).as("the caller rolled back").isZero();
            assertThat(db.count("SELECT COUNT(*) FROM br_outbox WHERE tenant_id = ?", TENANT)).isZero();

            Outcome.Done kept = rules.book(Actor.customer(ANA.id()), request(ANA)).orElseThrow();
            callers.commit();
            assertThat(rowsOf(db, kept.booking().id())).isOne();
            assertThat(db.count("SELECT COUNT(*) FROM br_booking_event WHERE tenant_id = ? AND booking_id = ?",
                    TENANT, kept.booking().id())).isOne();
            assertThat(db.count("SELECT COUNT(*) FROM br_outbox WHERE tenant_id = ? AND booking_id = ?",
                    TENANT, kept.booking().id())).as("customer and resource notifications").isEqualTo(2);
        });
    }

    @Test
    @DisplayName("R10 a refused write inside the caller's transaction leaves it usable: the earlier booking commits")
    void refusalLeavesTheTransactionUsable() throws SQLException {
        TestFacade.inCallersTransaction(db, MutableClock.of(NOW, ZONE), (callers, rules) -> {
            Outcome.Done first = rules.book(Actor.customer(ANA.id()), request(ANA)).orElseThrow();
            Outcome second = rules.book(Actor.customer(BOB.id()), request(BOB));
            callers.commit();

            assertThat(second.asRefusal()).get().extracting(r -> r.reason()).isEqualTo(RefusalReason.SLOT_UNAVAILABLE);
            assertThat(rowsOf(db, first.booking().id())).isOne();
            assertThat(db.count("SELECT COUNT(*) FROM br_booking WHERE tenant_id = ?", TENANT)).isOne();
            assertThat(callers.isClosed()).as("the repository never closes the caller's connection").isFalse();
        });
    }

    private static BookRequest request(CustomerDetails customer) {
        Instant start = NOW.plus(Duration.ofDays(3));
        return BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, customer, start, start.plus(Duration.ofHours(1)), ZONE);
    }

    private static long rowsOf(Database db, String bookingId) {
        return db.count("SELECT COUNT(*) FROM br_booking WHERE tenant_id = ? AND id = ?", TENANT, bookingId);
    }
}
