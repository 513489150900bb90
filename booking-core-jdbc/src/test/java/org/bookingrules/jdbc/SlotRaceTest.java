package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.ZONE;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRules;
import org.bookingrules.Outcome;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.EachStore;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.testing.Race;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.threeten.extra.Interval;

/**
 * R10: many threads racing through one shared {@link BookingRules} over
 * {@link JdbcBookingRepository} for a slot of one resource, on H2, PostgreSQL and MariaDB; and, in
 * the same harness, the negative control of STYLE 13: a naive check-then-insert written with plain
 * JDBC, which must double-book on at least one store, or the harness proves nothing.
 *
 * <p>The race is run in {@link #ROUNDS} rounds, each at a fresh slot with every thread released
 * from the start gate together. Only the first moments of a round are contested (once a booking
 * stands, every later check sees it), so one round gives the naive code a single chance to be
 * caught; several rounds make the control fail reliably, however quiet or busy the machine.
 */
@DisplayName("R10 racing for one slot on H2, PostgreSQL and MariaDB")
class SlotRaceTest {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    private static final int THREADS = 32;
    private static final int ROUNDS = 8;
    private static final int ATTEMPTS_PER_ROUND = 25;
    private static final String TENANT = "race-clinic";
    /** Three days ahead and on: not inside the reminder window, so nobody is auto-confirmed. */
    private static final List<Interval> SLOTS = IntStream.range(0, ROUNDS)
            .mapToObj(round -> Interval.of(NOW.plus(Duration.ofDays(3)).plus(Duration.ofHours(round)),
                    Duration.ofHours(1)))
            .toList();

    @EachStore
    @DisplayName("R10 32 threads x 25 attempts at a slot of one resource through one BookingRules, 8 rounds at fresh "
            + "slots: exactly one booking per slot, every other attempt Refused SLOT_UNAVAILABLE, no exception "
            + "reaches the caller")
    void exactlyOneBookingWins(Store store) throws Exception {
        Database db = DATABASES.get(store);
        // The repository keeps an outbox: its notifications leave through the relay only.
        TestFacade facade = TestFacade.over(db, Clock.fixed(NOW, ZoneOffset.UTC));
        JdbcBookingRepository repository = facade.repository();
        BookingRules rules = facade.rules();
        Collection<Throwable> faults = new ConcurrentLinkedQueue<>();

        long started = System.nanoTime();
        List<Outcome.Done> winners = new ArrayList<>();
        for (Interval slot : SLOTS) {
            List<List<Outcome>> perThread = Race.run(THREADS, i -> () -> {
                CustomerDetails customer = customer(i);
                BookRequest request = BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, customer, slot.getStart(),
                        slot.getEnd(), ZONE);
                List<Outcome> outcomes = new ArrayList<>(ATTEMPTS_PER_ROUND);
                for (int attempt = 0; attempt < ATTEMPTS_PER_ROUND; attempt++) {
                    try {
                        outcomes.add(rules.book(Actor.customer(customer.id()), request));
                    } catch (Throwable e) {
                        // Counted, not thrown: what matters is that none reaches the caller.
                        faults.add(e);
                    }
                }
                return outcomes;
            });
            List<Outcome> outcomes = perThread.stream().flatMap(List::stream).toList();
            assertThat(faults).as("exceptions that reached the caller (SQLException, BookingStorageException, ...)")
                    .isEmpty();
            assertThat(outcomes).hasSize(THREADS * ATTEMPTS_PER_ROUND);
            List<Outcome.Done> won = outcomes.stream().filter(Outcome::isDone).map(Outcome.Done.class::cast).toList();
            assertThat(won).as("exactly one attempt books %s", slot).hasSize(1);
            assertThat(outcomes).filteredOn(o -> !o.isDone()).as("every other attempt is told the slot is taken")
                    .hasSize(THREADS * ATTEMPTS_PER_ROUND - 1)
                    .allSatisfy(o -> assertThat(o.asRefusal().orElseThrow().reason())
                            .isEqualTo(RefusalReason.SLOT_UNAVAILABLE));
            Booking winner = won.get(0).booking();
            assertThat(repository.calendar(TENANT, DR_RUIZ.id(), slot)).containsExactly(winner);
            assertThat(repository.history(TENANT, winner.id())).as("R15").singleElement()
                    .isInstanceOf(BookingEvent.Booked.class);
            winners.add(won.get(0));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        int attempts = ROUNDS * THREADS * ATTEMPTS_PER_ROUND;
        System.out.printf(Locale.ROOT, "[SlotRaceTest] %s: %d rounds x %d threads x %d attempts = %d in %d ms "
                + "(%.0f attempts/s)%n", store, ROUNDS, THREADS, ATTEMPTS_PER_ROUND, attempts, took.toMillis(),
                attempts / Math.max(0.001, took.toNanos() / 1e9));

        assertThat(db.count("SELECT COUNT(*) FROM br_booking WHERE tenant_id = ?", TENANT))
                .as("rows in br_booking: a refused attempt leaves nothing behind").isEqualTo(ROUNDS);
        assertThat(db.count("SELECT COUNT(*) FROM br_outbox WHERE tenant_id = ?", TENANT))
                .as("R14 outbox: only the winners' two notifications each").isEqualTo(2 * ROUNDS);
        assertThat(facade.drain()).as("R14 notifications the relay delivers").isEqualTo(2 * ROUNDS);
        assertThat(facade.notifier().delivered()).as("R14 only the winners' customers and resource are told")
                .containsExactlyInAnyOrderElementsOf(winners.stream()
                        .flatMap(winner -> winner.notifications().stream()).toList());
    }

