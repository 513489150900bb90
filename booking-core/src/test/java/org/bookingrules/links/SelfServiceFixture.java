package org.bookingrules.links;

import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ZONE;

import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRules;
import org.bookingrules.memory.InMemoryBookingRepository;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.spi.Availability;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.spi.WeeklyHours;
import org.bookingrules.testing.Fixture;
import org.bookingrules.testing.RecordingNotifier;
import org.threeten.extra.MutableClock;

/**
 * A self-service world for the self-service tests: {@link BookingRules} over an in-memory repository
 * with a recording notifier, a {@link MutableClock} at {@link org.bookingrules.testing.Fixture#NOW},
 * {@link ManageLinks} with a 32-byte key on the same clock, registered on the facade so customer
 * notifications carry the manage link, and {@link SelfService} over them. Not thread-safe to build.
 */
final class SelfServiceFixture {

    /** What goes before the token in every manage link. */
    static final String BASE_URL = "https://clinic.example/manage#";
    /** The id of the signing key. */
    static final String KEY_ID = "k1";
    /** A 32-byte signing key (the shortest accepted). */
    static final byte[] KEY = key(1, ManageLinks.MIN_KEY_BYTES);
    /** Mon-Fri 09:00-17:00 in Europe/Madrid. */
    static final WeeklyHours OFFICE_HOURS = WeeklyHours.in(ZONE)
            .open(LocalTime.of(9, 0), LocalTime.of(17, 0), DayOfWeek.MONDAY, DayOfWeek.TUESDAY,
                    DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.FRIDAY)
            .build();

    final MutableClock clock = MutableClock.of(NOW, ZONE);
    final InMemoryBookingRepository repository = new InMemoryBookingRepository();
    final RecordingNotifier notifier = new RecordingNotifier();
    final LinkGuardStore guards;
    final ManageLinks links;
    final BookingRules rules;
    final SelfService selfService;
    /** Every lock the self-service told its listener of, in order. */
    final List<LinkLock> locks = new CopyOnWriteArrayList<>();
    private final Deque<String> nextIds = new ArrayDeque<>();

    SelfServiceFixture() {
        this(BookingPolicy.ofDefaults());
    }

    SelfServiceFixture(BookingPolicy policy) {
        this(policy, Availability.ALWAYS_OPEN, IdentityCheck.email(), LockoutPolicy.DEFAULT);
    }

    SelfServiceFixture(BookingPolicy policy, Availability availability) {
        this(policy, availability, IdentityCheck.email(), LockoutPolicy.DEFAULT);
    }

    SelfServiceFixture(BookingPolicy policy, Availability availability, IdentityCheck identity, LockoutPolicy lockout) {
        this(policy, availability, identity, lockout, new InMemoryLinkGuardStore());
    }

    SelfServiceFixture(BookingPolicy policy, Availability availability, IdentityCheck identity, LockoutPolicy lockout,
                       LinkGuardStore guards) {
        this.guards = guards;
        links = ManageLinks.builder()
                .signingKey(KEY_ID, KEY)
                .clock(clock)
                .guardStore(guards)
                .baseUrl(BASE_URL)
                .build();
        rules = Fixture.rulesOver(repository, notifier, policy, availability, clock)
                .manageLinks(links)
                .idGenerator(() -> nextIds.isEmpty() ? UUID.randomUUID().toString() : nextIds.pop())
                .build();
        selfService = SelfService.builder()
                .rules(rules)
                .repository(repository)
                .links(links)
                .identityCheck(identity)
                .lockout(lockout)
                .onLinkLocked(locks::add)
                .build();
    }

    /**
     * A key of {@code length} bytes, all different from the keys of other seeds.
     *
     * @param seed which key
     * @param length its length
     * @return the key
     */
    static byte[] key(int seed, int length) {
        byte[] key = new byte[length];
        for (int i = 0; i < length; i++) {
            key[i] = (byte) (seed * 31 + i * 7);
        }
        return key;
    }

    /**
     * The booking ids the next bookings get, in order; random UUIDs after them.
     *
     * @param ids the ids
     */
    void nextIds(String... ids) {
        nextIds.addAll(Arrays.asList(ids));
    }

