package org.bookingrules.examples.bench;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.Permissions;
import org.bookingrules.links.LinkPurpose;
import org.bookingrules.links.ManageLinks;
import org.bookingrules.links.TokenCheck;
import org.bookingrules.memory.InMemoryBookingRepository;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Resource;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.internal.rules.Action;
import org.bookingrules.internal.rules.BookingRule;
import org.bookingrules.rules.Decision;
import org.bookingrules.internal.rules.RuleBook;
import org.bookingrules.internal.rules.RuleContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: what one decision costs, average time per operation.
 *
 * <ul>
 *   <li>{@link #policyDecision()}: {@link RuleBook#evaluate} of the customer's cancel rules (active, not
 *       started, self-service enabled, unpaid only, cancellation notice) on a {@link RuleContext}: the
 *       pure decision every command and every permission makes;</li>
 *   <li>{@link #permissions()}: {@link BookingRules#permissions} on an in-memory repository: load the
 *       booking, check it is the customer's own, resolve the policy, and decide cancel, reschedule,
 *       confirm and decline (what a UI asks to show its buttons);</li>
 *   <li>{@link #verifyToken()}: {@link ManageLinks#verify} of a valid manage token: decode, HMAC-SHA256,
 *       constant-time compare, purpose, expiry, link generation.</li>
 * </ul>
 * The clock is fixed, so every call decides the same thing. Run by {@link DecisionBenchmarkMain}; the
 * smoke test calls {@link #setUp()} and the three bodies directly. One instance per JMH trial
 * (not thread-safe during setup; the bodies only read).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecisionBenchmarks {

    /** The instant every decision is made at. */
    static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");

    private List<BookingRule> customerCancelRules;
    private RuleContext cancelContext;
    private BookingRules rules;
    private Actor customer;
    private BookingRef ref;
    private ManageLinks links;
    private String token;

    /** Built by JMH, or by the smoke test followed by {@link #setUp()}. */
    public DecisionBenchmarks() {
    }

    /** Books one appointment in three days and issues its manage link. */
    @Setup
    public void setUp() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        BookingPolicy policy = BookingPolicy.builder()
                .cancellationNotice(Duration.ofHours(24))
                .maxCustomerReschedules(2)
                .build();
        InMemoryBookingRepository repository = new InMemoryBookingRepository();
        rules = BookingRules.builder().repository(repository).policy(policy).clock(clock).build();
        CustomerDetails ana = new CustomerDetails("cust-ana", "Ana Pérez", "ana@example.org", "+34 600 000 000",
                Locale.forLanguageTag("es"));
        customer = Actor.customer(ana.id());
        Instant start = NOW.plus(Duration.ofDays(3));
        Booking booking = rules.book(customer, BookRequest.of("clinic-1",
                        new Resource("dr-ruiz", "Dr. Ruiz", "+34 910 000 000"), Workload.SERVICE, ana, start,
                        start.plus(Duration.ofMinutes(45)), Workload.ZONE))
                .orElseThrow().booking();
        ref = BookingRef.of(booking.tenantId(), booking.id());
        customerCancelRules = new RuleBook(org.bookingrules.spi.Availability.ALWAYS_OPEN)
                .rulesFor(Action.CANCEL, customer);
        cancelContext = RuleContext.of(booking, customer, NOW, policy);
        links = ManageLinks.builder()
                .signingKey("k2026", "0123456789abcdef0123456789abcdef-bench-key".getBytes(StandardCharsets.UTF_8))
                .clock(clock)
                .build();
        token = links.issueManage(booking);
    }

    /**
     * The customer's cancel rules on one booking.
     *
     * @return the decision (allowed, until 24 hours before the start)
     */
    @Benchmark
    public Decision policyDecision() {
        return RuleBook.evaluate(customerCancelRules, cancelContext);
    }

    /**
     * What the customer may do with the booking now.
     *
     * @return the permissions
     */
    @Benchmark
    public Permissions permissions() {
        return rules.permissions(customer, ref);
    }

    /**
     * Verifies a valid manage token.
     *
     * @return the check (valid)
     */
    @Benchmark
    public TokenCheck verifyToken() {
        return links.verify(token, LinkPurpose.MANAGE);
    }
}
