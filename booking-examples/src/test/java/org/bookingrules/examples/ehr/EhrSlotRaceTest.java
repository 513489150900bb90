package org.bookingrules.examples.ehr;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRules;
import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.jdbc.JdbcSchema;
import org.bookingrules.Outcome;
import org.bookingrules.model.Actor;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.testing.Race;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.Interval;

/**
 * R10 on the EHR's tables: many threads racing through one {@link BookingRules} for one slot of one
 * practitioner get exactly one appointment. The kit's lock on the practitioner's row in
 * {@code br_resource_lock}, taken before the overlap check over the EHR's rows in the same
 * transaction, is what makes it so (booking-core's {@code RepositoryRaceNegativeControlTest} shows
 * such races won twice by a repository that checks and then writes without holding a lock between).
 */
@DisplayName("R10 racing for one slot on the EHR's tables: exactly one appointment")
class EhrSlotRaceTest {

    private static final int THREADS = 16;
    private static final int ATTEMPTS = 25;
    private static final Instant NOW = Instant.parse("2026-03-02T08:00:00Z");
    private static final Resource DR_RUIZ = new Resource("dr-ruiz", "Dr. Ruiz", "+34 910 000 000");
    private static final Service CONSULT = new Service("CONSULT", "Consultation");
    private static final Interval SLOT = Interval.of(Instant.parse("2026-03-09T09:00:00Z"), Duration.ofMinutes(30));

    private EhrTestDatabase database;

    @BeforeEach
    void installTheEhr() {
        database = new EhrTestDatabase();
        EhrExample.runScript(database.dataSource(), EhrExample.EHR_SAMPLE_DATA_SCRIPT);
        JdbcSchema.create(database.dataSource());
    }

    @AfterEach
    void dropTheEhr() {
        database.close();
    }

    @Test
    @DisplayName("R10 16 threads x 25 attempts at one slot: one appointment, every other attempt Refused "
            + "SLOT_UNAVAILABLE, no exception reaches the caller")
    void exactlyOneAppointmentWins() throws Exception {
        JdbcBookingRepository repository = JdbcBookingRepository.create(database.dataSource(),
                EhrAppointments.table(EhrExample.TENANT, EhrExample.ZONE));
        BookingRules rules = BookingRules.builder().repository(repository).clock(Clock.fixed(NOW, ZoneId.of("UTC")))
                .build();
        Map<Object, AtomicInteger> outcomes = new ConcurrentHashMap<>();

        // An exception reaching a caller fails the race with it.
        Race.run(THREADS, t -> () -> {
            CustomerDetails customer = new CustomerDetails("P-9" + t, "Patient " + t, "p" + t + "@example.org", null,
                    Locale.ENGLISH);
            for (int i = 0; i < ATTEMPTS; i++) {
                Outcome outcome = rules.book(Actor.customer(customer.id()), BookRequest.of(EhrExample.TENANT, DR_RUIZ,
                        CONSULT, customer, SLOT.getStart(), SLOT.getEnd(), ZoneId.of("Europe/Madrid")));
                Object key = outcome.asRefusal().<Object>map(r -> r.reason()).orElse("BOOKED");
                outcomes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            }
            return null;
        });

        assertThat(outcomes.get("BOOKED")).hasValue(1);
        assertThat(outcomes.get(RefusalReason.SLOT_UNAVAILABLE)).hasValue(THREADS * ATTEMPTS - 1);
        assertThat(EhrExample.rows(database.dataSource(), "SELECT appt_id FROM appointments WHERE "
                + "practitioner_id = 'dr-ruiz' AND starts_at = TIMESTAMP WITH TIME ZONE '2026-03-09 09:00:00+00:00'"))
                .hasSize(1);
        assertThat(EhrExample.rows(database.dataSource(), "SELECT patient_id FROM patients WHERE patient_id LIKE 'P-9%'"))
                .as("a losing attempt registers no patient").hasSize(1);
    }
}