    /**
     * Books one hour with Dr. Ruiz for a customer, by that customer, in a tenant.
     *
     * @param tenant the tenant
     * @param customer the customer
     * @param start the start
     * @return the booking
     */
    Booking book(String tenant, CustomerDetails customer, Instant start) {
        BookRequest request = BookRequest.of(tenant, DR_RUIZ, CONSULTATION, customer, start,
                start.plus(Duration.ofHours(1)), ZONE);
        return rules.book(Actor.customer(customer.id()), request).orElseThrow().booking();
    }

    /**
     * Books one hour with Dr. Ruiz for Ana, by Ana, at {@code start}.
     *
     * @param start the start
     * @return the booking
     */
    Booking bookForAna(Instant start) {
        return book(TENANT, ANA, start);
    }

    /**
     * Books one hour with Dr. Ruiz for Ana, by Ana, {@code startIn} from the clock's now.
     *
     * @param startIn how far from now it starts
     * @return the booking
     */
    Booking bookForAna(Duration startIn) {
        return bookForAna(clock.instant().plus(startIn));
    }

    /**
     * The booking as the repository holds it now; fails if it holds none.
     *
     * @param booking the booking, as returned earlier
     * @return its stored state
     */
    Booking stored(Booking booking) {
        return repository.find(booking.tenantId(), booking.id()).orElseThrow();
    }

    /**
     * Books one hour for Ana, by Ana, {@code startIn} from the clock's now, and takes the manage
     * token from the link of its BOOKED notification.
     *
     * @param startIn how far from now it starts
     * @return the token
     */
    String anaBookingToken(Duration startIn) {
        return tokenFromNotification(bookForAna(startIn), NotificationKind.BOOKED);
    }

    /**
     * Two bookings of Ana's, in 3 and in 4 days, each with the manage token of its BOOKED
     * notification.
     *
     * @param first the booking in 3 days
     * @param firstToken the manage token of the first booking
     * @param second the booking in 4 days
     * @param secondToken the manage token of the second booking
     */
    record TwoBookings(Booking first, String firstToken, Booking second, String secondToken) {
    }

    /**
     * Books one hour for Ana, by Ana, in 3 days and another in 4 days, and takes the manage token of
     * each from its BOOKED notification.
     *
     * @return the two bookings and their tokens
     */
    TwoBookings twoBookingsForAna() {
        Booking first = bookForAna(Duration.ofDays(3));
        Booking second = bookForAna(Duration.ofDays(4));
        return new TwoBookings(first, tokenFromNotification(first, NotificationKind.BOOKED),
                second, tokenFromNotification(second, NotificationKind.BOOKED));
    }

    /**
     * The manage token of the latest customer notification of a kind about a booking, taken from
     * its link as a customer would click it.
     *
     * @param booking the booking
     * @param kind the notification's kind
     * @return the token
     */
    String tokenFromNotification(Booking booking, NotificationKind kind) {
        List<Notification> sent = notifier.to(kind, RecipientRole.CUSTOMER).stream()
                .filter(n -> n.booking().id().equals(booking.id()))
                .toList();
        if (sent.isEmpty()) {
            throw new AssertionError("no " + kind + " notification to the customer of booking " + booking.id());
        }
        return tokenOf(sent.get(sent.size() - 1).link()
                .orElseThrow(() -> new AssertionError("the " + kind + " notification carries no link")));
    }

    /**
     * The token in a manage link.
     *
     * @param link the link, starting with {@link #BASE_URL}
     * @return the token
     */
    static String tokenOf(String link) {
        if (!link.startsWith(BASE_URL)) {
            throw new AssertionError("link does not start with " + BASE_URL + ": " + link);
        }
        return link.substring(BASE_URL.length());
    }

    /**
     * Passes Ana's identity check on a manage token.
     *
     * @param manageToken the token
     * @return the grant
     */
    Grant anaVerifies(String manageToken) {
        return selfService.verifyIdentity(manageToken, ANA.email()).orElseThrow();
    }

    /**
     * The decoded payload of a token: the base64url part before the dot.
     *
     * @param token the token
     * @return the payload text
     */
    static String payloadOf(String token) {
        String encoded = token.substring(0, token.indexOf('.'));
        return new String(java.util.Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
    }
}
