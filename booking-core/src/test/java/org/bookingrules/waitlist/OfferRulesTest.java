package org.bookingrules.waitlist;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Service;
import org.bookingrules.testing.Fixture;
import org.bookingrules.waitlist.OfferRules.Ineligibility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.threeten.extra.Interval;

@DisplayName("Cancellation list rules alone: which entries are offered a freed slot, in which order, until when")
class OfferRulesTest {

    private static final Instant NOW = Fixture.NOW;
    /** The freed slot: Dr. Ruiz, tomorrow 10:00 to 11:00 UTC. */
    private static final Interval SLOT = Interval.of(NOW.plus(Duration.ofHours(25)), NOW.plus(Duration.ofHours(26)));
    private static final FreedSlot FREED = new FreedSlot(Fixture.TENANT, Fixture.DR_RUIZ, Fixture.CONSULTATION, SLOT,
            Fixture.ZONE, "freeing-booking", Fixture.BOB.id());
    private static final Interval THIS_WEEK = Interval.of(NOW, NOW.plus(Duration.ofDays(7)));

    /** Ana waits for a consultation with any resource this week, joined an hour ago. */
    private static WaitlistEntry ana() {
        return new WaitlistEntry(Fixture.TENANT, "entry-ana", Fixture.ANA, Fixture.CONSULTATION, null, THIS_WEEK, null,
                EntryStatus.WAITING, NOW.minus(Duration.ofHours(1)), 1);
    }

    private static WaitlistEntry with(UnaryOperator<Builder> change) {
        return change.apply(new Builder(ana())).build();
    }

    /** Ana's booking next week with Dr. Ruiz, which she would move earlier. */
    private static Booking anasLaterBooking() {
        Instant start = NOW.plus(Duration.ofDays(5));
        return Booking.book(Booking.builder().tenantId(Fixture.TENANT).id("anas-booking").confirmationCode("ABCD2345")
                .resource(Fixture.DR_RUIZ).service(Fixture.CONSULTATION).customer(Fixture.ANA)
                .slot(Interval.of(start, start.plus(Duration.ofHours(1)))).zone(Fixture.ZONE), Actor.customer(
                        Fixture.ANA.id()), NOW.minus(Duration.ofDays(1))).booking();
    }

