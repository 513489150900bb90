package org.bookingrules.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.links.SelfServiceFixture.BASE_URL;
import static org.bookingrules.links.SelfServiceFixture.OFFICE_HOURS;
import static org.bookingrules.links.SelfServiceFixture.tokenOf;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.BOB;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;
import static org.bookingrules.testing.Fixture.ref;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.bookingrules.BookRequest;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.PaymentStatus;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.threeten.extra.Interval;

/**
 * Self-service links through {@link SelfService}: what a link opens, what a
 * verified link may do under the policy (R7, R8, R9, R10), and that every dead link looks alike.
 */
class SelfServiceTest {

    private static final LinkResult.Denied<Object> LINK_INVALID = new LinkResult.Denied<>(LinkDenial.LINK_INVALID,
            null, -1);
    private static final Duration NOTICE = BookingPolicy.DEFAULT_CANCELLATION_NOTICE;
    /** A customer with an e-mail, in another tenant or as the owner of "booking B". */
    private static final CustomerDetails EVA = new CustomerDetails("cust-eva", "Eva Gil", "eva@example.org", null,
            Locale.ENGLISH);

    /** A fresh world for each test: JUnit makes a new instance of this class per test. */
    private final SelfServiceFixture f = new SelfServiceFixture();

    private static Outcome.Done done(LinkResult<Outcome> result) {
        assertThat(result).as("link result").isInstanceOf(LinkResult.Ok.class);
        Outcome outcome = result.orElseThrow();
        assertThat(outcome.isDone()).as("outcome %s", outcome).isTrue();
        return outcome.orElseThrow();
    }

    private static Refusal refusal(LinkResult<Outcome> result) {
        assertThat(result).as("link result").isInstanceOf(LinkResult.Ok.class);
        Outcome outcome = result.orElseThrow();
        assertThat(outcome).as("outcome").isInstanceOf(Outcome.Refused.class);
        return outcome.asRefusal().orElseThrow();
    }

    /** Customer and resource each got one notification of the kind, and the booking is stored in the status. */
    private void assertBothToldAndStoredAs(Booking booking, NotificationKind kind, BookingStatus status) {
        assertThat(f.notifier.to(kind, RecipientRole.CUSTOMER)).hasSize(1);
        assertThat(f.notifier.to(kind, RecipientRole.RESOURCE)).hasSize(1);
        assertThat(f.stored(booking).status()).isEqualTo(status);
    }

    // --------------------------------------------------------------------------------- open / A-B

    @Test
    @DisplayName("R8: opening a manage link shows service, resource, start in the booking's zone, status and what the customer may do until when, and no personal data")
    void r8_open_shows_the_appointment() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        String token = f.tokenFromNotification(booking, NotificationKind.BOOKED);

        ManageView view = f.selfService.open(token).orElseThrow();

