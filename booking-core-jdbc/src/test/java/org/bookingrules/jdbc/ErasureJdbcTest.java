package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.BOB;
import static org.bookingrules.testing.Fixture.BOB_ACTS;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.ErasureResult;
import org.bookingrules.NotificationChoice;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.RecipientRole;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.MutableClock;

/**
 * Erasing a customer's personal data on H2, PostgreSQL and MariaDB: afterwards no text column of
 * any table of the library holds it, while statuses, slots and every event stay (R2, R15). Outbox
 * rows of both formats side by side, rows holding the JSON document and rows a release before it
 * wrote (key=value payload, no document), are each rewritten in the format they have, and the
 * relay still delivers both.
 */
@DisplayName("R2 R15 erasure of a customer's personal data on the JDBC repository")
class ErasureJdbcTest extends SharedStoreTest {

    private static final String REASON = "Ana Pérez has the flu, call her at +34 600 111 222";
    private static final String MESSAGE = "Get well soon, Ana: Calle Mayor 1";
    /**
     * What must not be left, as fragments that survive any text encoding of the stored formats
     * (escaped colons, non-ASCII letters): her name, e-mail, phone, the reason and the message.
     */
    private static final String[] PERSONAL = {"Ana P", ANA.email(), "flu, call her", "600 111 222",
        "Get well soon", "Calle Mayor"};
    /** The staff message of the rows in the format before the JSON document. */
    private static final String OLD_FORMAT_MESSAGE = "Ana, bring the X-ray from Calle Mayor";

    /** A tenant of the test's own: erasure works tenant by tenant. */
    private final String tenant = "erase-" + UUID.randomUUID().toString().substring(0, 8);
    /** The facade over the emptied tables, its notifications delivered by the relay only. */
    private TestFacade facade;

    @BeforeEach
    void emptyFacade() {
        facade = TestFacade.over(db(), MutableClock.of(NOW, ZONE));
    }