    static Stream<Arguments> entries() {
        Booking later = anasLaterBooking();
        Booking earlier = later.toBuilder().slot(Interval.of(SLOT.getStart().minus(Duration.ofHours(3)),
                SLOT.getStart().minus(Duration.ofHours(2)))).build();
        Booking cancelled = later.cancel(Actor.staff("reception"), NOW, null, null, false, null).booking();
        Booking bobs = later.toBuilder().customer(Fixture.BOB).build();
        return Stream.of(
                Arguments.of("eligible: waiting, same service, any resource, window encloses the slot",
                        ana(), null, false, null),
                Arguments.of("eligible: the slot's own resource asked for", with(b -> b.resource("dr-ruiz")), null,
                        false, null),
                Arguments.of("eligible: move earlier, the booking active, Ana's and later", with(b -> b.booking(
                        "anas-booking")), later, false, null),
                Arguments.of("ineligible: another tenant's entry", with(b -> b.tenant("clinic-2")), null, false,
                        Ineligibility.OTHER_TENANT),
                Arguments.of("ineligible: an offer already open", with(b -> b.status(EntryStatus.OFFERED)), null,
                        false, Ineligibility.NOT_WAITING),
                Arguments.of("ineligible: booked already", with(b -> b.status(EntryStatus.BOOKED)), null, false,
                        Ineligibility.NOT_WAITING),
                Arguments.of("ineligible: left the list", with(b -> b.status(EntryStatus.LEFT)), null, false,
                        Ineligibility.NOT_WAITING),
                Arguments.of("ineligible (entry expiry): the window ended at now", with(b -> b.window(
                        Interval.of(NOW.minus(Duration.ofDays(1)), NOW))), null, false, Ineligibility.ENTRY_EXPIRED),
                Arguments.of("ineligible: another service", with(b -> b.service(new Service("cleaning", "Cleaning"))),
                        null, false, Ineligibility.OTHER_SERVICE),
                Arguments.of("ineligible: another resource", with(b -> b.resource("dr-soto")), null, false,
                        Ineligibility.OTHER_RESOURCE),
                Arguments.of("ineligible (window): the slot ends a second after the window", with(b -> b.window(
                        Interval.of(NOW, SLOT.getEnd().minusSeconds(1)))), null, false, Ineligibility.OUTSIDE_WINDOW),
                Arguments.of("eligible (window): the window ends exactly at the slot's end", with(b -> b.window(
                        Interval.of(SLOT.getStart(), SLOT.getEnd()))), null, false, null),
                Arguments.of("ineligible (window): the window starts a second after the slot", with(b -> b.window(
                        Interval.of(SLOT.getStart().plusSeconds(1), THIS_WEEK.getEnd()))), null, false,
                        Ineligibility.OUTSIDE_WINDOW),
                Arguments.of("ineligible: the customer whose booking freed the slot", with(b -> b.customer(
                        Fixture.BOB)), null, false, Ineligibility.OWN_SLOT),
                Arguments.of("ineligible (inactive customer): no e-mail or phone", with(b -> b.customer(
                        new CustomerDetails("cust-eve", "Eve", null, null, Fixture.ANA.language()))), null, false,
                        Ineligibility.UNREACHABLE),
                Arguments.of("ineligible (inactive customer): data erased", with(b -> b.customer(
                        Fixture.ANA.erased())), null, false, Ineligibility.UNREACHABLE),
                Arguments.of("ineligible (inactive customer): the booking to move is gone", with(b -> b.booking(
                        "anas-booking")), null, false, Ineligibility.BOOKING_NOT_ACTIVE),
                Arguments.of("ineligible (inactive customer): the booking to move was cancelled", with(b -> b.booking(
                        "anas-booking")), cancelled, false, Ineligibility.BOOKING_NOT_ACTIVE),
                Arguments.of("ineligible: the booking to move is someone else's", with(b -> b.booking(
                        "anas-booking")), bobs, false, Ineligibility.BOOKING_NOT_ACTIVE),
                Arguments.of("ineligible: the slot is not earlier than the booking to move", with(b -> b.booking(
                        "anas-booking")), earlier, false, Ineligibility.NOT_EARLIER),
                Arguments.of("ineligible: this hold was offered to the entry before", ana(), null, true,
                        Ineligibility.ALREADY_OFFERED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    @DisplayName("Eligibility of an entry for a freed slot")
    void eligibility(String rule, WaitlistEntry entry, Booking toMove, boolean offeredBefore, Ineligibility expected) {
        assertThat(OfferRules.entryIneligibility(entry, FREED, NOW, toMove, offeredBefore))
                .isEqualTo(Optional.ofNullable(expected));
    }

    @Test
    @DisplayName("Order: earliest joined first, then by id; the order the list was read in does not matter")
    void order() {
        WaitlistEntry first = with(b -> b.id("b-entry").joinedAt(NOW.minus(Duration.ofDays(2))));
        WaitlistEntry tieLow = with(b -> b.id("a-entry").joinedAt(NOW.minus(Duration.ofDays(1))));
        WaitlistEntry tieHigh = with(b -> b.id("c-entry").joinedAt(NOW.minus(Duration.ofDays(1))));
        WaitlistEntry last = with(b -> b.id("0-entry").joinedAt(NOW));
        List<WaitlistEntry> shuffled = new ArrayList<>(List.of(last, tieHigh, first, tieLow));
        shuffled.sort(OfferRules.ORDER);
        assertThat(shuffled).containsExactly(first, tieLow, tieHigh, last);
    }

    static Stream<Arguments> deadlines() {
        WaitlistPolicy policy = WaitlistPolicy.DEFAULT; // lead 2 h, window 1 h
        Instant start = SLOT.getStart();
        return Stream.of(
                Arguments.of("a slot a day away: the whole offer window", policy, NOW, NOW.plus(Duration.ofHours(1))),
                Arguments.of("a slot 2 h 30 min away: shorter, until start - lead", policy,
                        start.minus(Duration.ofMinutes(150)), start.minus(Duration.ofHours(2))),
                Arguments.of("exactly the shortest offer left before start - lead", policy,
                        start.minus(Duration.ofHours(2)).minus(WaitlistPolicy.SHORTEST_OFFER),
                        start.minus(Duration.ofHours(2))),
                Arguments.of("a second less than the shortest offer: not offered (lead)", policy,
                        start.minus(Duration.ofHours(2)).minus(WaitlistPolicy.SHORTEST_OFFER).plusSeconds(1), null),
                Arguments.of("the list off: not offered", WaitlistPolicy.OFF, NOW, null),
                Arguments.of("no lead: until the start at the latest", policy.withMinimumLead(Duration.ZERO),
                        start.minus(Duration.ofMinutes(30)), start));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deadlines")
    @DisplayName("Deadline: the offer window, shorter when the slot is close, none within the lead")
    void deadline(String rule, WaitlistPolicy policy, Instant now, Instant expected) {
        assertThat(OfferRules.deadline(policy, now, SLOT)).isEqualTo(Optional.ofNullable(expected));
    }

    @Test
    @DisplayName("The slot: the list off, too late (lead) and outside opening hours are said in that order")
    void slotRules() {
        Instant late = SLOT.getStart().minus(Duration.ofHours(1));
        assertThat(OfferRules.slotIneligibility(WaitlistPolicy.OFF, late, SLOT, false))
                .contains(Ineligibility.WAITLIST_OFF);
        assertThat(OfferRules.slotIneligibility(WaitlistPolicy.DEFAULT, late, SLOT, false))
                .contains(Ineligibility.TOO_LATE_TO_OFFER);
        assertThat(OfferRules.slotIneligibility(WaitlistPolicy.DEFAULT, NOW, SLOT, false))
                .contains(Ineligibility.OUTSIDE_OPENING_HOURS);
        assertThat(OfferRules.slotIneligibility(WaitlistPolicy.DEFAULT, NOW, SLOT, true)).isEmpty();
    }

    @Test
    @DisplayName("Policy settings are checked, naming the field")
    void policyChecks() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WaitlistPolicy.DEFAULT.withOffersAtOnce(0))
                .hasMessageContaining("offersAtOnce");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WaitlistPolicy.DEFAULT.withOfferWindow(
                Duration.ofMinutes(4))).hasMessageContaining("offerWindow");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WaitlistPolicy.DEFAULT.withMinimumLead(
                Duration.ofDays(31))).hasMessageContaining("minimumLead");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WaitlistPolicy.DEFAULT.withMinimumLead(
                Duration.ofMinutes(-1))).hasMessageContaining("minimumLead");
    }

    /** Changes one field of an entry at a time. */
    private static final class Builder {
        private String tenant;
        private String id;
        private CustomerDetails customer;
        private Service service;
        private String resource;
        private Interval window;
        private String booking;
        private EntryStatus status;
        private Instant joinedAt;

        Builder(WaitlistEntry e) {
            tenant = e.tenantId();
            id = e.id();
            customer = e.customer();
            service = e.service();
            resource = e.resourceId();
            window = e.window();
            booking = e.bookingId();
            status = e.status();
            joinedAt = e.joinedAt();
        }

        Builder tenant(String v) {
            tenant = v;
            return this;
        }

        Builder id(String v) {
            id = v;
            return this;
        }

        Builder customer(CustomerDetails v) {
            customer = v;
            return this;
        }

        Builder service(Service v) {
            service = v;
            return this;
        }

        Builder resource(String v) {
            resource = v;
            return this;
        }

        Builder window(Interval v) {
            window = v;
            return this;
        }

        Builder booking(String v) {
            booking = v;
            return this;
        }

        Builder status(EntryStatus v) {
            status = v;
            return this;
        }

        Builder joinedAt(Instant v) {
            joinedAt = v;
            return this;
        }

        WaitlistEntry build() {
            return new WaitlistEntry(tenant, id, customer, service, resource, window, booking, status, joinedAt, 1);
        }
    }
}
