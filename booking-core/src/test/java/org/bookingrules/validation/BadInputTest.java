package org.bookingrules.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.InvalidRequestException;
import org.bookingrules.NotificationChoice;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Resource;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.spi.Notification;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input: a malformed request fails at once with an error that names the bad field
 * (never its value), and nothing is written, recorded or sent.
 */
@DisplayName("Bad input: a clear error naming the field, and nothing stored")
class BadInputTest {

    private static final Duration HOUR = Duration.ofHours(1);
    // One character over the id limit (Ids.MAX_LENGTH = 64); a literal, as annotation values must be.
    private static final String ID_65 = "booking-" + "012345678901234567890123456789012345678901234567890123456";

    private Fixture f;
    private Booking existing;
    private Stored before;

    /** Everything a command could write: bookings, the history, stored and delivered notifications. */
    private record Stored(Set<Booking> bookings, List<BookingEvent> history, List<Notification> stored,
                          List<Notification> delivered) {
        static Stored of(Fixture f, Booking booking) {
            return new Stored(new HashSet<>(f.repository.all(TENANT)), f.repository.history(TENANT, booking.id()),
                    f.repository.notifications(TENANT, booking.id()), f.notifier.delivered());
        }
    }

    @BeforeEach
    void givenOneBookingInTheStore() {
        f = new Fixture();
        existing = f.bookForAna(Duration.ofDays(3));
        before = Stored.of(f, existing);
    }

    private void thenNothingWasStored() {
        assertThat(Stored.of(f, existing)).as("the store after a rejected command").isEqualTo(before);
    }

