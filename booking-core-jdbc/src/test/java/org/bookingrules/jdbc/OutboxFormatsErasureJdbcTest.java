package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRules;
import org.bookingrules.ErasureResult;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.model.Booking;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.RecipientRole;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.threeten.extra.MutableClock;

/**
 * Outbox rows of both formats side by side on H2, PostgreSQL and MariaDB: rows holding the JSON
 * document and rows a release before it wrote (key=value payload, no document). An erasure
 * rewrites each in the format it has, without personal data, and the relay still delivers both.
 */
@DisplayName("R15 outbox rows of both formats: erased in their own format, delivered after")
class OutboxFormatsErasureJdbcTest {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    private static final String MESSAGE = "Ana, bring the X-ray from Calle Mayor";

    @ParameterizedTest(name = "on {0}")
    @EnumSource(Store.class)
    @DisplayName("erasing Ana rewrites her JSON rows as JSON and her old-format rows as key=value, both without her "
            + "name, e-mail or the staff message; the pending old-format row to the resource is delivered "
            + "with the customer erased")
    void erasureRewritesEachFormat(Store store) throws SQLException {
        Database db = DATABASES.get(store);
        String tenant = "formats-" + UUID.randomUUID().toString().substring(0, 8);
        MutableClock clock = MutableClock.of(NOW, ZONE);
        BookingRules rules = BookingRules.builder().repository(JdbcBookingRepository.create(db.dataSource()))
                .clock(clock).build();
        List<Notification> delivered = new ArrayList<>();
        OutboxRelay relay = TestFacade.relay(db, delivered::add, clock);
        Instant start = NOW.plus(Duration.ofDays(3));
        Booking booking = rules.book(ANA_ACTS, BookRequest.of(tenant, DR_RUIZ, CONSULTATION, ANA, start,
                start.plus(Duration.ofHours(1)), ZONE)).orElseThrow().booking();
        while (relay.deliverDue() > 0) {
            // The booked notifications (JSON rows) are delivered: SENT, with Ana's data in them.
        }
        Notification template = delivered.get(0);
        Notification oldToCustomer = new Notification(UUID.randomUUID().toString(), template.kind(),
                RecipientRole.CUSTOMER, booking, MESSAGE, "https://x.example/m/1", ANA.language());
        Notification oldToResource = new Notification(UUID.randomUUID().toString(), template.kind(),
                RecipientRole.RESOURCE, booking, MESSAGE, null, ANA.language());
        insertOldRow(db, tenant, oldToCustomer, "SENT");
        insertOldRow(db, tenant, oldToResource, "PENDING");
        assertThat(String.join("\n", allText(db, tenant))).as("control: stored before")
                .contains(ANA.name(), ANA.email(), MESSAGE);

        assertThat(rules.eraseCustomer(RECEPTION, tenant, ANA.id()).status()).isEqualTo(ErasureResult.Status.ERASED);

        Map<String, String[]> rows = rows(db, tenant);
        assertThat(rows).hasSize(4);
        rows.forEach((id, bodyAndPayload) -> {
            String body = bodyAndPayload[0];
            String payload = bodyAndPayload[1];
            boolean old = id.equals(oldToCustomer.id()) || id.equals(oldToResource.id());
            if (old) {
                assertThat(body).as("an old row stays old: %s", id).isNull();
                Properties p = Codec.read(payload);
                assertThat(p.getProperty("id")).isEqualTo(id);
                assertThat(p.getProperty("b.customer.id")).isEqualTo(ANA.id());
                assertThat(p).doesNotContainKeys("b.customer.name", "b.customer.email", "b.customer.phone",
                        "personalMessage");
            } else {
                assertThat(payload).as("a JSON row stays JSON: %s", id).isNull();
                Map<String, String> doc = OutboxJson.fields(body);
                assertThat(doc).containsEntry("format", "1").containsEntry("notifications.0.id", id)
                        .containsEntry("booking.customer.id", ANA.id()).containsEntry("booking.customer.name", null)
                        .containsEntry("booking.customer.email", null).containsEntry("booking.customer.phone", null)
                        .containsEntry("personalMessage", null).doesNotContainKey("notifications.1.id");
            }
        });
        for (String text : allText(db, tenant)) {
            assertThat(text).doesNotContain(ANA.name(), ANA.email(), MESSAGE);
        }

        delivered.clear();
        while (relay.deliverDue() > 0) {
            // The pending old-format row to the resource is delivered, without Ana's data.
        }
        assertThat(delivered).singleElement().satisfies(n -> {
            assertThat(n.id()).isEqualTo(oldToResource.id());
            assertThat(n.personalMessage()).isNull();
            assertThat(n.booking().customer()).map(CustomerDetails::isErased).contains(true);
        });
    }

    private static void insertOldRow(Database db, String tenant, Notification n, String status) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO br_outbox (tenant_id, notification_id, booking_id, "
                     + "kind, recipient, payload, status, attempts, next_attempt_at, created_at) "
                     + "VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)")) {
            Sql sql = db.dialect().sql();
            s.setString(1, tenant);
            s.setString(2, n.id());
            s.setString(3, n.booking().id());
            s.setString(4, n.kind().name());
            s.setString(5, n.recipient().name());
            s.setString(6, Codec.notification(n));
            s.setString(7, status);
            sql.bindInstant(s, 8, NOW);
            sql.bindInstant(s, 9, NOW);
            s.executeUpdate();
        }
    }

    /** Each outbox row of the tenant: its body and payload. */
    private static Map<String, String[]> rows(Database db, String tenant) throws SQLException {
        Map<String, String[]> rows = new HashMap<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT notification_id, body, payload FROM br_outbox "
                     + "WHERE tenant_id = ?")) {
            s.setString(1, tenant);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.put(r.getString(1), new String[] {r.getString(2), r.getString(3)});
                }
            }
        }
        return rows;
    }

    /** Every text of the tenant's outbox rows and bookings. */
    private static List<String> allText(Database db, String tenant) throws SQLException {
        List<String> texts = new ArrayList<>();
        for (String[] row : rows(db, tenant).values()) {
            texts.add(row[0] + " | " + row[1]);
        }
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT customer_name, customer_email, customer_phone "
                     + "FROM br_booking WHERE tenant_id = ?")) {
            s.setString(1, tenant);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    texts.add(r.getString(1) + " | " + r.getString(2) + " | " + r.getString(3));
                }
            }
        }
        return texts;
    }
}
