package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.BOB;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.EachStore;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.Availability;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.testing.Fixture;
import org.bookingrules.testing.RecordingNotifier;
import org.bookingrules.waitlist.JoinRequest;
import org.bookingrules.waitlist.OfferRules;
import org.bookingrules.waitlist.WaitlistEntry;
import org.bookingrules.waitlist.WaitlistNotice;
import org.bookingrules.waitlist.WaitlistPolicy;
import org.bookingrules.waitlist.WaitlistStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.threeten.extra.Interval;
import org.threeten.extra.MutableClock;

/**
 * What the cancellation list adds to the JDBC repository beyond the contract, on each store: the
 * hold check in the statements of a booking write, with its negative control (STYLE 13); the plan of
 * the candidates query over 10,000 waiting entries; the notice's outbox document as JSON; a relay
 * whose notifier delivers no notices; and a repository over an appointment table, which keeps no list.
 */
@DisplayName("JdbcBookingRepository keeps the cancellation list in its own tables")
class JdbcWaitlistStoreTest {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    /** Tomorrow 10:00 to 11:00 UTC: the slot Bob books and frees. */
    private static final Instant SLOT_START = NOW.plus(Duration.ofHours(25));
    private static final Interval TOMORROW = Interval.of(NOW.plus(Duration.ofHours(15)),
            NOW.plus(Duration.ofHours(39)));
    private static final CustomerDetails DAN = new CustomerDetails("cust-dan", "Dan Brown", "dan@example.org", null,
            Locale.ENGLISH);
    private static final String HOLD_CHECK = "FROM br_slot_hold WHERE tenant_id = ? AND resource_id = ? "
            + "AND status = 'OPEN'";

    /** A clinic over one repository: the list on, Ana waiting, Bob's booking of the slot cancelled. */
    private static final class HeldSlot {
        final MutableClock clock = MutableClock.of(NOW, ZONE);
        final Database db;
        final BookingRules rules;
        final WaitlistEntry anas;

        /** Over the store's database, emptied first. */
        HeldSlot(Store store) {
            this(DATABASES.empty(store));
        }

        HeldSlot(Database db) {
            this(db, db.dataSource());
        }

        /** Over the given pool of the database. */
        HeldSlot(Database db, DataSource pool) {
            this.db = db;
            JdbcBookingRepository repository = JdbcBookingRepository.create(pool);
            rules = Fixture.rulesOver(repository, BookingNotifier.NONE, BookingPolicy.ofDefaults(),
                    Availability.ALWAYS_OPEN, clock).waitlist(WaitlistPolicy.DEFAULT).build();
            anas = rules.waitlist().join(Fixture.ANA_ACTS, JoinRequest.anyResource(TENANT, ANA, CONSULTATION,
                    TOMORROW, ZONE)).entry();
            clock.add(Duration.ofMinutes(1));
            Booking bobs = rules.book(Fixture.BOB_ACTS, Fixture.requestAt(BOB, SLOT_START)).orElseThrow().booking();
            clock.add(Duration.ofMinutes(1));
            rules.cancel(Fixture.BOB_ACTS, Fixture.ref(bobs), ChangeRequest.none()).orElseThrow();
        }

        Outcome danBooksTheSlot() {
            return rules.book(Actor.customer(DAN.id()), Fixture.requestAt(DAN, SLOT_START));
        }

        /** A relay of the database's outbox on the clinic's clock. */
        OutboxRelay.Builder relay(BookingNotifier notifier) {
            return OutboxRelay.builder().dataSource(db.dataSource()).notifier(notifier).clock(clock);
        }

        /** How many outbox rows meet a condition, with its parameters. */
        long outboxRows(String condition, String... parameters) {
            return db.count("SELECT COUNT(*) FROM br_outbox WHERE " + condition, parameters);
        }

        /** Delivers what is due until the outbox has nothing due. */
        void drain(OutboxRelay relay) {
            while (relay.deliverDue() > 0) {
                // Another pass.
            }
        }
    }

    // ------------------------------------------------------------------------------------- hold

    @EachStore
    @DisplayName("a booking over a held slot is refused by the statements under the lock; control: with the hold "
            + "check taken out of them, the same booking takes the held slot")
    void holdCheckInTheStatements(Store store) {
        HeldSlot held = new HeldSlot(store);
        Database db = held.db;
        assertThat(db.count("SELECT COUNT(*) FROM br_slot_hold WHERE status = 'OPEN'")).as("held").isEqualTo(1);
        assertThat(Fixture.reason(held.danBooksTheSlot())).isEqualTo(RefusalReason.SLOT_UNAVAILABLE);

        db.clean();
        AtomicInteger rewritten = new AtomicInteger();
        HeldSlot control = new HeldSlot(db, withoutHoldCheck(db.dataSource(), rewritten));
        assertThat(db.count("SELECT COUNT(*) FROM br_slot_hold WHERE status = 'OPEN'")).as("held").isEqualTo(1);
        assertThat(control.danBooksTheSlot().isDone()).as("control: the held slot is taken").isTrue();
        assertThat(rewritten.get()).as("hold checks taken out").isPositive();
    }