    /** Runs the command, expects the field to be named in the exception, and nothing stored. */
    private InvalidRequestException rejects(Runnable command, String field) {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, command::run);
        assertThat(e).as("a malformed request throws InvalidRequestException").isNotNull();
        assertThat(e).as("it is an IllegalArgumentException for callers that catch those")
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(e.fields()).as("the bad field is named").contains(field);
        assertThat(e.getMessage()).as("the message names the field").contains(field);
        thenNothingWasStored();
        return e;
    }

    private BookRequest validBookRequest() {
        Instant start = Fixture.NOW.plus(Duration.ofDays(4));
        return BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, start, start.plus(HOUR), ZONE);
    }

    // ----------------------------------------------------------------------------- ids and refs

    @Test
    @DisplayName("R1: a booking request with a null tenantId names tenantId")
    void bookWithNullTenantId() {
        BookRequest request = validBookRequest();
        BookRequest noTenant = new BookRequest(null, request.resource(), request.service(), request.customer(),
                request.start(), request.end(), request.zone(), request.paymentStatus(), request.notification(), null);

        rejects(() -> f.rules.book(ANA_ACTS, noTenant), "tenantId");
    }

    /** A command on an existing booking, named for the report. */
    @FunctionalInterface
    interface RefCommand {
        Object run(BookingRules rules, BookingRef ref);
    }

    static Stream<Arguments> commandsOnABooking() {
        return Stream.of(
                named("cancel", (RefCommand) (r, ref) -> r.cancel(ANA_ACTS, ref, ChangeRequest.none())),
                named("confirm", (RefCommand) (r, ref) -> r.confirm(ANA_ACTS, ref, ChangeRequest.none())),
                named("decline", (RefCommand) (r, ref) -> r.decline(ANA_ACTS, ref, ChangeRequest.none())),
                named("revokeConfirmation",
                        (RefCommand) (r, ref) -> r.revokeConfirmation(RECEPTION, ref, ChangeRequest.none())),
                named("reschedule", (RefCommand) (r, ref) -> r.reschedule(RECEPTION, ref,
                        RescheduleRequest.to(Fixture.NOW.plus(Duration.ofDays(5)),
                                Fixture.NOW.plus(Duration.ofDays(5)).plus(HOUR)))),
                named("markNoShow", (RefCommand) (r, ref) -> r.markNoShow(RECEPTION, ref, ChangeRequest.none())),
                named("complete", (RefCommand) (r, ref) -> r.complete(RECEPTION, ref, ChangeRequest.none())),
                named("history", (RefCommand) (r, ref) -> r.history(RECEPTION, ref)),
                named("find", (RefCommand) (r, ref) -> r.find(RECEPTION, ref)),
                named("permissions", (RefCommand) (r, ref) -> r.permissions(ANA_ACTS, ref)))
                .flatMap(command -> Stream.of(
                        arguments(command, named("null tenantId", (Function<String, BookingRef>)
                                id -> BookingRef.of(null, id)), "tenantId"),
                        arguments(command, named("null bookingId", (Function<String, BookingRef>)
                                id -> BookingRef.of(TENANT, null)), "bookingId")));
    }

    @ParameterizedTest(name = "Bad input: {0} with a {1} names {2}")
    @MethodSource("commandsOnABooking")
    void refWithNullId(RefCommand command, Function<String, BookingRef> ref, String field) {
        rejects(() -> command.run(f.rules, ref.apply(existing.id())), field);
    }

    @ParameterizedTest(name = "Bad input: cancel with bookingId \"{0}\" names bookingId")
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t", ID_65})
    void refWithBlankOrOverlongBookingId(String bookingId) {
        rejects(() -> f.rules.cancel(RECEPTION, BookingRef.of(TENANT, bookingId), ChangeRequest.none()),
                "bookingId");
    }

    // ------------------------------------------------------------------------------------ slots

    @ParameterizedTest(name = "R1: a booking whose end is {0} s after its start names end")
    @ValueSource(longs = {0, -1, -3600})
    void bookWithEndNotAfterStart(long endAfterStartSeconds) {
        BookRequest request = validBookRequest();
        BookRequest bad = BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, request.start(),
                request.start().plusSeconds(endAfterStartSeconds), ZONE);

        InvalidRequestException e = rejects(() -> f.rules.book(ANA_ACTS, bad), "end");
        assertThat(e.fields()).containsExactly("end");
    }

    @ParameterizedTest(name = "R1: a one-hour booking starting {0} names {1} alone")
    @CsvSource({"1899-12-31T23:30:00Z, start", "8999-12-31T23:30:00Z, end"})
    @DisplayName("R1: a booking that starts before 1900 names start, one that ends after 9000 names end, even when "
            + "the other end is in range")
    void bookOutsideTheYearsOfASlot(Instant start, String field) {
        BookRequest bad = BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, start, start.plus(HOUR), ZONE);

        InvalidRequestException e = rejects(() -> f.rules.book(RECEPTION, bad), field);
        assertThat(e.fields()).containsExactly(field);
    }

    @ParameterizedTest(name = "R10 R12: a move whose end is {0} s after its start names end, "
            + "for customer and staff")
    @ValueSource(longs = {0, -1, -3600})
    void rescheduleWithEndNotAfterStart(long endAfterStartSeconds) {
        Instant start = existing.start().plus(Duration.ofDays(1));
        RescheduleRequest bad = RescheduleRequest.to(start, start.plusSeconds(endAfterStartSeconds));

        rejects(() -> f.rules.reschedule(ANA_ACTS, Fixture.ref(existing), bad), "end");
        rejects(() -> f.rules.reschedule(RECEPTION, Fixture.ref(existing), bad), "end");
    }

    // ---------------------------------------------------------------------------------- texts

    private static final String REASON = "Confidential diagnosis follows. ".repeat(400).substring(0, 10_000);

    static Stream<Arguments> overlongReasons() {
        ChangeRequest change = ChangeRequest.because(REASON);
        return Stream.of(
                arguments(named("customer cancel", (RefCommand) (r, ref) -> r.cancel(ANA_ACTS, ref, change)), "reason"),
                arguments(named("staff cancel", (RefCommand) (r, ref) -> r.cancel(RECEPTION, ref, change)), "reason"),
                arguments(named("decline", (RefCommand) (r, ref) -> r.decline(ANA_ACTS, ref, change)), "reason"),
                arguments(named("confirm", (RefCommand) (r, ref) -> r.confirm(RECEPTION, ref, change)), "reason"),
                arguments(named("revokeConfirmation",
                        (RefCommand) (r, ref) -> r.revokeConfirmation(RECEPTION, ref, change)), "reason"),
                arguments(named("reschedule", (RefCommand) (r, ref) -> r.reschedule(RECEPTION, ref,
                        RescheduleRequest.to(Fixture.NOW.plus(Duration.ofDays(5)),
                                Fixture.NOW.plus(Duration.ofDays(5)).plus(HOUR)).with(change))), "change.reason"));
    }

    @ParameterizedTest(name = "R2 R15: a 10,000-character reason on {0} names {1}, without repeating it")
    @MethodSource("overlongReasons")
    void overlongReason(RefCommand command, String field) {
        assertThat(REASON).hasSize(10_000);

        InvalidRequestException e = rejects(() -> command.run(f.rules, Fixture.ref(existing)), field);

        assertThat(e.getMessage()).as("the message never repeats the value").doesNotContain("Confidential");
    }

    @Test
    @DisplayName("R14: a personal message over the limit names notification.personalMessage")
    void overlongPersonalMessage() {
        ChangeRequest change = ChangeRequest.none()
                .notifying(NotificationChoice.both().withMessage("Dear Ana, ".repeat(300)));

        InvalidRequestException e = rejects(() -> f.rules.cancel(RECEPTION, Fixture.ref(existing), change),
                "notification.personalMessage");

        assertThat(e.getMessage()).doesNotContain("Dear Ana");
    }

    @ParameterizedTest(name = "R1: customer e-mail \"{0}\" names customer.email, without repeating it")
    @ValueSource(strings = {"not-an-email", "ana@", "@example.org", "ana perez@example.org", "ana@@example.org"})
    void invalidCustomerEmail(String email) {
        CustomerDetails customer = new CustomerDetails("cust-new", "New Customer", email, null, Locale.ENGLISH);
        BookRequest request = BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, customer,
                validBookRequest().start(), validBookRequest().end(), ZONE);

        InvalidRequestException e = rejects(() -> f.rules.book(RECEPTION, request), "customer.email");

        assertThat(e.getMessage()).as("no personal data in exception messages").doesNotContain(email);
    }

    // ---------------------------------------------------------------------------------- actors

    static Stream<Arguments> commandsWithoutActor() {
        return Stream.of(
                arguments(named("book", (RefCommand) (r, ref) -> r.book(null, BookRequest.of(TENANT, DR_RUIZ,
                        CONSULTATION, ANA, Fixture.NOW.plus(Duration.ofDays(4)),
                        Fixture.NOW.plus(Duration.ofDays(4)).plus(HOUR), ZONE)))),
                arguments(named("cancel", (RefCommand) (r, ref) -> r.cancel(null, ref, ChangeRequest.none()))),
                arguments(named("confirm", (RefCommand) (r, ref) -> r.confirm(null, ref, ChangeRequest.none()))),
                arguments(named("decline", (RefCommand) (r, ref) -> r.decline(null, ref, ChangeRequest.none()))),
                arguments(named("revokeConfirmation",
                        (RefCommand) (r, ref) -> r.revokeConfirmation(null, ref, ChangeRequest.none()))),
                arguments(named("reschedule", (RefCommand) (r, ref) -> r.reschedule(null, ref,
                        RescheduleRequest.to(Fixture.NOW.plus(Duration.ofDays(5)),
                                Fixture.NOW.plus(Duration.ofDays(5)).plus(HOUR))))),
                arguments(named("markNoShow", (RefCommand) (r, ref) -> r.markNoShow(null, ref, ChangeRequest.none()))),
                arguments(named("history", (RefCommand) (r, ref) -> r.history(null, ref))),
                arguments(named("permissions", (RefCommand) (r, ref) -> r.permissions(null, ref))));
    }

    @ParameterizedTest(name = "R15: {0} with a null actor names actor")
    @MethodSource("commandsWithoutActor")
    void nullActor(RefCommand command) {
        rejects(() -> command.run(f.rules, Fixture.ref(existing)), "actor");
    }

    @Test
    @DisplayName("R15: an actor needs an id: Actor.customer(null) names customerId, Actor.staff(null) staffId")
    void actorWithoutId() {
        assertThatThrownBy(() -> Actor.customer(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("customerId");
        assertThatThrownBy(() -> Actor.staff(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("staffId");
        assertThatThrownBy(() -> Actor.customer("  "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("customerId");
    }

    // ------------------------------------------------------------------------------ model values

    @ParameterizedTest(name = "R1: a resource with id \"{0}\" names resource.id")
    @ValueSource(strings = {"", " ", "\t", " dr-ruiz"})
    void resourceWithBlankId(String id) {
        assertThatThrownBy(() -> new Resource(id, "Dr. Ruiz", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resource.id");
        assertThatThrownBy(() -> Resource.of(id, "Dr. Ruiz"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resource.id");
    }

    @Test
    @DisplayName("R1: a resource with a null id names resource.id")
    void resourceWithNullId() {
        assertThatThrownBy(() -> Resource.of(null, "Dr. Ruiz"))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("resource.id");
    }

    static Stream<Arguments> badPolicySettings() {
        return Stream.of(
                arguments(named("cancellationNotice(-1 h)",
                        (Runnable) () -> BookingPolicy.builder().cancellationNotice(Duration.ofHours(-1))),
                        "cancellationNotice", "PT-1H"),
                arguments(named("rescheduleNotice(-30 min)",
                        (Runnable) () -> BookingPolicy.builder().rescheduleNotice(Duration.ofMinutes(-30))),
                        "rescheduleNotice", "PT-30M"),
                arguments(named("minimumBookingNotice(-1 s)",
                        (Runnable) () -> BookingPolicy.builder().minimumBookingNotice(Duration.ofSeconds(-1))),
                        "minimumBookingNotice", "PT-1S"),
                arguments(named("reminderLead(0)",
                        (Runnable) () -> BookingPolicy.builder().reminderLead(Duration.ZERO)),
                        "reminderLead", "PT0S"),
                arguments(named("cancellationNotice(400 days)",
                        (Runnable) () -> BookingPolicy.builder().cancellationNotice(Duration.ofDays(400))),
                        "cancellationNotice", "PT9600H"),
                arguments(named("maxCustomerReschedules(-1)",
                        (Runnable) () -> BookingPolicy.builder().maxCustomerReschedules(-1)),
                        "maxCustomerReschedules", "-1"));
    }

    @ParameterizedTest(name = "R9: policy {0} fails at once naming {1} and the value {2}")
    @MethodSource("badPolicySettings")
    void badPolicySetting(Runnable setting, String field, String value) {
        assertThatThrownBy(setting::run)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(field)
                .hasMessageContaining(value);
    }
}