        assertThat(view.serviceName()).isEqualTo(CONSULTATION.name());
        assertThat(view.resourceName()).isEqualTo(DR_RUIZ.name());
        assertThat(view.start()).isEqualTo(ZonedDateTime.ofInstant(booking.start(), ZONE));
        assertThat(view.start().getZone()).isEqualTo(ZONE);
        assertThat(view.end().toInstant()).isEqualTo(booking.end());
        assertThat(view.status()).isEqualTo(BookingStatus.PENDING);
        assertThat(view.permissions().canCancel()).isTrue();
        assertThat(view.permissions().cancelUntil()).contains(booking.start().minus(NOTICE));
        assertThat(view.permissions().canReschedule()).isTrue();
        assertThat(view.permissions().reschedulesLeft()).hasValue(BookingPolicy.DEFAULT_MAX_CUSTOMER_RESCHEDULES);
        assertThat(view.toString()).doesNotContain(ANA.email(), ANA.name(), ANA.id(), booking.confirmationCode());
    }

    @Test
    @DisplayName("R8: a token for booking A opens A and acts on A only; B's customer's answer does not pass on it")
    void r8_a_token_for_booking_a_never_opens_booking_b() {
        Booking a = f.bookForAna(Duration.ofDays(3));
        Booking b = f.book(TENANT, EVA, a.start().plus(Duration.ofDays(1)));
        String tokenA = f.tokenFromNotification(a, NotificationKind.BOOKED);
        String tokenB = f.tokenFromNotification(b, NotificationKind.BOOKED);

        LinkClaims claims = ((TokenCheck.Valid) f.links.verify(tokenA, LinkPurpose.MANAGE)).claims();
        assertThat(claims.bookingId()).isEqualTo(a.id()).isNotEqualTo(b.id());
        assertThat(f.selfService.open(tokenA).orElseThrow().start().toInstant()).isEqualTo(a.start());
        assertThat(f.selfService.open(tokenB).orElseThrow().start().toInstant()).as("control: B's own link")
                .isEqualTo(b.start());
        assertThat(f.selfService.verifyIdentity(tokenA, EVA.email()))
                .isEqualTo(new LinkResult.Denied<>(LinkDenial.WRONG_ANSWER, null, 4));

        Grant grantA = f.anaVerifies(tokenA);
        Outcome.Done cancelled = done(f.selfService.cancel(grantA.token(), null));

        assertThat(cancelled.booking().id()).isEqualTo(a.id());
        assertThat(f.stored(a).status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(f.stored(b).status()).as("B untouched").isEqualTo(BookingStatus.PENDING);
        assertThat(f.rules.history(RECEPTION, ref(b))).extracting(BookingEvent::kind).containsExactly("BOOKED");
    }

    @Test
    @DisplayName("R8: with the same booking id in two tenants, each tenant's token opens and acts on its own tenant's booking only")
    void r8_a_token_of_another_tenant_does_not_open_this_tenants_booking() {
        f.nextIds("shared-id", "shared-id");
        Booking mine = f.bookForAna(Duration.ofDays(3));
        Booking theirs = f.book("other-clinic", EVA, mine.start().plus(Duration.ofDays(1)));
        assertThat(theirs.id()).isEqualTo(mine.id());
        String myToken = f.links.issueManage(mine);
        String theirToken = f.links.issueManage(theirs);

        assertThat(f.selfService.open(myToken).orElseThrow().start().toInstant()).isEqualTo(mine.start());
        assertThat(f.selfService.open(theirToken).orElseThrow().start().toInstant()).isEqualTo(theirs.start());
        assertThat(f.selfService.verifyIdentity(theirToken, ANA.email()).toOptional()).as("Ana's e-mail on their link")
                .isEmpty();

        Grant theirGrant = f.selfService.verifyIdentity(theirToken, EVA.email()).orElseThrow();
        done(f.selfService.cancel(theirGrant.token(), null));

        assertThat(f.stored(theirs).status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(f.stored(mine).status()).as("this tenant's booking untouched").isEqualTo(BookingStatus.PENDING);
    }

    @Test
    @DisplayName("R8: a manage token cannot act without the identity check, and a grant cannot be used as a manage link")
    void r8_manage_token_cannot_act_and_grant_cannot_open() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        String manage = f.tokenFromNotification(booking, NotificationKind.BOOKED);
        Grant grant = f.anaVerifies(manage);
        Instant elsewhere = booking.start().plus(Duration.ofDays(1));
        LocalDate day = LocalDate.ofInstant(elsewhere, ZONE);

        assertThat(f.selfService.cancel(manage, null)).isEqualTo(LINK_INVALID);
        assertThat(f.selfService.confirm(manage)).isEqualTo(LINK_INVALID);
        assertThat(f.selfService.decline(manage, null)).isEqualTo(LINK_INVALID);
        assertThat(f.selfService.reschedule(manage, elsewhere)).isEqualTo(LINK_INVALID);
        assertThat(f.selfService.freeSlots(manage, day, day)).isEqualTo(LINK_INVALID);
        assertThat(f.selfService.open(grant.token())).isEqualTo(LINK_INVALID);
        assertThat(f.selfService.verifyIdentity(grant.token(), ANA.email())).isEqualTo(LINK_INVALID);
        assertThat(f.stored(booking).status()).isEqualTo(BookingStatus.PENDING);
        assertThat(f.notifier.ofKind(NotificationKind.CANCELLED)).isEmpty();

        // Negative control: the grant itself acts.
        assertThat(done(f.selfService.confirm(grant.token())).booking().status()).isEqualTo(BookingStatus.CONFIRMED);
    }

    @Test
    @DisplayName("R8: a grant lasts 15 minutes: it acts exactly at its expiry and is LINK_INVALID one second later")
    void r8_grant_expires_after_fifteen_minutes() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        Grant grant = f.anaVerifies(f.tokenFromNotification(booking, NotificationKind.BOOKED));

        assertThat(grant.expiresAt()).isEqualTo(NOW.plus(SelfService.DEFAULT_GRANT_VALIDITY))
                .isEqualTo(NOW.plus(Duration.ofMinutes(15)));
        f.clock.setInstant(grant.expiresAt());
        assertThat(done(f.selfService.confirm(grant.token())).changed()).isTrue();
        f.clock.setInstant(grant.expiresAt().plusSeconds(1));
        assertThat(f.selfService.cancel(grant.token(), null)).isEqualTo(LINK_INVALID);
        assertThat(f.stored(booking).status()).isEqualTo(BookingStatus.CONFIRMED);
    }

    @Test
    @DisplayName("R8: a grant issued at a fractional second still acts at the instant its expiresAt names (the last instant it is valid)")
    void r8_grant_acts_until_its_stated_expiry_even_from_a_fractional_second() {
        String token = f.anaBookingToken(Duration.ofDays(3));
        f.clock.setInstant(NOW.plusMillis(700));
        Grant grant = f.anaVerifies(token);
        LinkClaims claims = ((TokenCheck.Valid) f.links.verify(grant.token(), LinkPurpose.GRANT)).claims();

        f.clock.setInstant(grant.expiresAt());
        LinkResult<Outcome> atStatedExpiry = f.selfService.confirm(grant.token());

        assertThat(atStatedExpiry).as("grant.expiresAt %s, token expiry %s", grant.expiresAt(), claims.expiresAt())
                .isInstanceOf(LinkResult.Ok.class);
        assertThat(claims.expiresAt()).as("what the grant says is what the token enforces")
                .isEqualTo(grant.expiresAt());
    }

    // ------------------------------------------------------------------------------- 4: cancel

    @Test
    @DisplayName("R8 R9 R14: through a verified link a cancel outside the notice is Done as the customer, and customer and resource both get CANCELLED")
    void r9_cancel_outside_notice_is_done_and_both_are_notified() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        String token = f.tokenFromNotification(booking, NotificationKind.BOOKED);
        assertThat(f.selfService.open(token)).isInstanceOf(LinkResult.Ok.class);
        Grant grant = f.anaVerifies(token);

        Outcome.Done done = done(f.selfService.cancel(grant.token(), "cannot come"));

        assertThat(done.booking().status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(done.events()).containsExactly(new BookingEvent.Cancelled(ANA_ACTS, NOW, BookingStatus.PENDING,
                BookingStatus.CANCELLED, "cannot come", null, false, null));
        assertThat(done.notifications()).extracting(Notification::kind, Notification::recipient)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(NotificationKind.CANCELLED, RecipientRole.CUSTOMER),
                        org.assertj.core.groups.Tuple.tuple(NotificationKind.CANCELLED, RecipientRole.RESOURCE));
        assertBothToldAndStoredAs(booking, NotificationKind.CANCELLED, BookingStatus.CANCELLED);
    }

    @Test
    @DisplayName("R8 R14: customer notifications carry the manage link (baseUrl + token) that opens the booking; resource notifications and messages about an inactive booking carry none")
    void r8_customer_notifications_carry_the_manage_link() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        Notification bookedToCustomer = f.notifier.to(NotificationKind.BOOKED, RecipientRole.CUSTOMER).get(0);
        Notification bookedToResource = f.notifier.to(NotificationKind.BOOKED, RecipientRole.RESOURCE).get(0);

        assertThat(bookedToCustomer.link()).hasValueSatisfying(link -> assertThat(link).startsWith(BASE_URL));
        assertThat(bookedToResource.link()).isEmpty();
        ManageView view = f.selfService.open(tokenOf(bookedToCustomer.link().orElseThrow())).orElseThrow();
        assertThat(view.start().toInstant()).isEqualTo(booking.start());

        done(f.selfService.cancel(f.anaVerifies(tokenOf(bookedToCustomer.link().orElseThrow())).token(), null));
        // A cancelled booking is no longer active: a link in that message would only open as invalid.
        Notification cancelledToCustomer = f.notifier.to(NotificationKind.CANCELLED, RecipientRole.CUSTOMER).get(0);
        assertThat(cancelledToCustomer.link()).isEmpty();
        assertThat(f.notifier.to(NotificationKind.CANCELLED, RecipientRole.RESOURCE).get(0).link()).isEmpty();
    }

    @ParameterizedTest(name = "{0} s after the deadline: done = {1}")
    @CsvSource({"-1, true", "0, true", "1, false", "3600, false"})
    @DisplayName("R9: through a verified link a cancel is Done until start - notice and Refused CANCELLATION_NOTICE_PASSED after it, with the deadline and the resource's contact")
    void r9_cancel_inside_notice_is_refused_with_deadline_and_contact(long secondsAfterDeadline, boolean expectDone) {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        String token = f.tokenFromNotification(booking, NotificationKind.BOOKED);
        Instant deadline = booking.start().minus(NOTICE);
        f.clock.setInstant(deadline.plusSeconds(secondsAfterDeadline));
        Grant grant = f.anaVerifies(token);
        f.notifier.clear();

        LinkResult<Outcome> result = f.selfService.cancel(grant.token(), null);

        if (expectDone) {
            assertThat(done(result).booking().status()).isEqualTo(BookingStatus.CANCELLED);
            return;
        }
        Refusal refusal = refusal(result);
        assertThat(refusal.reason()).isEqualTo(RefusalReason.CANCELLATION_NOTICE_PASSED);
        assertThat(refusal.allowedUntil()).isEqualTo(deadline);
        assertThat(refusal.contact()).isEqualTo(DR_RUIZ.contact());
        assertThat(refusal.message(Locale.forLanguageTag("es"))).contains(DR_RUIZ.contact());
        assertThat(f.stored(booking).status()).isEqualTo(BookingStatus.PENDING);
        assertThat(f.notifier.delivered()).isEmpty();
    }

    @Test
    @DisplayName("R9: through a verified link a PAID booking is Refused PAID_BOOKING with the resource's contact, even outside the notice")
    void r9_paid_booking_is_refused() {
        Instant start = NOW.plus(Duration.ofDays(3));
        Booking paid = f.rules.book(ANA_ACTS, BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, start,
                start.plus(Duration.ofHours(1)), ZONE).withPaymentStatus(PaymentStatus.PAID)).orElseThrow().booking();
        Grant grant = f.anaVerifies(f.tokenFromNotification(paid, NotificationKind.BOOKED));

        Refusal refusal = refusal(f.selfService.cancel(grant.token(), null));

        assertThat(refusal.reason()).isEqualTo(RefusalReason.PAID_BOOKING);
        assertThat(refusal.contact()).isEqualTo(DR_RUIZ.contact());
        assertThat(f.stored(paid).status()).isEqualTo(BookingStatus.PENDING);
        assertThat(f.notifier.ofKind(NotificationKind.CANCELLED)).isEmpty();
    }

    // ------------------------------------------------------------------------------ 5: decline

    @Test
    @DisplayName("R7: decline from the reminder link at start - 6 h, inside the notice: Done, DECLINED, marked late, both told")
    void r7_decline_from_reminder_link_inside_notice_is_done_and_late() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        Instant remindAt = booking.start().minus(BookingPolicy.DEFAULT_REMINDER_LEAD);
        f.clock.setInstant(remindAt);
        assertThat(f.rules.sendDueReminders()).hasSize(1);
        String token = f.tokenFromNotification(booking, NotificationKind.REMINDER);
        ManageView view = f.selfService.open(token).orElseThrow();
        assertThat(view.permissions().canDecline()).isTrue();
        assertThat(view.permissions().canCancel()).as("inside the notice").isFalse();
        Grant grant = f.anaVerifies(token);
        assertThat(refusal(f.selfService.cancel(grant.token(), null)).reason()).as("control: cancel is refused here")
                .isEqualTo(RefusalReason.CANCELLATION_NOTICE_PASSED);

        Outcome.Done done = done(f.selfService.decline(grant.token(), "sick"));

        assertThat(done.booking().status()).isEqualTo(BookingStatus.DECLINED);
        assertThat(done.events()).containsExactly(new BookingEvent.Declined(ANA_ACTS, remindAt,
                BookingStatus.PENDING, BookingStatus.DECLINED, "sick", true));
        assertBothToldAndStoredAs(booking, NotificationKind.DECLINED, BookingStatus.DECLINED);
    }

    @Test
    @DisplayName("R7: control: a decline through a link outside the notice is Done and not late")
    void r7_decline_outside_notice_is_not_late() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        Grant grant = f.anaVerifies(f.tokenFromNotification(booking, NotificationKind.BOOKED));

        Outcome.Done done = done(f.selfService.decline(grant.token(), null));

        assertThat(done.events()).containsExactly(new BookingEvent.Declined(ANA_ACTS, NOW, BookingStatus.PENDING,
                BookingStatus.DECLINED, null, false));
    }

    // --------------------------------------------------------------------------- 6: reschedule

    /** Every 1-hour slot on the 15-minute grid, Mon-Fri 09:00-17:00 Madrid, in the days, after now. */
    private static List<Interval> officeSlots(LocalDate from, LocalDate to, Instant now, List<Interval> taken,
                                              Interval own) {
        List<Interval> slots = new ArrayList<>();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            if (day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY) {
                continue;
            }
            for (LocalTime t = LocalTime.of(9, 0); !t.isAfter(LocalTime.of(16, 0)); t = t.plusMinutes(15)) {
                Interval slot = Interval.of(ZonedDateTime.of(day, t, ZONE).toInstant(), Duration.ofHours(1));
                if (slot.getStart().isAfter(now) && taken.stream().noneMatch(slot::overlaps) && !slot.equals(own)) {
                    slots.add(slot);
                }
            }
        }
        return slots;
    }

    private static Instant madrid(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(ZONE).toInstant();
    }

    /**
     * The week of 2 March 2026 in office hours: Ana's booking on Wednesday at 10:00 Madrid, verified
     * through its link, and Bob's on Thursday at 11:00.
     */
    private static final class OfficeWeek {
        static final LocalDate MONDAY = LocalDate.of(2026, 3, 2);
        static final LocalDate SUNDAY = LocalDate.of(2026, 3, 8);

        final SelfServiceFixture office = new SelfServiceFixture(BookingPolicy.ofDefaults(), OFFICE_HOURS);
        final Booking ana = office.bookForAna(madrid("2026-03-04T10:00"));
        final Booking bobs = office.book(TENANT, BOB, madrid("2026-03-05T11:00"));
        final Grant grant = office.anaVerifies(office.tokenFromNotification(ana, NotificationKind.BOOKED));

        /** The free slots offered through Ana's grant, Monday to Sunday. */
        List<Interval> freeSlots() {
            return freeSlots(MONDAY, SUNDAY);
        }

        /** The free slots offered through Ana's grant over the days from {@code from} to {@code to}. */
        List<Interval> freeSlots(LocalDate from, LocalDate to) {
            return office.selfService.freeSlots(grant.token(), from, to).orElseThrow();
        }

        /** Moves Ana's booking through her grant to one hour from {@code start}. */
        LinkResult<Outcome> reschedule(Instant start) {
            return office.selfService.reschedule(grant.token(), start);
        }
    }

    @Test
    @DisplayName("R10: freeSlots through a link offers only future 1-hour slots on the 15-minute grid within Mon-Fri 09:00-17:00 Madrid, none overlapping another booking")
    void r10_free_slots_are_within_working_hours_and_free() {
        OfficeWeek week = new OfficeWeek();

        List<Interval> slots = week.freeSlots();

        assertThat(slots).isNotEmpty();
        for (Interval slot : slots) {
            ZonedDateTime start = slot.getStart().atZone(ZONE);
            ZonedDateTime end = slot.getEnd().atZone(ZONE);
            assertThat(start.getDayOfWeek()).as("%s", start).isNotIn(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
            assertThat(start.toLocalTime()).as("%s", start).isBetween(LocalTime.of(9, 0), LocalTime.of(16, 0));
            assertThat(end.toLocalTime()).as("%s", end).isBetween(LocalTime.of(10, 0), LocalTime.of(17, 0));
            assertThat(end.toLocalDate()).isEqualTo(start.toLocalDate());
            assertThat(slot.overlaps(week.bobs.slot())).as("%s overlaps Bob's booking", start).isFalse();
            assertThat(slot.getStart()).as("%s in the past", start).isAfter(NOW);
            assertThat(slot.toDuration()).isEqualTo(week.ana.slot().toDuration());
            assertThat(start.getMinute() % 15).as("%s on the grid", start).isZero();
            assertThat(start.getSecond() + start.getNano()).isZero();
            assertThat(slot).isNotEqualTo(week.ana.slot());
        }
        assertThat(slots).containsExactlyElementsOf(officeSlots(OfficeWeek.MONDAY, OfficeWeek.SUNDAY, NOW, List.of(week.bobs.slot()), week.ana.slot()));
        assertThat(slots).as("adjacent OfficeWeek.SUNDAY Bob's booking, half-open").contains(
                Interval.of(madrid("2026-03-05T10:00"), Duration.ofHours(1)),
                Interval.of(madrid("2026-03-05T12:00"), Duration.ofHours(1)));
    }

    @Test
    @DisplayName("R9 R10: choosing an offered slot moves the booking and counts; slots not offered are refused and do not count; at the maximum freeSlots is empty and reschedule is Refused RESCHEDULE_LIMIT_REACHED")
    void r10_reschedule_via_link_moves_the_booking_and_counts_toward_the_limit() {
        OfficeWeek week = new OfficeWeek();
        List<Interval> offered = week.freeSlots();
        Interval thursday = Interval.of(madrid("2026-03-05T14:00"), Duration.ofHours(1));
        Interval friday = Interval.of(madrid("2026-03-06T10:00"), Duration.ofHours(1));
        assertThat(offered).contains(thursday, friday);

        // Not offered: refused, and refusals do not count.
        assertThat(refusal(week.reschedule(madrid("2026-03-07T10:00"))).reason())
                .as("Saturday").isEqualTo(RefusalReason.OUTSIDE_AVAILABILITY);
        assertThat(refusal(week.reschedule(madrid("2026-03-05T16:30"))).reason())
                .as("past closing").isEqualTo(RefusalReason.OUTSIDE_AVAILABILITY);
        assertThat(refusal(week.reschedule(week.bobs.start().plus(Duration.ofMinutes(30))))
                .reason()).as("over Bob's booking").isEqualTo(RefusalReason.SLOT_UNAVAILABLE);
        assertThat(week.office.stored(week.ana).customerReschedules()).isZero();

        Outcome.Done first = done(week.reschedule(thursday.getStart()));

        assertThat(first.booking().slot()).isEqualTo(thursday);
        assertThat(first.booking().customerReschedules()).isEqualTo(1);
        assertThat(week.office.stored(week.ana).slot()).isEqualTo(thursday);
        assertThat(first.events().get(0)).isInstanceOf(BookingEvent.Rescheduled.class);
        assertThat(first.events().get(0).actor()).isEqualTo(ANA_ACTS);
        assertThat(week.office.notifier.to(NotificationKind.RESCHEDULED, RecipientRole.RESOURCE)).hasSize(1);
        List<Interval> afterFirst = week.freeSlots();
        assertThat(afterFirst).as("one reschedule left").isNotEmpty().doesNotContain(thursday)
                .contains(week.ana.slot());

        Outcome.Done second = done(week.reschedule(friday.getStart()));
        assertThat(second.booking().customerReschedules())
                .isEqualTo(BookingPolicy.DEFAULT_MAX_CUSTOMER_RESCHEDULES).isEqualTo(2);

        assertThat(week.freeSlots()).isEmpty();
        Refusal limit = refusal(week.reschedule(thursday.getStart()));
        assertThat(limit.reason()).isEqualTo(RefusalReason.RESCHEDULE_LIMIT_REACHED);
        assertThat(limit.contact()).isEqualTo(DR_RUIZ.contact());
        assertThat(week.office.stored(week.ana).slot()).isEqualTo(friday);
    }

    @Test
    @DisplayName("R10: a policy maximum of 1 customer reschedule: after one, freeSlots is empty and another is Refused RESCHEDULE_LIMIT_REACHED")
    void r10_policy_maximum_is_the_policys() {
        SelfServiceFixture configured = new SelfServiceFixture(BookingPolicy.builder().maxCustomerReschedules(1).build(),
                OFFICE_HOURS);
        Booking ana = configured.bookForAna(madrid("2026-03-04T10:00"));
        Grant grant = configured.anaVerifies(configured.tokenFromNotification(ana, NotificationKind.BOOKED));
        LocalDate day = LocalDate.of(2026, 3, 6);
        List<Interval> offered = configured.selfService.freeSlots(grant.token(), day, day).orElseThrow();
        assertThat(offered).hasSize(29);

        done(configured.selfService.reschedule(grant.token(), offered.get(0).getStart()));

        assertThat(configured.selfService.freeSlots(grant.token(), day, day).orElseThrow()).isEmpty();
        assertThat(refusal(configured.selfService.reschedule(grant.token(), offered.get(8).getStart())).reason())
                .isEqualTo(RefusalReason.RESCHEDULE_LIMIT_REACHED);
        assertThat(configured.stored(ana).slot()).isEqualTo(offered.get(0));
    }

    @Test
    @DisplayName("R10: freeSlots over the 31 days of October, when summer time ends (a 745-hour range), offers the month's free slots")
    void r10_free_slots_over_a_month_with_the_dst_change() {
        SelfServiceFixture configured = new SelfServiceFixture(BookingPolicy.ofDefaults(), OFFICE_HOURS);
        Booking ana = configured.bookForAna(madrid("2026-09-30T10:00"));
        Grant grant = configured.anaVerifies(configured.tokenFromNotification(ana, NotificationKind.BOOKED));
        LocalDate from = LocalDate.of(2026, 10, 1);
        LocalDate to = LocalDate.of(2026, 10, 31);

        List<Interval> slots = configured.selfService.freeSlots(grant.token(), from, to).orElseThrow();

        assertThat(slots).containsExactlyElementsOf(officeSlots(from, to, NOW, List.of(), ana.slot()));
        assertThat(slots).contains(Interval.of(madrid("2026-10-26T09:00"), Duration.ofHours(1)));
    }

    @Test
    @DisplayName("R10: freeSlots takes 'to' up to 31 days after 'from', as documented; 32 days after, or before 'from', is refused as malformed")
    void r10_free_slots_range_limit_is_31_days_after_from() {
        OfficeWeek week = new OfficeWeek();
        LocalDate from = LocalDate.of(2026, 4, 1);

        assertThatThrownBy(() -> week.freeSlots(from, from.plusDays(32)))
                .isInstanceOf(org.bookingrules.InvalidRequestException.class);
        assertThatThrownBy(() -> week.freeSlots(from, from.minusDays(1)))
                .isInstanceOf(org.bookingrules.InvalidRequestException.class);
        assertThat(week.freeSlots(from, from.plusDays(30))).isNotEmpty();
        assertThat(week.freeSlots(from, from.plusDays(31))).as("to = from + 31 days is documented as allowed")
                .isNotEmpty();
    }

    // ------------------------------------------------------------------------ 7: no existence leak

    /** Every answer a link holder can get with a manage token and a grant token. */
    private static List<LinkResult<?>> probe(SelfServiceFixture f, String manage, String grant) {
        LocalDate day = LocalDate.of(2026, 3, 10);
        return List.of(
                f.selfService.open(manage),
                f.selfService.verifyIdentity(manage, ANA.email()),
                f.selfService.verifyIdentity(manage, "stranger@example.org"),
                f.selfService.verifyIdentity(manage, null),
                f.selfService.confirm(grant),
                f.selfService.decline(grant, null),
                f.selfService.cancel(grant, "because"),
                f.selfService.reschedule(grant, NOW.plus(Duration.ofDays(7))),
                f.selfService.freeSlots(grant, day, day));
    }

    @Test
    @DisplayName("R8: an unknown booking, a booking cancelled by staff and another tenant's booking id look exactly alike: LINK_INVALID, no lock time, no attempts, same message")
    void r8_no_existence_leak() {
        SelfServiceFixture.TwoBookings ana = f.twoBookingsForAna();
        Booking active = ana.first();
        String cancelledGrant = f.anaVerifies(ana.secondToken()).token();
        f.rules.cancel(RECEPTION, ref(ana.second()), ChangeRequest.because("doctor ill")).orElseThrow();
        Booking noCustomer = f.rules.book(RECEPTION, Fixture.request(null, Duration.ofDays(5))).orElseThrow().booking();
        Instant linkExpiry = NOW.plus(Duration.ofDays(30));
        Instant grantExpiry = NOW.plus(Duration.ofMinutes(15));
        String tampered = f.links.issueManage(active);
        char replaced = tampered.charAt(tampered.length() - 2) == 'A' ? 'B' : 'A';
        tampered = tampered.substring(0, tampered.length() - 2) + replaced + tampered.charAt(tampered.length() - 1);

        Map<String, List<LinkResult<?>>> answers = new LinkedHashMap<>();
        answers.put("unknown booking", probe(f,
                f.links.issue(LinkPurpose.MANAGE, TENANT, "no-such-id", linkExpiry),
                f.links.issue(LinkPurpose.GRANT, TENANT, "no-such-id", grantExpiry)));
        answers.put("cancelled by staff", probe(f, ana.secondToken(), cancelledGrant));
        answers.put("another tenant's", probe(f,
                f.links.issue(LinkPurpose.MANAGE, "other-clinic", active.id(), linkExpiry),
                f.links.issue(LinkPurpose.GRANT, "other-clinic", active.id(), grantExpiry)));
        answers.put("no customer stored", probe(f,
                f.links.issue(LinkPurpose.MANAGE, TENANT, noCustomer.id(), linkExpiry),
                f.links.issue(LinkPurpose.GRANT, TENANT, noCustomer.id(), grantExpiry)));
        answers.put("tampered", probe(f, tampered, tampered));

        List<LinkResult<?>> expected = java.util.Collections.<LinkResult<?>>nCopies(9, LINK_INVALID);
        answers.forEach((name, results) -> assertThat(results).as(name).containsExactlyElementsOf(expected));
        Set<List<LinkResult<?>>> distinct = Set.copyOf(answers.values());
        assertThat(distinct).as("all cases give the same answers").hasSize(1);
        Set<String> messages = answers.values().stream().flatMap(List::stream)
                .map(r -> ((LinkResult.Denied<?>) r))
                .flatMap(d -> java.util.stream.Stream.of("en:" + d.message(Locale.ENGLISH),
                        "es:" + d.message(Locale.forLanguageTag("es"))))
                .collect(Collectors.toSet());
        assertThat(messages).as("one message per language").hasSize(2);
        assertThat(f.stored(ana.second()).status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(f.stored(active).status()).isEqualTo(BookingStatus.PENDING);
        assertThat(f.stored(noCustomer).status()).isEqualTo(BookingStatus.PENDING);

        // Negative control: the same calls with the active booking's own links get in.
        String manage = f.links.issueManage(active);
        assertThat(f.selfService.open(manage)).isInstanceOf(LinkResult.Ok.class);
        String grant = f.anaVerifies(manage).token();
        assertThat(f.selfService.freeSlots(grant, LocalDate.of(2026, 3, 10), LocalDate.of(2026, 3, 10)))
                .isInstanceOf(LinkResult.Ok.class);
        assertThat(f.selfService.confirm(grant)).isInstanceOf(LinkResult.Ok.class);
    }

    // ----------------------------------------------------------------------- messages and grants

    @ParameterizedTest
    @EnumSource(LinkDenial.class)
    @DisplayName("R8: every link denial has an English and a different Spanish message; other languages get English")
    void r8_denial_messages_in_english_and_spanish(LinkDenial denial) {
        LinkResult.Denied<Object> denied = new LinkResult.Denied<>(denial, null, -1);

        String english = denied.message(Locale.ENGLISH);
        String spanish = denied.message(Locale.forLanguageTag("es"));

        assertThat(english).isNotBlank().doesNotContain(denial.messageKey());
        assertThat(spanish).isNotBlank().doesNotContain(denial.messageKey()).isNotEqualTo(english);
        assertThat(denied.message(Locale.forLanguageTag("es-MX"))).isEqualTo(spanish);
        assertThat(denied.message(Locale.GERMAN)).isEqualTo(english);
        assertThat(denial.messageKey()).isEqualTo("link." + denial.name());
    }

    @Test
    @DisplayName("R8: a Grant's toString (and its LinkResult's) does not show the token")
    void r8_grant_to_string_hides_the_token() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        LinkResult<Grant> result = f.selfService.verifyIdentity(
                f.tokenFromNotification(booking, NotificationKind.BOOKED), ANA.email());
        Grant grant = result.orElseThrow();
        String payload = grant.token().substring(0, grant.token().indexOf('.'));
        String signature = grant.token().substring(grant.token().indexOf('.') + 1);

        assertThat(grant.token()).isNotBlank();
        assertThat(grant.toString()).doesNotContain(grant.token(), payload, signature)
                .contains(grant.expiresAt().toString());
        assertThat(result.toString()).doesNotContain(grant.token(), payload, signature);
    }
}
