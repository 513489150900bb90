package org.bookingrules.examples.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;

/**
 * What the load benchmark books: one tenant, {@value #RESOURCES} resources (so parallel writers rarely
 * wait for the same resource lock), one service, a different reachable customer per booking, 45-minute
 * slots from 30 days ahead (far outside every notice and the reminder lead, so nothing is refused or
 * auto-confirmed: the happy path). Every booking gets its own slot: slot {@code n} is on resource
 * {@code n % RESOURCES}, at hour {@code n / RESOURCES} from the start, so no two ever overlap, whichever
 * side (library or hand-written) takes them. Thread-safe.
 */
public final class Workload {

    /** The tenant of every booking. */
    public static final String TENANT = "bench-clinic";
    /** How many resources the bookings are spread over. */
    public static final int RESOURCES = 64;
    /** The length of every slot. */
    public static final Duration SLOT = Duration.ofMinutes(45);
    /** The zone bookings are shown in. */
    public static final ZoneId ZONE = ZoneId.of("Europe/Madrid");
    /** The language of every customer. */
    public static final Locale CUSTOMER_LANGUAGE = Locale.forLanguageTag("es");
    /** The service of every booking. */
    public static final Service SERVICE = new Service("consultation", "Consultation");

    private final List<Resource> resources;
    private final Instant firstSlot;
    private final AtomicLong next = new AtomicLong();

    /**
     * A workload whose slots start 30 days after {@code now}, on the hour.
     *
     * @param now the instant of the run's start
     */
    public Workload(Instant now) {
        this.firstSlot = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofDays(30));
        List<Resource> list = new ArrayList<>();
        for (int i = 0; i < RESOURCES; i++) {
            list.add(new Resource(String.format(Locale.ROOT, "dr-%02d", i), "Doctor " + i, "+34 910 000 " + (100 + i)));
        }
        this.resources = List.copyOf(list);
    }

    /** @return every resource, in order */
    public List<Resource> resources() {
        return resources;
    }

    /**
     * Takes the next free slot.
     *
     * @return its number, for {@link #resource}, {@link #start} and {@link #customer}
     */
    public long nextSlot() {
        return next.getAndIncrement();
    }

    /**
     * @param slot a number from {@link #nextSlot()}
     * @return the slot's resource
     */
    public Resource resource(long slot) {
        return resources.get((int) (slot % RESOURCES));
    }

    /**
     * @param slot a number from {@link #nextSlot()}
     * @return the slot's start
     */
    public Instant start(long slot) {
        return firstSlot.plus(Duration.ofHours(slot / RESOURCES));
    }

    /**
     * @param slot a number from {@link #nextSlot()}
     * @return the slot's end (exclusive)
     */
    public Instant end(long slot) {
        return start(slot).plus(SLOT);
    }

    /**
     * The customer who books a slot: a different one each time, reachable by e-mail, in Spanish.
     *
     * @param slot a number from {@link #nextSlot()}
     * @return the customer
     */
    public CustomerDetails customer(long slot) {
        return new CustomerDetails("cust-" + slot, "Customer " + slot, "customer" + slot + "@example.org",
                "+34 600 " + (100_000 + slot % 900_000), CUSTOMER_LANGUAGE);
    }

    /** @return how many slots were taken */
    public long taken() {
        return next.get();
    }
}
