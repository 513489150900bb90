package org.bookingrules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bookingrules.memory.InMemoryBookingRepository;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.Notification;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Keeps the README's quick start true: the same code, compiled and run. */
class ReadmeExampleTest {

    private final List<Notification> mailbox = new ArrayList<>();
    private final List<String> shown = new ArrayList<>();

    @Test
    @DisplayName("README quick start: book, then a late customer cancel is refused with a Spanish message")
    void quickStart() {
        // Two hours before the start: inside the 12 h notice, so the cancel below is refused.
        Clock clock = Clock.fixed(Instant.parse("2026-12-01T07:00:00Z"), ZoneOffset.UTC);

        BookingRules rules = BookingRules.builder()
                .repository(new InMemoryBookingRepository())
                .notifier(notification -> mailbox.add(notification))
                .policy(BookingPolicy.builder()
                        .cancellationNotice(Duration.ofHours(12))
                        .maxCustomerReschedules(2)
                        .build())
                .clock(clock)
                .build();

        Resource drRuiz = new Resource("dr-ruiz", "Dr. Ruiz", "+34 910 000 000");
        Service consultation = new Service("consultation", "Consultation");
        CustomerDetails ana = new CustomerDetails("cust-ana", "Ana Pérez", "ana@example.org", null,
                Locale.forLanguageTag("es"));
        Instant start = Instant.parse("2026-12-01T09:00:00Z");

        Booking booking = rules.book(Actor.customer("cust-ana"),
                        BookRequest.of("clinic-1", drRuiz, consultation, ana, start,
                                start.plus(Duration.ofMinutes(45)), ZoneId.of("Europe/Madrid")))
                .orElseThrow().booking();

        Outcome outcome = rules.cancel(Actor.customer("cust-ana"),
                BookingRef.of("clinic-1", booking.id()), ChangeRequest.because("I am travelling"));
        if (outcome instanceof Outcome.Refused refused) {
            shown.add(refused.refusal().message(Locale.forLanguageTag("es")));
        }

        Outcome byStaff = rules.cancel(Actor.staff("maria"), BookingRef.of("clinic-1", booking.id()),
                ChangeRequest.because("Doctor ill").notifying(
                        NotificationChoice.customerOnly().withMessage("We are sorry, please call us.")));

        assertThat(outcome.asRefusal()).get().extracting(r -> r.reason())
                .isEqualTo(RefusalReason.CANCELLATION_NOTICE_PASSED);
        assertThat(shown).singleElement().asString()
                .contains("demasiado tarde").contains("+34 910 000 000");
        assertThat(byStaff.isDone()).isTrue();
        assertThat(mailbox).last().extracting(n -> n.message().orElseThrow())
                .isEqualTo("We are sorry, please call us.");
    }
}
