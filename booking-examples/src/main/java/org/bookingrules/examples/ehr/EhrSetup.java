package org.bookingrules.examples.ehr;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import javax.sql.DataSource;
import org.bookingrules.BookingRules;
import org.bookingrules.jdbc.AppointmentTable;
import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.jdbc.JdbcLinkGuardStore;
import org.bookingrules.jdbc.JdbcSchema;
import org.bookingrules.jdbc.OutboxRelay;
import org.bookingrules.links.IdentityCheck;
import org.bookingrules.links.ManageLinks;
import org.bookingrules.links.SelfService;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.spi.BookingNotifier;

/**
 * Integrator-written: Booking Rules wired onto the EHR's database. The library's own {@code br_}
 * tables are created beside the EHR's, in the same database, and touch no EHR table; the bookings
 * are the EHR's appointments ({@link EhrAppointments}); notifications leave through the outbox's
 * relay; patients prove who they are with the e-mail on their EHR record.
 */
final class EhrSetup {

    /** The clinic, as a Booking Rules tenant: the EHR's own appointments are its bookings. */
    static final String TENANT = "clinica-sol";
    /** The clinic's zone. */
    static final ZoneId ZONE = ZoneId.of("Europe/Madrid");

    final AppointmentTable table;
    final JdbcBookingRepository repository;
    final ManageLinks links;
    final BookingRules rules;
    final SelfService selfService;
    final OutboxRelay relay;

    /**
     * @param dataSource the EHR's database, with the EHR's tables
     * @param clock the rules', links' and relay's clock
     * @param mailer delivers notifications (run by the relay)
     * @param signingKey the manage links' key (a product loads it from its secret store)
     */
    EhrSetup(DataSource dataSource, Clock clock, BookingNotifier mailer, byte[] signingKey) {
        JdbcSchema.create(dataSource);
        table = EhrAppointments.table(TENANT, ZONE);
        repository = JdbcBookingRepository.create(dataSource, table);
        links = ManageLinks.builder()
                .signingKey("ehr-1", signingKey)
                .clock(clock)
                .guardStore(JdbcLinkGuardStore.create(dataSource))
                .baseUrl("https://clinica-sol.example/manage#")
                .build();
        rules = BookingRules.builder()
                .repository(repository)
                .policy(BookingPolicy.builder().cancellationNotice(Duration.ofHours(24)).build())
                .clock(clock)
                .manageLinks(links)
                .build();
        relay = OutboxRelay.builder().dataSource(dataSource).notifier(mailer).clock(clock).build();
        selfService = SelfService.builder()
                .rules(rules)
                .repository(repository)
                .links(links)
                .identityCheck(IdentityCheck.email())
                .build();
    }
}
