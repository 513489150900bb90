package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.ZONE;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.EachStore;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.spi.Notification;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A change's events and notifications reach the database in one statement on PostgreSQL
 * ({@link Sql#appendChange}: the outbox insert with the events' insert inside its WITH), and as the
 * events' insert, then the outbox's, on H2 and MariaDB; on PostgreSQL and H2 the outbox insert binds
 * the change's document once for all its rows ({@link Sql#insertChangeOutbox}), on MariaDB each row
 * of a batch binds it. Either way the history holds every event in order and the outbox one row per
 * notification, each with the change's one document. The statements are seen through
 * {@link RecordingDataSource}; each database's assertions see the statements it runs, so the
 * recording is shown to see what runs.
 */
@DisplayName("A change's events and notifications: one statement on PostgreSQL, two elsewhere; the document bound once where the database can")
class AppendChangeTest {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    private static final String TENANT = "clinic-append";

    @EachStore
    @DisplayName("a booking inside the reminder window (booked, then auto-confirmed: two events) and its "
            + "notifications: the statements the dialect has, the history in order, one outbox row each")
    void aBookingWithTwoEvents(Store store) throws Exception {
        Recorded db = recorded(store);
        Instant start = NOW.plus(Duration.ofHours(3));

        Outcome.Done done = db.rules.book(RECEPTION, BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, start,
                start.plus(Duration.ofMinutes(30)), ZONE)).orElseThrow();

        assertThat(done.events()).as("booked and auto-confirmed").hasSize(2);
        assertThat(done.notifications()).hasSizeGreaterThanOrEqualTo(2);
        assertWritten(db, store, done);
    }

    @EachStore
    @DisplayName("a cancel (one event) and its notifications: the statements the dialect has, the history in "
            + "order, one outbox row each")
    void aCancel(Store store) throws Exception {
        Recorded db = recorded(store);
        Instant start = NOW.plus(Duration.ofDays(3));
        Outcome.Done booked = db.rules.book(ANA_ACTS, BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, start,
                start.plus(Duration.ofMinutes(30)), ZONE)).orElseThrow();
        db.prepared.clear();

        Outcome.Done done = db.rules.cancel(ANA_ACTS, BookingRef.of(TENANT, booked.booking().id()),
                ChangeRequest.because("cannot come")).orElseThrow();

        assertThat(done.events()).hasSize(1);
        assertThat(done.notifications()).isNotEmpty();
        assertWritten(db, store, done);
        assertThat(sequences(db.database, done)).containsExactly(1L, 2L);
    }

    @Test
    @DisplayName("the single statement has each event's ten parameters, then the document once and each "
            + "notification's seven, for any count, built once for the common ones; H2 writes the document once "
            + "in its own statement, MariaDB as a batch")
    void theStatementsShape() {
        Sql postgres = JdbcDialect.POSTGRESQL.sql();
        assertThat(postgres.appendChange(0, 0)).isNull();
        assertThat(postgres.appendChange(1, 0)).isEqualTo(postgres.insertEvent);
        assertThat(postgres.appendChange(0, 2)).isEqualTo(postgres.insertChangeOutbox(2));
        String common = postgres.appendChange(2, 3);
        assertThat(common).startsWith("WITH ").contains("INSERT INTO br_booking_event", "INSERT INTO br_outbox")
                .endsWith(postgres.insertChangeOutbox(3));
        assertThat(markers(common)).isEqualTo(2 * 10 + 1 + 3 * 7);
        assertThat(postgres.appendChange(2, 3)).isSameAs(common);
        String large = postgres.appendChange(7, 11);
        assertThat(markers(large)).isEqualTo(7 * 10 + 1 + 11 * 7);
        assertThat(postgres.appendChange(7, 11)).isEqualTo(large);

        Sql h2 = JdbcDialect.H2.sql();
        assertThat(h2.appendChange(1, 2)).isNull();
        assertThat(markers(h2.insertChangeOutbox(2))).isEqualTo(1 + 2 * 7);
        assertThat(markers(h2.insertChangeOutbox(9))).isEqualTo(1 + 9 * 7);
        assertThat(h2.insertChangeOutbox(2)).isSameAs(h2.insertChangeOutbox(2));
        assertThatThrownBy(() -> h2.insertChangeOutbox(0)).isInstanceOf(IllegalArgumentException.class);

        Sql mariadb = JdbcDialect.MARIADB.sql();
        assertThat(mariadb.appendChange(1, 2)).isNull();
        assertThat(mariadb.insertChangeOutbox(2)).isNull();
    }

    private static void assertWritten(Recorded db, Store store, Outcome.Done done) throws SQLException {
        Sql sql = store.dialect().sql();
        int events = done.events().size();
        int notifications = done.notifications().size();
        switch (store) {
            case POSTGRESQL -> assertThat(db.prepared).contains(sql.appendChange(events, notifications))
                    .doesNotContain(sql.insertEvent, sql.insertOutbox, sql.insertChangeOutbox(notifications));
            case H2 -> assertThat(db.prepared).contains(sql.insertEvent, sql.insertChangeOutbox(notifications))
                    .doesNotContain(sql.insertOutbox);
            case MARIADB -> assertThat(db.prepared).contains(sql.insertEvent, sql.insertOutbox);
            default -> throw new IllegalArgumentException("unknown store " + store);
        }
        String bookingId = done.booking().id();
        List<BookingEvent> history = db.rules.history(RECEPTION, BookingRef.of(TENANT, bookingId));
        assertThat(history.subList(history.size() - events, history.size())).extracting(BookingEvent::kind)
                .containsExactlyElementsOf(done.events().stream().map(BookingEvent::kind).toList());
        assertThat(sequences(db.database, done)).hasSize(history.size()).last().isEqualTo(done.booking().version());

        Map<String, String[]> rows = outboxRows(db.database, bookingId);
        List<Notification> made = done.notifications();
        assertThat(rows.keySet()).containsAll(made.stream().map(Notification::id).toList());
        for (Notification n : made) {
            String[] row = rows.get(n.id());
            assertThat(row[0]).as("recipient of %s", n.id()).isEqualTo(n.recipient().name());
            assertThat(OutboxJson.fields(row[1])).as("document of %s", n.id())
                    .containsEntry("kind", n.kind().name()).containsValue(n.id());
        }
        assertThat(made.stream().map(n -> OutboxJson.fields(rows.get(n.id())[1])).distinct())
                .as("one document for the change").hasSize(1);
    }

    private static int markers(String statement) {
        return (int) statement.chars().filter(ch -> ch == '?').count();
    }

    private static List<Long> sequences(Database database, Outcome.Done done) throws SQLException {
        List<Long> seqs = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT seq FROM br_booking_event WHERE tenant_id = ? "
                     + "AND booking_id = ? ORDER BY seq")) {
            s.setString(1, TENANT);
            s.setString(2, done.booking().id());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    seqs.add(r.getLong(1));
                }
            }
        }
        return seqs;
    }

    /** notification id → {recipient, body as text}. */
    private static Map<String, String[]> outboxRows(Database database, String bookingId) throws SQLException {
        Map<String, String[]> rows = new LinkedHashMap<>();
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT notification_id, recipient, body FROM br_outbox "
                     + "WHERE tenant_id = ? AND booking_id = ?")) {
            s.setString(1, TENANT);
            s.setString(2, bookingId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.put(r.getString(1), new String[] {r.getString(2), r.getString(3)});
                }
            }
        }
        return rows;
    }

    private record Recorded(Database database, BookingRules rules, List<String> prepared) {
    }

    private static Recorded recorded(Store store) {
        Database database = DATABASES.get(store);
        RecordingDataSource recording = new RecordingDataSource(database.dataSource());
        BookingRules rules = BookingRules.builder().repository(database.emptyRepository(recording))
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
        return new Recorded(database, rules, recording.prepared());
    }
}
