package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.ZONE;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.Transition;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.spi.SlotClaim;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.Interval;

/**
 * Tenant A can neither read nor change tenant B's booking, even knowing its
 * id and confirmation code, on every store: through the facade, and through the repository itself.
 */
@DisplayName("Tenants on H2, PostgreSQL and MariaDB")
class TenantIsolationTest extends SharedStoreTest {

    private static final String TENANT_A = "clinic-a";
    private static final String TENANT_B = "clinic-b";
    private static final Actor.Staff STAFF_OF_A = Actor.staff("staff-of-a");

    @Test
    @DisplayName("tenant A's staff, knowing the id of tenant B's booking, cannot see, cancel, confirm, reschedule or "
            + "mark it through the facade: BOOKING_NOT_FOUND, and B's booking is unchanged")
    void facadeScopesEveryCommandByTenant() {
        // The repository keeps an outbox: its notifications leave through the relay only.
        TestFacade facade = TestFacade.over(db(), Clock.fixed(NOW, ZoneOffset.UTC));
        BookingRules rules = facade.rules();
        Instant start = NOW.plus(Duration.ofDays(3));
        Booking ofB = rules.book(ANA_ACTS, BookRequest.of(TENANT_B, DR_RUIZ, CONSULTATION, ANA, start,
                start.plus(Duration.ofHours(1)), ZONE)).orElseThrow().booking();
        assertThat(facade.drain()).as("B's booking told its customer and resource (the notifier is wired)")
                .isEqualTo(2);
        facade.notifier().clear();
        BookingRef sameIdInA = BookingRef.of(TENANT_A, ofB.id());

        List<Outcome> attempts = List.of(
                rules.cancel(STAFF_OF_A, sameIdInA, ChangeRequest.because("not yours")),
                rules.cancel(ANA_ACTS, sameIdInA, ChangeRequest.none()),
                rules.confirm(STAFF_OF_A, sameIdInA, ChangeRequest.none()),
                rules.decline(STAFF_OF_A, sameIdInA, ChangeRequest.none()),
                rules.revokeConfirmation(STAFF_OF_A, sameIdInA, ChangeRequest.none()),
                rules.reschedule(STAFF_OF_A, sameIdInA, RescheduleRequest.to(start.plus(Duration.ofHours(2)),
                        start.plus(Duration.ofHours(3)))),
                rules.markNoShow(STAFF_OF_A, sameIdInA, ChangeRequest.none()),
                rules.complete(STAFF_OF_A, sameIdInA, ChangeRequest.none()));

        assertThat(attempts).as("every command of tenant A on B's booking id").allSatisfy(o ->
                assertThat(o.asRefusal().orElseThrow().reason()).isEqualTo(RefusalReason.BOOKING_NOT_FOUND));
        assertThat(rules.find(STAFF_OF_A, sameIdInA)).isEmpty();
        assertThat(rules.history(STAFF_OF_A, sameIdInA)).isEmpty();
        assertThat(rules.permissions(STAFF_OF_A, sameIdInA).cancel()).isInstanceOfSatisfying(Refusal.class,
                r -> assertThat(r.reason()).isEqualTo(RefusalReason.BOOKING_NOT_FOUND));
        assertThat(facade.repository().find(TENANT_B, ofB.id())).as("B's booking is unchanged").contains(ofB);
        assertThat(facade.repository().history(TENANT_B, ofB.id())).singleElement()
                .isInstanceOf(BookingEvent.Booked.class);
        assertThat(facade.drain()).as("outbox rows left to deliver").isZero();
        assertThat(facade.notifier().delivered()).as("nobody was told anything").isEmpty();
        assertThat(db().count("SELECT COUNT(*) FROM br_outbox WHERE tenant_id = ?", TENANT_B))
                .as("only B's booking's own notifications are in the outbox").isEqualTo(2);
        assertThat(db().count("SELECT COUNT(*) FROM br_booking WHERE tenant_id = ?", TENANT_A)).isZero();
        assertThat(db().count("SELECT COUNT(*) FROM br_booking_event WHERE tenant_id = ?", TENANT_A)).isZero();
        assertThat(db().count("SELECT COUNT(*) FROM br_outbox WHERE tenant_id = ?", TENANT_A)).isZero();
    }

    @Test
    @DisplayName("through the repository, tenant A finds nothing of tenant B's booking by id or code, and an update "
            + "of that id in tenant A is VERSION_CONFLICT and writes nothing")
    void repositoryScopesReadsAndWritesByTenant() {
        JdbcBookingRepository repository = db().emptyRepository();
        Transition booked = Booking.book(Booking.builder()
                .tenantId(TENANT_B)
                .id("booking-of-b")
                .confirmationCode("BCODE001")
                .resource(DR_RUIZ)
                .service(CONSULTATION)
                .customer(ANA)
                .slot(Interval.of(NOW.plus(Duration.ofDays(3)), Duration.ofHours(1)))
                .zone(ZONE), ANA_ACTS, NOW);
        Booking ofB = booked.booking();
        assertThat(repository.insert(new BookingChange(ofB, 0, SlotClaim.EXCLUSIVE, List.of(booked.event()),
                List.of()))).isEqualTo(SaveResult.SAVED);

        assertThat(repository.find(TENANT_A, ofB.id())).isEmpty();
        assertThat(repository.findByConfirmationCode(TENANT_A, ofB.confirmationCode())).isEmpty();
        assertThat(repository.history(TENANT_A, ofB.id())).isEmpty();
        assertThat(repository.calendar(TENANT_A, DR_RUIZ.id(), ofB.slot())).isEmpty();
        assertThat(repository.customerBookings(TENANT_A, ANA.id())).isEmpty();

        // B's booking as tenant A would forge it: same id, same version, tenant A.
        Booking forged = ofB.toBuilder().tenantId(TENANT_A).build();
        for (SlotClaim claim : SlotClaim.values()) {
            Transition cancel = forged.cancel(STAFF_OF_A, NOW.plusSeconds(60), "forged", null, false, null);
            Transition move = forged.reschedule(STAFF_OF_A, NOW.plusSeconds(60),
                    Interval.of(NOW.plus(Duration.ofDays(4)), Duration.ofHours(1)), DR_RUIZ,
                    forged.reminder(), "forged");
            assertThat(repository.update(new BookingChange(cancel.booking(), forged.version(), claim,
                    List.of(cancel.event()), List.of()))).as("cancel, %s", claim)
                    .isEqualTo(SaveResult.VERSION_CONFLICT);
            assertThat(repository.update(new BookingChange(move.booking(), forged.version(), claim,
                    List.of(move.event()), List.of()))).as("reschedule, %s", claim)
                    .isEqualTo(SaveResult.VERSION_CONFLICT);
        }

        assertThat(repository.find(TENANT_B, ofB.id())).as("B's booking is unchanged").contains(ofB);
        assertThat(repository.history(TENANT_B, ofB.id())).containsExactly(booked.event());
        assertThat(db().count("SELECT COUNT(*) FROM br_booking_event WHERE tenant_id = ?", TENANT_A))
                .as("no event written under tenant A").isZero();
        assertThat(db().count("SELECT COUNT(*) FROM br_outbox")).isZero();
    }
}
