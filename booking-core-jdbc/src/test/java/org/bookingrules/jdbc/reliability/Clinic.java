package org.bookingrules.jdbc.reliability;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;

/**
 * The clinic the reliability tests book in: one tenant, three professionals, one service, a
 * customer whose personal data (name, e-mail, phone) must never show up in an exception message or
 * a stored error, and the instant the tests' clocks start at. Constants only.
 */
final class Clinic {

    /** The tenant of every booking here. */
    static final String TENANT = "clinic-reliability";
    /** Monday 2 March 2026, 09:00 UTC. */
    static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");
    /** The display zone of the bookings. */
    static final ZoneId ZONE = ZoneId.of("Europe/Madrid");
    /** The professionals. */
    static final Resource DR_RUIZ = new Resource("dr-ruiz", "Dr. Ruiz", "+34 910 000 000");
    static final Resource DR_SOTO = new Resource("dr-soto", "Dr. Soto", "recepcion@example.org");
    static final Resource DR_VEGA = new Resource("dr-vega", "Dr. Vega", null);
    static final List<Resource> RESOURCES = List.of(DR_RUIZ, DR_SOTO, DR_VEGA);
    /** The service. */
    static final Service CONSULTATION = new Service("consultation", "Consultation");
    /** A customer with an e-mail and a phone: reachable, so each of her changes queues two notifications. */
    static final CustomerDetails ANA = new CustomerDetails("cust-ana", "Ana Pérez-Villalobos",
            "ana.perez.villalobos@example.org", "+34 611 222 333", Locale.forLanguageTag("es"));
    /** Ana acting. */
    static final Actor.Customer ANA_ACTS = Actor.customer(ANA.id());
    /** A staff member acting. */
    static final Actor.Staff RECEPTION = Actor.staff("staff-maria");
    /** Ana's personal data, none of which may appear in a message. */
    static final List<String> PERSONAL_DATA = List.of(ANA.name(), ANA.email(), ANA.phone(), "Pérez", "611 222");

    private Clinic() {
    }

    /**
     * A one-hour booking request with a resource.
     *
     * @param customer the customer, may be null
     * @param resource the resource
     * @param start the start
     * @return the request
     */
    static BookRequest request(CustomerDetails customer, Resource resource, Instant start) {
        return BookRequest.of(TENANT, resource, CONSULTATION, customer, start, start.plus(Duration.ofHours(1)), ZONE);
    }

    /**
     * @param booking a booking
     * @return its reference
     */
    static BookingRef ref(Booking booking) {
        return BookingRef.of(booking.tenantId(), booking.id());
    }

    /**
     * A customer of the storm.
     *
     * @param i the number
     * @param reachable whether she has an e-mail
     * @return the customer
     */
    static CustomerDetails customer(int i, boolean reachable) {
        return new CustomerDetails("cust-" + i, "Patient " + i, reachable ? "patient" + i + "@example.org" : null, null,
                i % 2 == 0 ? Locale.ENGLISH : Locale.forLanguageTag("es"));
    }
}