    @Test
    @DisplayName("R14 R15 staff erase Ana: no text column of any br_ table holds her name, e-mail, the reason or "
            + "the message; every event stays plus ERASED; her undelivered notifications are dropped, the "
            + "resource's are delivered without personal data; Bob and another tenant are untouched")
    void eraseLeavesNoPersonalData() {
        BookingRules rules = facade.rules();
        String otherTenant = tenant + "-b";
        Booking first = book(tenant, ANA, Duration.ofDays(3));
        Booking second = book(tenant, ANA, Duration.ofDays(4));
        Booking bobs = book(tenant, BOB, Duration.ofDays(5));
        Booking theirs = book(otherTenant, ANA, Duration.ofDays(3));
        // The booked notifications are delivered: their rows are SENT, with Ana's data in them.
        facade.drain();
        rules.cancel(RECEPTION, BookingRef.of(tenant, second.id()), ChangeRequest.because(REASON)
                .notifying(NotificationChoice.both().withMessage(MESSAGE))).orElseThrow();
        List<String> before = db().tenantRows(tenant);
        assertThat(String.join("\n", before)).as("control: the data is stored before")
                .contains(PERSONAL);
        int eventsBefore = rules.history(RECEPTION, BookingRef.of(tenant, second.id())).size();

        assertThat(rules.eraseCustomer(ANA_ACTS, tenant, ANA.id()).refusal().reason())
                .as("a customer may not erase").isEqualTo(RefusalReason.ACTION_NOT_PERMITTED);
        ErasureResult result = rules.eraseCustomer(RECEPTION, tenant, ANA.id());

        assertThat(result.status()).isEqualTo(ErasureResult.Status.ERASED);
        assertThat(result.erased()).extracting(Booking::id).containsExactlyInAnyOrder(first.id(), second.id());
        for (String text : db().tenantRows(tenant)) {
            assertThat(text).doesNotContain(PERSONAL);
        }
        List<BookingEvent> history = rules.history(RECEPTION, BookingRef.of(tenant, second.id()));
        assertThat(history).hasSize(eventsBefore + 1);
        assertThat(history.get(history.size() - 1)).isInstanceOf(BookingEvent.CustomerErased.class);
        assertThat(history.get(history.size() - 2)).isInstanceOfSatisfying(BookingEvent.Cancelled.class,
                cancel -> assertThat(cancel.reason()).isNull());
        Booking erased = rules.find(RECEPTION, BookingRef.of(tenant, second.id())).orElseThrow();
        assertThat(erased.status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(erased.slot()).isEqualTo(second.slot());
        assertThat(erased.customer()).map(CustomerDetails::isErased).contains(true);
        assertThat(db().count("SELECT COUNT(*) FROM br_outbox WHERE tenant_id = ? AND booking_id = ? "
                + "AND recipient = 'CUSTOMER' AND status = 'PENDING'", tenant, second.id()))
                .as("the undelivered notification to Ana is dropped").isZero();

        facade.notifier().clear();
        // The resource's cancel notification is still delivered, without Ana's data.
        facade.drain();
        assertThat(facade.notifier().delivered()).filteredOn(n -> n.booking().tenantId().equals(tenant))
                .singleElement().satisfies(n -> {
                    assertThat(n.recipient()).isEqualTo(RecipientRole.RESOURCE);
                    assertThat(n.personalMessage()).isNull();
                    assertThat(n.booking().customer()).map(CustomerDetails::isErased).contains(true);
                });
        assertThat(rules.find(RECEPTION, BookingRef.of(tenant, bobs.id())).orElseThrow().customer()).contains(BOB);
        assertThat(rules.find(RECEPTION, BookingRef.of(otherTenant, theirs.id())).orElseThrow().customer())
                .contains(ANA);
        assertThat(String.join("\n", db().tenantRows(otherTenant))).as("another tenant keeps its data")
                .contains(ANA.email());

        List<String> afterFirst = db().tenantRows(tenant);
        assertThat(rules.eraseCustomer(RECEPTION, tenant, ANA.id()).status())
                .isEqualTo(ErasureResult.Status.ALREADY_ERASED);
        assertThat(db().tenantRows(tenant)).as("a repeat changes nothing").isEqualTo(afterFirst);
        assertThat(rules.eraseCustomer(RECEPTION, tenant, "cust-nobody").status())
                .isEqualTo(ErasureResult.Status.UNKNOWN_CUSTOMER);
        assertThat(rules.eraseCustomer(BOB_ACTS, tenant, BOB.id()).status()).isEqualTo(ErasureResult.Status.REFUSED);
    }

    @Test
    @DisplayName("R15 outbox rows of both formats: erasing Ana rewrites her JSON rows as JSON and her old-format "
            + "rows as key=value, both without her name, e-mail or the staff message; the pending old-format row to "
            + "the resource is delivered with the customer erased")
    void erasureRewritesEachFormat() throws SQLException {
        Booking booking = book(tenant, ANA, Duration.ofDays(3));
        // The booked notifications (JSON rows) are delivered: SENT, with Ana's data in them.
        facade.drain();
        Notification template = facade.notifier().delivered().get(0);
        Notification oldToCustomer = new Notification(UUID.randomUUID().toString(), template.kind(),
                RecipientRole.CUSTOMER, booking, OLD_FORMAT_MESSAGE, "https://x.example/m/1", ANA.language());
        Notification oldToResource = new Notification(UUID.randomUUID().toString(), template.kind(),
                RecipientRole.RESOURCE, booking, OLD_FORMAT_MESSAGE, null, ANA.language());
        insertOldRow(db(), tenant, oldToCustomer, "SENT");
        insertOldRow(db(), tenant, oldToResource, "PENDING");
        assertThat(String.join("\n", db().tenantRows(tenant))).as("control: stored before")
                .contains(ANA.name(), ANA.email(), OLD_FORMAT_MESSAGE);

        assertThat(facade.rules().eraseCustomer(RECEPTION, tenant, ANA.id()).status())
                .isEqualTo(ErasureResult.Status.ERASED);

        Map<String, String[]> rows = rows(db(), tenant);
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
        for (String text : db().tenantRows(tenant)) {
            assertThat(text).doesNotContain(ANA.name(), ANA.email(), OLD_FORMAT_MESSAGE);
        }

        facade.notifier().clear();
        // The pending old-format row to the resource is delivered, without Ana's data.
        facade.drain();
        assertThat(facade.notifier().delivered()).singleElement().satisfies(n -> {
            assertThat(n.id()).isEqualTo(oldToResource.id());
            assertThat(n.personalMessage()).isNull();
            assertThat(n.booking().customer()).map(CustomerDetails::isErased).contains(true);
        });
    }

    private Booking book(String tenantId, CustomerDetails customer, Duration startIn) {
        Instant start = NOW.plus(startIn);
        return facade.rules().book(Actor.customer(customer.id()), BookRequest.of(tenantId, DR_RUIZ, CONSULTATION,
                customer, start, start.plus(Duration.ofHours(1)), ZONE)).orElseThrow().booking();
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
}