    /** A pool whose connections prepare the hold check so that it never finds a hold. */
    private static DataSource withoutHoldCheck(DataSource pool, AtomicInteger rewritten) {
        return new ForwardingDataSource(pool) {
            @Override
            public Connection getConnection() throws SQLException {
                Connection real = delegate().getConnection();
                return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                            if (method.getName().equals("prepareStatement") && args != null
                                    && args[0] instanceof String sql && sql.contains(HOLD_CHECK)) {
                                rewritten.incrementAndGet();
                                args[0] = sql.replace(HOLD_CHECK, "FROM br_slot_hold WHERE 1 = 0 AND "
                                        + HOLD_CHECK.substring("FROM br_slot_hold WHERE ".length()));
                            }
                            try {
                                return method.invoke(real, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }
        };
    }

    // ------------------------------------------------------------------------------------- plans

    private static final String PLAN_TENANT = "plan-waitlist";
    private static final int WAITING = 10_000;
    private static final int SERVICES = 5;

    @EachStore
    @DisplayName("with 10,000 waiting entries in a tenant, the candidates query reads br_waitlist_entry_candidates_ix "
            + "and returns the earliest joined first")
    void candidatesQueryUsesItsIndex(Store store) throws SQLException {
        Database db = DATABASES.get(store);
        Sql sql = db.dialect().sql();
        withPlanRows(db, "br_waitlist_entry", "INSERT INTO br_waitlist_entry (" + Sql.ENTRY_COLUMNS + ") VALUES (?, ?, "
                + "?, NULL, NULL, NULL, 'en', ?, 'Consultation', ?, ?, ?, NULL, ?, ?, 1)", WAITING, (s, i) -> {
                    s.setString(1, PLAN_TENANT);
                    s.setString(2, String.format(Locale.ROOT, "entry-%05d", i));
                    s.setString(3, "cust-" + i);
                    s.setString(4, "svc-" + i % SERVICES);
                    s.setString(5, i % 3 == 0 ? "dr-" + i % 7 : null);
                    sql.bindInstant(s, 6, NOW);
                    sql.bindInstant(s, 7, NOW.plus(Duration.ofDays(30 + i % 30)));
                    s.setString(8, i % 10 == 0 ? "BOOKED" : "WAITING");
                    sql.bindInstant(s, 9, NOW.minus(Duration.ofMinutes(i)));
                }, () -> {
            Interval slot = Interval.of(NOW.plus(Duration.ofDays(2)), NOW.plus(Duration.ofDays(2)).plusSeconds(3600));
            List<Object> parameters = List.of(PLAN_TENANT, "svc-1", "dr-1", slot.getStart(), slot.getEnd(), 20);

            List<WaitlistEntry> found = JdbcBookingRepository.create(db.dataSource())
                    .waitingFor(PLAN_TENANT, "svc-1", "dr-1", slot, 20);
            assertThat(found).hasSize(20).isSortedAccordingTo(OfferRules.ORDER)
                    .allSatisfy(e -> assertThat(e.service().id()).isEqualTo("svc-1"));

            String plan = plan(db, sql.waitingFor, parameters);
            System.out.printf(Locale.ROOT, "[JdbcWaitlistStoreTest] %s, candidates query plan:%n%s%n", store, plan);
            assertThat(plan.toLowerCase(Locale.ROOT)).contains("br_waitlist_entry_candidates_ix");
            // The index is the one read (not merely a possible key), in its order up to the limit, not sorted
            // afterwards.
            if (store == Store.H2) {
                assertThat(plan).contains("index sorted");
            } else if (store == Store.POSTGRESQL) {
                assertThat(plan).contains("\"Index Name\": \"br_waitlist_entry_candidates_ix\"")
                        .doesNotContain("Sort");
            } else {
                assertThat(plan).contains("\"key\": \"br_waitlist_entry_candidates_ix\"").doesNotContain("filesort");
            }
        });
    }

    @EachStore
    @DisplayName("with 2,000 holds in a tenant, the slot check of a booking reads the resource's open holds "
            + "through br_slot_hold_resource_ix, in the same statement as its bookings (on PostgreSQL in the "
            + "generic plan too)")
    void holdCheckUsesItsIndex(Store store) throws SQLException {
        Database db = DATABASES.get(store);
        Sql sql = db.dialect().sql();
        withPlanRows(db, "br_slot_hold", "INSERT INTO br_slot_hold (" + Sql.HOLD_COLUMNS + ") VALUES (?, ?, ?, 'Dr.', "
                + "NULL, 'svc-0', 'Consultation', ?, ?, 'Europe/Madrid', NULL, ?, ?, 1, ?, 1)", 2000, (s, i) -> {
                    Instant start = NOW.plus(Duration.ofHours(i));
                    s.setString(1, PLAN_TENANT);
                    s.setString(2, String.format(Locale.ROOT, "hold-%05d", i));
                    s.setString(3, "dr-" + i % 20);
                    sql.bindInstant(s, 4, start);
                    sql.bindInstant(s, 5, start.plus(Duration.ofHours(1)));
                    s.setString(6, i % 50 == 0 ? "OPEN" : i % 2 == 0 ? "RELEASED" : "TAKEN");
                    sql.bindInstant(s, 7, start.minus(Duration.ofHours(2)));
                    sql.bindInstant(s, 8, NOW);
                }, () -> {
            Instant start = NOW.plus(Duration.ofHours(1003));
            Instant end = start.plus(Duration.ofHours(1));
            List<Object> parameters = List.of(PLAN_TENANT, "dr-3", end, start, PLAN_TENANT, "dr-3", end, start, NOW,
                    "");
            String plan = plan(db, sql.slotTaken, parameters);
            System.out.printf(Locale.ROOT, "[JdbcWaitlistStoreTest] %s, slot check plan:%n%s%n", store, plan);
            // The index read, not merely a possible key; the bookings' half is OverlapPlanTest's.
            assertThat(plan).contains(switch (store) {
                case H2 -> "/* PUBLIC.BR_SLOT_HOLD_RESOURCE_IX:";
                case POSTGRESQL -> "\"Index Name\": \"br_slot_hold_resource_ix\"";
                case MARIADB -> "\"key\": \"br_slot_hold_resource_ix\"";
            }).containsIgnoringCase("br_booking");
            if (store == Store.POSTGRESQL) {
                // The plan a prepared statement settles on, made without the parameters' values.
                try (Connection c = db.dataSource().getConnection()) {
                    OverlapPlanTest.Plan generic = OverlapPlanTest.genericPlan(c, sql.slotTaken, parameters);
                    assertThat(generic.indexes()).as("%s", generic).contains("br_slot_hold_resource_ix");
                }
            }
        });
    }

    /** Checks a plan; it may run statements. */
    @FunctionalInterface
    private interface PlanCheck {
        void run() throws SQLException;
    }

    /**
     * Runs {@code check} with {@code count} rows of {@link #PLAN_TENANT} in a table, its statistics
     * brought up to date; the tenant's rows are removed before and after.
     */
    private static void withPlanRows(Database db, String table, String insert, int count,
                                     Database.RowBinder rows, PlanCheck check) throws SQLException {
        db.execute("DELETE FROM " + table + " WHERE tenant_id = ?", PLAN_TENANT);
        try {
            db.insertRows(insert, count, rows);
            db.execute((db.store() == Store.POSTGRESQL ? "ANALYZE " : "ANALYZE TABLE ") + table);
            check.run();
        } finally {
            db.execute("DELETE FROM " + table + " WHERE tenant_id = ?", PLAN_TENANT);
        }
    }

    /** The plan of a statement with its parameters bound, as the store prints it. */
    private static String plan(Database db, String statement, List<Object> parameters) throws SQLException {
        String explain = switch (db.store()) {
            case POSTGRESQL -> "EXPLAIN (FORMAT JSON) ";
            case MARIADB -> "EXPLAIN FORMAT=JSON ";
            case H2 -> "EXPLAIN ";
        };
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement(explain + statement)) {
            for (int i = 0; i < parameters.size(); i++) {
                Object p = parameters.get(i);
                if (p instanceof Instant instant) {
                    db.dialect().sql().bindInstant(s, i + 1, instant);
                } else if (p instanceof Integer n) {
                    s.setInt(i + 1, n);
                } else {
                    s.setString(i + 1, (String) p);
                }
            }
            StringBuilder text = new StringBuilder();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    text.append(r.getString(1)).append('\n');
                }
            }
            return text.toString();
        }
    }

    // ------------------------------------------------------------------------------------ notices

    @EachStore
    @DisplayName("a notice is an outbox row of the entry with a JSON document another system can read, and the "
            + "relay delivers it to deliver(WaitlistNotice)")
    void noticeRowIsJson(Store store) {
        HeldSlot held = new HeldSlot(store);
        String body = held.db.text("SELECT body FROM br_outbox WHERE kind = 'WAITLIST_OFFERED'");
        assertThat(held.outboxRows("kind = 'WAITLIST_OFFERED' AND recipient = 'CUSTOMER' AND booking_id = ?",
                held.anas.id())).isEqualTo(1);

        Map<String, String> fields = OutboxJson.fields(body);
        assertThat(fields).containsEntry("format", "1").containsEntry("kind", "WAITLIST_OFFERED")
                .containsEntry("notice.kind", "OFFERED").containsEntry("notice.tenantId", TENANT)
                .containsEntry("notice.entryId", held.anas.id()).containsEntry("notice.customer.email", ANA.email())
                .containsEntry("notice.resource.id", DR_RUIZ.id()).containsEntry("notice.service.id", CONSULTATION.id())
                .containsEntry("notice.slot.start", SLOT_START.toString()).containsEntry("notice.zone", ZONE.getId())
                .containsEntry("notice.locale", ANA.language().toLanguageTag()).containsKey("notice.deadline")
                .containsKey("notice.offerLink").doesNotContainKey("booking");

        RecordingNotifier notifier = new RecordingNotifier();
        held.drain(held.relay(notifier).build());
        assertThat(notifier.notices()).containsExactly(OutboxDocument.readNotice(body));
        assertThat(notifier.notices().get(0).entryId()).isEqualTo(held.anas.id());
    }

    @EachStore
    @DisplayName("a relay whose notifier delivers no notices keeps them: each pass is a failed attempt, then the "
            + "row is parked, never marked sent")
    void relayWithoutNoticesParksThem(Store store) {
        HeldSlot held = new HeldSlot(store);
        BookingNotifier bookingsOnly = n -> { };
        OutboxRelay relay = held.relay(bookingsOnly).maxAttempts(2).initialBackoff(Duration.ofSeconds(30)).build();

        relay.deliverDue();
        assertThat(held.outboxRows("kind = 'WAITLIST_OFFERED' AND status = 'PENDING' AND attempts = 1"))
                .as("failed once, due again later").isEqualTo(1);
        held.clock.add(Duration.ofSeconds(30));
        relay.deliverDue();
        assertThat(held.outboxRows("kind = 'WAITLIST_OFFERED' AND status = 'PARKED' AND attempts = 2"))
                .as("parked").isEqualTo(1);
        assertThat(held.db.text("SELECT last_error FROM br_outbox WHERE kind = 'WAITLIST_OFFERED'"))
                .isEqualTo(UnsupportedOperationException.class.getName());
        assertThat(held.outboxRows("kind = 'BOOKED' AND status = 'SENT'"))
                .as("the booking notifications went out").isPositive();
    }

    @EachStore
    @DisplayName("erasing a customer leaves no personal data in their notices: the delivered one is rewritten "
            + "without it, the undelivered one is dropped; control: before the erasure both rows hold the e-mail")
    void erasureReachesTheNotices(Store store) {
        HeldSlot held = new HeldSlot(store);
        // The offer notice is delivered.
        held.drain(held.relay(new RecordingNotifier()).build());
        // The offer expires: its EXPIRED notice stays undelivered.
        held.clock.add(Duration.ofHours(1));
        held.rules.waitlist().endRounds();
        String ofAna = "SELECT body FROM br_outbox WHERE booking_id = ?";
        assertThat(held.db.texts(ofAna, held.anas.id())).as("control").hasSize(2)
                .allSatisfy(body -> assertThat(body).contains(ANA.email()));

        held.rules.eraseCustomer(Fixture.RECEPTION, TENANT, ANA.id());
        assertThat(held.db.texts(ofAna, held.anas.id())).as("the delivered notice stays, rewritten").hasSize(1)
                .allSatisfy(body -> assertThat(body).doesNotContain(ANA.email()).doesNotContain(ANA.name()));
        assertThat(held.db.count("SELECT COUNT(*) FROM br_waitlist_entry WHERE id = ? AND customer_email IS NULL "
                + "AND customer_name IS NULL AND status = 'LEFT'", held.anas.id())).isEqualTo(1);
    }

    // --------------------------------------------------------------------------- appointment table

    @Test
    @DisplayName("over an appointment table the repository keeps no list: keepsWaitlist is false, its methods "
            + "throw, and the builder refuses a list that is on")
    void noListOverAnAppointmentTable() {
        Database db = DATABASES.get(Store.H2);
        JdbcBookingRepository repository = JdbcBookingRepository.create(db.dataSource(),
                LegacyClinics.CLINIC_A.table(JdbcDialect.H2, TENANT));
        WaitlistStore store = repository;

        assertThat(store.keepsWaitlist()).isFalse();
        assertThatThrownBy(() -> store.findEntry(TENANT, "e-1")).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("AppointmentTable");
        assertThatThrownBy(() -> store.endedRounds(NOW, 10)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> BookingRules.builder().repository(repository).waitlist(WaitlistPolicy.DEFAULT)
                .build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("WaitlistStore");
        assertThat(JdbcBookingRepository.create(db.dataSource()).keepsWaitlist()).as("own tables").isTrue();
    }
}
