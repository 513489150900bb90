package org.bookingrules.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.BOB;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.memory.InMemoryBookingRepository;
import org.bookingrules.model.Booking;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.testing.Fixture;
import org.bookingrules.testing.RecordingNotifier;
import org.bookingrules.waitlist.EntryStatus;
import org.bookingrules.waitlist.JoinRequest;
import org.bookingrules.waitlist.OfferStatus;
import org.bookingrules.waitlist.WaitlistNotice;
import org.bookingrules.waitlist.WaitlistPolicy;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.Interval;
import org.threeten.extra.MutableClock;

@DisplayName("Self-service offer links of the cancellation list: open, accept, decline, no identity check, no personal data")
class SelfServiceOfferTest {

    private static final String BASE_URL = "https://clinic.example/m/";
    private static final Instant SLOT_START = NOW.plus(Duration.ofHours(25));
    private static final Interval TOMORROW = Interval.of(NOW.plus(Duration.ofHours(15)), NOW.plus(Duration.ofHours(39)));

    private final MutableClock clock = MutableClock.of(NOW, ZONE);
    private final InMemoryBookingRepository repository = new InMemoryBookingRepository();
    private final RecordingNotifier notifier = new RecordingNotifier();
    private final ManageLinks links = ManageLinks.builder().signingKey(SelfServiceFixture.KEY_ID, SelfServiceFixture.KEY)
            .clock(clock).baseUrl(BASE_URL).build();
    private final BookingRules rules = Fixture.rulesOver(repository, notifier,
            org.bookingrules.policy.BookingPolicy.ofDefaults(), org.bookingrules.spi.Availability.ALWAYS_OPEN, clock)
            .manageLinks(links).waitlist(WaitlistPolicy.DEFAULT).build();
    private final SelfService selfService = SelfService.builder().rules(rules).repository(repository).links(links)
            .build();

    /** Ana waits for tomorrow; Bob books 10:00 and cancels: Ana's offer token, from her notice's link. */
    private String anasOfferToken() {
        rules.waitlist().join(Fixture.ANA_ACTS, JoinRequest.anyResource(TENANT, ANA, CONSULTATION, TOMORROW, ZONE));
        Booking bobs = rules.book(Fixture.BOB_ACTS, Fixture.requestAt(BOB, SLOT_START)).orElseThrow().booking();
        rules.cancel(Fixture.BOB_ACTS, Fixture.ref(bobs), ChangeRequest.none()).orElseThrow();
        WaitlistNotice offered = notifier.notices(WaitlistNotice.Kind.OFFERED).get(0);
        String link = offered.link().orElseThrow();
        assertThat(link).startsWith(BASE_URL);
        return link.substring(BASE_URL.length());
    }

    @Test
    @DisplayName("Opening shows the slot, the resource, the deadline and whether it moves a booking, and nothing "
            + "personal; accepting books it for the entry's customer; a second acceptance is refused OFFER_TAKEN")
    void openAndAccept() {
        String token = anasOfferToken();
        OfferPage page = ((LinkResult.Ok<OfferPage>) selfService.openOffer(token)).value();
        assertThat(page.serviceName()).isEqualTo(CONSULTATION.name());
        assertThat(page.resourceName()).isEqualTo(Fixture.DR_RUIZ.name());
        assertThat(page.start()).isEqualTo(ZonedDateTime.ofInstant(SLOT_START, ZONE));
        assertThat(page.deadline()).isEqualTo(ZonedDateTime.ofInstant(clock.instant().plus(Duration.ofHours(1)), ZONE));
        assertThat(page.status()).isEqualTo(OfferStatus.OPEN);
        assertThat(page.movesBooking()).isFalse();
        assertThat(page.toString()).doesNotContain(ANA.name()).doesNotContain(ANA.email());

        Outcome accepted = ((LinkResult.Ok<Outcome>) selfService.acceptOffer(token)).value();
        assertThat(accepted.orElseThrow().booking().customer()).contains(ANA);
        Outcome again = ((LinkResult.Ok<Outcome>) selfService.acceptOffer(token)).value();
        assertThat(Fixture.reason(again)).isEqualTo(RefusalReason.OFFER_TAKEN);
        assertThat(((LinkResult.Ok<OfferPage>) selfService.openOffer(token)).value().status())
                .isEqualTo(OfferStatus.ACCEPTED);
    }

    @Test
    @DisplayName("Declining keeps the customer's place; after the deadline the link still opens and says why an "
            + "answer is refused (OFFER_EXPIRED)")
    void declineAndLate() {
        String token = anasOfferToken();
        clock.add(Duration.ofHours(1));
        assertThat(Fixture.reason(((LinkResult.Ok<Outcome>) selfService.acceptOffer(token)).value()))
                .isEqualTo(RefusalReason.OFFER_EXPIRED);
        assertThat(selfService.openOffer(token)).isInstanceOf(LinkResult.Ok.class);
        clock.add(Duration.ofHours(-1).plusMinutes(-1));
        assertThat(((LinkResult.Ok<org.bookingrules.waitlist.WaitlistOutcome>) selfService.declineOffer(token))
                .value().entry().status()).isEqualTo(EntryStatus.WAITING);
    }

    @Test
    @DisplayName("Tampered, unknown, manage (wrong purpose) and other keys' offer tokens are LINK_INVALID, alike")
    void invalidTokens() {
        String token = anasOfferToken();
        char last = token.charAt(token.length() - 1);
        String tampered = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
        String manage = links.issueManage(repository.all(TENANT).get(0));
        String unknown = links.issue(LinkPurpose.OFFER, TENANT, "no-such-offer", NOW.plus(Duration.ofDays(1)));
        for (String bad : new String[] {tampered, manage, unknown, null, ""}) {
            assertThat(selfService.openOffer(bad)).as(String.valueOf(bad))
                    .isEqualTo(new LinkResult.Denied<>(LinkDenial.LINK_INVALID, null, -1));
            assertThat(selfService.acceptOffer(bad)).isInstanceOf(LinkResult.Denied.class);
            assertThat(selfService.declineOffer(bad)).isInstanceOf(LinkResult.Denied.class);
        }
        // Control: the untouched token opens.
        assertThat(selfService.openOffer(token)).isInstanceOf(LinkResult.Ok.class);
    }
}