    @Test
    @DisplayName("STYLE 13 negative control: a naive check-then-insert (SELECT overlapping rows, then INSERT, no "
            + "lock) in the same harness, 8 rounds of 32 threads x 25 attempts, double-books a slot on at least "
            + "one store")
    void naiveCheckThenInsertDoubleBooks() throws Exception {
        Map<Store, Long> mostPerSlot = new EnumMap<>(Store.class);
        List<String> notRun = new ArrayList<>();
        for (Store store : Store.values()) {
            if (!TestDatabases.isConfigured(store) && !TestDatabases.inCi()) {
                notRun.add(store + " (not configured)");
                continue;
            }
            Database db = DATABASES.get(store);
            db.clean();
            Sql sql = db.dialect().sql();
            Collection<Throwable> faults = new ConcurrentLinkedQueue<>();
            long started = System.nanoTime();
            long most = 0;
            List<Long> perSlot = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                Interval slot = SLOTS.get(round);
                int r = round;
                Race.run(THREADS, i -> () -> {
                    for (int attempt = 0; attempt < ATTEMPTS_PER_ROUND; attempt++) {
                        try {
                            naiveBook(db, sql, slot, i, r * ATTEMPTS_PER_ROUND + attempt);
                        } catch (Throwable e) {
                            faults.add(e);
                        }
                    }
                    return null;
                });
                long booked = db.count("SELECT COUNT(*) FROM br_booking WHERE tenant_id = ? AND resource_id = ? "
                        + "AND id LIKE ?", TENANT, DR_RUIZ.id(), "naive-r" + round + "-%");
                perSlot.add(booked);
                most = Math.max(most, booked);
            }
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            assertThat(faults).as("%s: the naive code runs without faults too", store).isEmpty();
            mostPerSlot.put(store, most);
            System.out.printf(Locale.ROOT, "[SlotRaceTest] naive check-then-insert on %s: bookings per slot %s after "
                    + "%d rounds x %d attempts (%d ms)%n", store, perSlot, ROUNDS, THREADS * ATTEMPTS_PER_ROUND,
                    millis);
            db.clean();
        }

        assertThat(mostPerSlot.values())
                .as("most bookings of one slot per store %s (not run: %s); if even a naive check-then-insert never "
                        + "double-books, this race harness proves nothing", mostPerSlot, notRun)
                .anyMatch(n -> n > 1);
    }

    /** The customer who books from one racing thread. */
    private static CustomerDetails customer(int thread) {
        return new CustomerDetails("cust-" + thread, "Customer " + thread, "c" + thread + "@example.org", null,
                Locale.ENGLISH);
    }

    /**
     * The bug from DESIGN.md "Lessons": availability checked, then inserted, with no lock, each in
     * its own auto-commit statement, as hand-written booking code often does.
     */
    private static void naiveBook(Database db, Sql sql, Interval slot, int thread, int attempt) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            try (PreparedStatement check = c.prepareStatement("SELECT 1 FROM br_booking WHERE tenant_id = ? "
                    + "AND resource_id = ? AND status IN ('PENDING', 'CONFIRMED') "
                    + "AND slot_start < ? AND slot_end > ?")) {
                check.setString(1, TENANT);
                check.setString(2, DR_RUIZ.id());
                sql.bindInstant(check, 3, slot.getEnd());
                sql.bindInstant(check, 4, slot.getStart());
                try (ResultSet rows = check.executeQuery()) {
                    if (rows.next()) {
                        return;
                    }
                }
            }
            // The application's own round trip between its check and its insert (half a millisecond);
            // on an in-memory H2 the two statements alone are too quick for threads to interleave often.
            LockSupport.parkNanos(500_000);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO br_booking (tenant_id, id, "
                    + "confirmation_code, resource_id, resource_name, service_id, service_name, customer_id, "
                    + "slot_start, slot_end, zone_id, status, payment_status, customer_reschedules, claims_slot, "
                    + "version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', 'UNPAID', "
                    + "0, FALSE, 1, ?, ?)")) {
                // claims_slot FALSE: the naive code knows nothing of the library's second wall on PostgreSQL.
                insert.setString(1, TENANT);
                insert.setString(2, "naive-r" + attempt / ATTEMPTS_PER_ROUND + "-" + thread + "-" + attempt);
                insert.setString(3, String.format(Locale.ROOT, "NV%02d%03d", thread, attempt));
                insert.setString(4, DR_RUIZ.id());
                insert.setString(5, DR_RUIZ.name());
                insert.setString(6, CONSULTATION.id());
                insert.setString(7, CONSULTATION.name());
                insert.setString(8, customer(thread).id());
                sql.bindInstant(insert, 9, slot.getStart());
                sql.bindInstant(insert, 10, slot.getEnd());
                insert.setString(11, ZONE.getId());
                sql.bindInstant(insert, 12, NOW);
                sql.bindInstant(insert, 13, NOW);
                insert.executeUpdate();
            }
        }
    }
}
