package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.ZONE;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRules;
import org.bookingrules.Outcome;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.EachStore;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.testing.Race;
import org.bookingrules.testing.RecordingNotifier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.threeten.extra.MutableClock;

/**
 * R5: the query for due reminders uses its index on PostgreSQL (asserted on
 * EXPLAIN over 20,000 bookings), and two sweeps running at once on any store send each reminder
 * exactly once.
 */
@DisplayName("R5 reminders on H2, PostgreSQL and MariaDB")
class ReminderSweepTest {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    // ------------------------------------------------------------------------ index (PostgreSQL)

    private static final int PLAN_ROWS = 20_000;
    private static final Instant PLAN_BASE = Instant.parse("2026-01-01T00:00:00Z");
    /** 100 days into the 208 days the rows span: the past is done, the future is mostly confirmed. */
    private static final Instant PLAN_NOW = PLAN_BASE.plus(Duration.ofDays(100)).plusSeconds(7);

    @Test
    @DisplayName("R5 on PostgreSQL the exact dueReminders statement, with bound values, over 20,000 analyzed bookings "
            + "uses br_booking_reminder_ix and no Seq Scan on br_booking")
    void dueRemindersUsesTheIndexOnPostgres() throws Exception {
        Database db = DATABASES.postgres();
        JdbcBookingRepository repository = db.emptyRepository();
        int expectedDue = insertPlanRows(db);
        db.execute("ANALYZE br_booking");

        List<String> plan = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("EXPLAIN " + Sql.POSTGRESQL.dueReminders)) {
            Sql.POSTGRESQL.bindInstant(s, 1, PLAN_NOW);
            Sql.POSTGRESQL.bindInstant(s, 2, PLAN_NOW);
            s.setInt(3, BookingRules.DEFAULT_REMINDER_BATCH);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    plan.add(rows.getString(1));
                }
            }
        }
        System.out.println("[ReminderSweepTest] PostgreSQL plan of dueReminders over " + PLAN_ROWS + " bookings:\n  "
                + String.join("\n  ", plan));

        String text = String.join("\n", plan);
        assertThat(text).as("plan:%n%s", text).contains("br_booking_reminder_ix");
        assertThat(text).as("plan:%n%s", text).doesNotContain("Seq Scan on br_booking");
        // And the indexed query still answers right at this size.
        List<Booking> due = repository.dueReminders(PLAN_NOW, BookingRules.DEFAULT_REMINDER_BATCH);
        assertThat(due).hasSize(expectedDue).isNotEmpty().allSatisfy(b -> {
            assertThat(b.status()).isEqualTo(BookingStatus.PENDING);
            assertThat(b.reminder().dueAt()).isBeforeOrEqualTo(PLAN_NOW);
            assertThat(b.start()).isAfter(PLAN_NOW);
        });
        assertThat(due).extracting(b -> b.reminder().dueAt()).isSorted();
    }

    /**
     * 20,000 bookings of 50 tenants, one every 15 minutes: those before now are completed or
     * cancelled with their reminder sent; of the later ones 3 in 10 are pending with an unsent
     * reminder, the rest confirmed.
     *
     * @return how many are due at {@link #PLAN_NOW}
     */
    private static int insertPlanRows(Database db) throws Exception {
        Sql sql = Sql.POSTGRESQL;
        AtomicInteger due = new AtomicInteger();
        db.insertRows("INSERT INTO br_booking (tenant_id, id, confirmation_code, resource_id, resource_name, "
                + "service_id, service_name, customer_id, customer_name, customer_email, customer_language, "
                + "slot_start, slot_end, zone_id, status, payment_status, customer_reschedules, reminder_due_at, "
                + "reminder_sent_at, claims_slot, version, created_at, updated_at) VALUES (?, ?, ?, ?, 'Dr.', "
                + "'consultation', 'Consultation', ?, 'Customer', 'c@example.org', 'en', ?, ?, 'Europe/Madrid', ?, "
                + "'UNPAID', 0, ?, ?, TRUE, 1, ?, ?)", PLAN_ROWS, (s, i) -> {
                    Instant start = PLAN_BASE.plus(Duration.ofMinutes(15L * i));
                    Instant dueAt = start.minus(Duration.ofHours(6));
                    boolean past = !start.isAfter(PLAN_NOW);
                    String status = past ? (i % 3 == 0 ? "CANCELLED" : "COMPLETED")
                            : (i % 10 < 3 ? "PENDING" : "CONFIRMED");
                    if ("PENDING".equals(status) && !dueAt.isAfter(PLAN_NOW)) {
                        due.incrementAndGet();
                    }
                    s.setString(1, "plan-clinic-" + (i % 50));
                    s.setString(2, "plan-" + i);
                    s.setString(3, String.format(Locale.ROOT, "PLAN%06d", i));
                    s.setString(4, "dr-" + (i % 40));
                    s.setString(5, "cust-" + (i % 997));
                    sql.bindInstant(s, 6, start);
                    sql.bindInstant(s, 7, start.plus(Duration.ofMinutes(15)));
                    s.setString(8, status);
                    sql.bindInstant(s, 9, dueAt);
                    sql.bindInstant(s, 10, past ? dueAt.plusSeconds(30) : null);
                    sql.bindInstant(s, 11, PLAN_BASE);
                    sql.bindInstant(s, 12, PLAN_BASE);
                });
        assertThat(db.count("SELECT COUNT(*) FROM br_booking")).isEqualTo(PLAN_ROWS);
        return due.get();
    }

    // --------------------------------------------------------------------- concurrent sweeps

    private static final String TENANT = "clinic-reminders";
    private static final int DUE = 200;
    /** The first due booking's start; the others follow one minute apart, all within the reminder lead. */
    private static final Instant FIRST_START = NOW.plus(Duration.ofDays(2));

    @EachStore
    @DisplayName("R5 two sweeps at once over 200 due reminders send each reminder exactly once: one REMINDER "
            + "notification, one ReminderSent event and one outbox row per booking")
    void twoConcurrentSweepsSendEachReminderOnce(Store store) throws Exception {
        Database db = DATABASES.get(store);
        ObservedRepository repository = new ObservedRepository(db.emptyRepository());
        RecordingNotifier notifier = new RecordingNotifier();
        MutableClock clock = MutableClock.of(NOW, ZONE);
        // The JDBC repository keeps an outbox: its notifications leave through the relay only.
        OutboxRelay relay = TestFacade.relay(db, notifier, clock);
        BookingRules rules = BookingRules.builder().repository(repository).clock(clock).build();
        List<Booking> booked = IntStream.range(0, DUE).mapToObj(i -> {
            CustomerDetails customer = new CustomerDetails("cust-" + i, "Customer " + i, "c" + i + "@example.org",
                    null, Locale.ENGLISH);
            Instant start = FIRST_START.plus(Duration.ofMinutes(i));
            return rules.book(Actor.customer(customer.id()), BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, customer,
                    start, start.plus(Duration.ofMinutes(1)), ZONE)).orElseThrow().booking();
        }).toList();
        assertThat(booked).allSatisfy(b -> assertThat(b.reminder().isArmed()).isTrue());
        assertThat(TestFacade.drain(relay)).as("the bookings' own notifications").isEqualTo(2 * DUE);
        notifier.clear();
        // Every reminder (start - 6 h) is due, and no appointment has started.
        clock.setInstant(FIRST_START.minus(Duration.ofMinutes(1)));
        assertThat(repository.dueReminders(clock.instant(), 1000)).hasSize(DUE);

        List<List<Outcome.Done>> sweeps = Race.run(2, i -> rules::sendDueReminders);

        System.out.printf(Locale.ROOT, "[ReminderSweepTest] %s: sweeps sent %d + %d, %d version conflicts skipped%n",
                store, sweeps.get(0).size(), sweeps.get(1).size(), repository.updates(SaveResult.VERSION_CONFLICT));
        assertThat(sweeps.get(0).size() + sweeps.get(1).size()).as("reminders sent over both sweeps").isEqualTo(DUE);
        assertThat(TestFacade.drain(relay)).as("notifications the relay delivers after the sweeps").isEqualTo(DUE);
        Map<String, Long> perBooking = notifier.ofKind(NotificationKind.REMINDER).stream()
                .collect(Collectors.groupingBy(n -> n.booking().id(), Collectors.counting()));
        assertThat(perBooking).as("REMINDER notifications per booking")
                .containsOnlyKeys(booked.stream().map(Booking::id).toList())
                .allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
        assertThat(db.count("SELECT COUNT(*) FROM br_booking_event WHERE tenant_id = ? AND kind = 'REMINDER_SENT'",
                TENANT)).isEqualTo(DUE);
        assertThat(db.count("SELECT COUNT(*) FROM (SELECT booking_id FROM br_booking_event WHERE tenant_id = ? "
                + "AND kind = 'REMINDER_SENT' GROUP BY booking_id HAVING COUNT(*) <> 1) twice", TENANT))
                .as("bookings with other than one ReminderSent event").isZero();
        assertThat(db.count("SELECT COUNT(*) FROM br_outbox WHERE tenant_id = ? AND kind = 'REMINDER'", TENANT))
                .as("outbox rows of reminders").isEqualTo(DUE);
        assertThat(repository.dueReminders(clock.instant(), 1000)).as("nothing left due").isEmpty();
        Map<String, Booking> now = booked.stream().map(b -> repository.find(TENANT, b.id()).orElseThrow())
                .collect(Collectors.toMap(Booking::id, Function.identity()));
        assertThat(now.values()).allSatisfy(b -> {
            assertThat(b.reminder().isSent()).isTrue();
            assertThat(b.version()).isEqualTo(2);
        });
    }
}
