package org.bookingrules.examples.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.bookingrules.ConfirmationCodes;
import org.bookingrules.memory.InMemoryBookingRepository;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.ReminderState;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Transition;
import org.bookingrules.spi.BookingChange;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.spi.SaveResult;
import org.bookingrules.spi.SlotClaim;
import org.threeten.extra.Interval;

/**
 * Heap bytes per booking in {@link InMemoryBookingRepository}: the heap in use after a full GC, before
 * and after inserting {@code --bookings} bookings (default 1,000,000), divided by their number.
 *
 * <p>Each booking is inserted as the facade's {@code book} stores it: a pending booking (random UUID id,
 * a confirmation code, its own customer with name, e-mail and phone, one of {@code --resources}
 * resources, a 45-minute slot, a reminder armed), its {@code Booked} event and its two notifications
 * (customer and resource), since the repository keeps the queued notifications too. A second figure
 * leaves the notifications out (a product that drains them elsewhere would still keep them here).
 *
 * <pre>
 * MAVEN_OPTS=-Xmx4g mvn -B -q -pl booking-examples -am test-compile exec:java \
 *     -Dexec.mainClass=org.bookingrules.examples.bench.MemoryBenchmark
 * </pre>
 *
 * Under {@code exec:java} the benchmark runs in Maven's JVM, hence {@code MAVEN_OPTS} for the heap.
 */
public final class MemoryBenchmark {

    private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");

    private MemoryBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args {@code --bookings}, {@code --resources} (default 2,000)
     */
    public static void main(String[] args) {
        BenchArgs a = BenchArgs.parse(args, Set.of("bookings", "resources"));
        int bookings = a.integer("bookings", 1_000_000);
        int resources = a.integer("resources", 2_000);
        System.out.printf(Locale.ROOT, "# max heap %d MiB; %d bookings over %d resources; Java %s%n",
                Runtime.getRuntime().maxMemory() >> 20, bookings, resources, System.getProperty("java.version"));
        for (boolean withNotifications : new boolean[] {true, false}) {
            double perBooking = measure(bookings, resources, withNotifications);
            System.out.printf(Locale.ROOT, "%s: %.0f bytes per booking (%.0f MiB for %d)%n",
                    withNotifications ? "booking + Booked event + 2 notifications (as book stores it)"
                            : "booking + Booked event, no notifications", perBooking,
                    perBooking * bookings / (1 << 20), bookings);
        }
    }

    /**
     * Loads bookings into a fresh repository and measures the heap they take.
     *
     * @param bookings how many
     * @param resources over how many resources
     * @param withNotifications whether each insert carries its two notifications
     * @return heap bytes per booking
     */
    static double measure(int bookings, int resources, boolean withNotifications) {
        List<Resource> pool = new ArrayList<>();
        for (int i = 0; i < resources; i++) {
            pool.add(new Resource("dr-" + i, "Doctor " + i, "+34 910 " + (100_000 + i)));
        }
        ConfirmationCodes codes = new ConfirmationCodes();
        long before = usedAfterGc();
        InMemoryBookingRepository repository = new InMemoryBookingRepository();
        Instant first = NOW.plus(Duration.ofDays(1));
        int redrawn = 0;
        for (int i = 0; i < bookings; i++) {
            SaveResult result;
            do {
                result = repository.insert(change(i, pool.get(i % resources), first.plus(
                        Duration.ofHours(i / resources)), codes.get(), withNotifications));
                // At a million codes in one tenant a clash is likely (birthday bound over 31^8): the facade
                // draws another code, and so does this.
                redrawn += result == SaveResult.CODE_TAKEN ? 1 : 0;
            } while (result == SaveResult.CODE_TAKEN);
            if (result != SaveResult.SAVED) {
                throw new IllegalStateException("insert " + i + ": " + result);
            }
        }
        if (redrawn > 0) {
            System.out.println("  (" + redrawn + " confirmation code(s) drawn again after a clash)");
        }
        long after = usedAfterGc();
        Reference.reachabilityFence(repository);
        return (after - before) / (double) bookings;
    }

    private static BookingChange change(int i, Resource resource, Instant start, String code, boolean withNotifications) {
        CustomerDetails customer = new CustomerDetails("cust-" + i, "Customer " + i, "customer" + i + "@example.org",
                "+34 600 " + (100_000 + i % 900_000), Workload.CUSTOMER_LANGUAGE);
        Interval slot = Interval.of(start, Workload.SLOT);
        Booking.Builder spec = Booking.builder()
                .tenantId("clinic-1")
                .id(UUID.randomUUID().toString())
                .confirmationCode(code)
                .resource(resource)
                .service(Workload.SERVICE)
                .customer(customer)
                .slot(slot)
                .zone(Workload.ZONE)
                .reminder(ReminderState.armedFor(start.minus(Duration.ofHours(6))));
        Transition booked = Booking.book(spec, Actor.customer(customer.id()), NOW);
        Booking b = booked.booking();
        List<Notification> notifications = withNotifications ? List.of(
                new Notification(Notification.stableId(b, NotificationKind.BOOKED, RecipientRole.CUSTOMER),
                        NotificationKind.BOOKED, RecipientRole.CUSTOMER, b, null, null, customer.language()),
                new Notification(Notification.stableId(b, NotificationKind.BOOKED, RecipientRole.RESOURCE),
                        NotificationKind.BOOKED, RecipientRole.RESOURCE, b, null, null, Locale.ENGLISH))
                : List.of();
        return new BookingChange(b, 0, SlotClaim.EXCLUSIVE, List.of(booked.event()), notifications);
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        // Several rounds: a full GC may leave floating garbage the next one collects.
        for (int i = 0; i < 5; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
