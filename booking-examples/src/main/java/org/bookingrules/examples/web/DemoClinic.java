package org.bookingrules.examples.web;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.jdbc.JdbcLinkGuardStore;
import org.bookingrules.jdbc.JdbcSchema;
import org.bookingrules.jdbc.OutboxRelay;
import org.bookingrules.links.ManageLinks;
import org.bookingrules.links.SelfService;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.WeeklyHours;
import org.bookingrules.waitlist.EntryStatus;
import org.bookingrules.waitlist.JoinRequest;
import org.bookingrules.waitlist.WaitlistEntry;
import org.bookingrules.waitlist.WaitlistNotice;
import org.bookingrules.waitlist.WaitlistOutcome;
import org.bookingrules.waitlist.WaitlistPolicy;
import org.h2.jdbcx.JdbcDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.threeten.extra.Interval;

/**
 * A fictional clinic for the self-service page, on its own embedded H2 database: the schema, a
 * {@link JdbcBookingRepository}, a {@link JdbcLinkGuardStore}, the rules (default policy: 24 hours'
 * notice to cancel or reschedule online), opening hours every day 08:00-20:00 in Madrid, and two
 * bookings of one patient made by the front desk:
 * <ul>
 *   <li>{@linkplain #upcomingId() upcoming}: a consultation three days ahead at 10:00, which the
 *       patient may confirm, decline, reschedule and cancel online;</li>
 *   <li>{@linkplain #soonId() soon}: a follow-up within the next 24 hours, inside the cancellation
 *       notice, so an online cancel is refused with its deadline and the professional's contact
 *       (R9), while a decline is still allowed and marked late (R7).</li>
 * </ul>
 * The cancellation list is on ({@link WaitlistPolicy#DEFAULT}): a slot a cancel frees is held
 * and offered to a waiting patient, whose notice carries an offer link to the same page
 * ({@link #freeSlotForWaitingPatient(int)} sets one up). Notifications and the list's notices
 * leave through the outbox relay, after commit, as in a product; they are kept in memory and
 * logged by kind and ids only.
 *
 * <p>Thread-safe. Close it to drop the database.
 */
public final class DemoClinic implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoClinic.class);

    /** The clinic's tenant id. */
    public static final String TENANT = "demo-clinic";
    /** The clinic's zone: every time on the page is shown in it. */
    public static final ZoneId ZONE = ZoneId.of("Europe/Madrid");
    /** Opening time, every day. */
    public static final LocalTime OPENS = LocalTime.of(8, 0);
    /** Closing time, every day. */
    public static final LocalTime CLOSES = LocalTime.of(20, 0);
    /** Length of every appointment. */
    public static final Duration APPOINTMENT = Duration.ofMinutes(30);
    /** The professional, with the contact a refusal names (R9). */
    public static final Resource DOCTOR = new Resource("dr-ruiz", "Dr. Marta Ruiz", "Dr. Marta Ruiz, +34 910 000 000");
    /** The service of the upcoming booking. */
    public static final Service CONSULTATION = new Service("consultation", "General consultation");
    /** The service of the soon booking. */
    public static final Service FOLLOW_UP = new Service("follow-up", "Follow-up visit");
    /** The fictional patient. Personal data: never in URLs or logs. */
    public static final CustomerDetails PATIENT = new CustomerDetails("patient-0042", "Lucía Fernández",
            "lucia.fernandez@example.org", null, Locale.forLanguageTag("es"));

    /**
     * A second fictional patient, on the cancellation list for consultations; offers go to them.
     * Personal data: never in URLs or logs.
     */
    public static final CustomerDetails WAITING_PATIENT = new CustomerDetails("patient-0077", "Jorge Martín",
            "jorge.martin@example.org", null, Locale.ENGLISH);

    private static final Actor FRONT_DESK = Actor.staff("front-desk");

    private final JdbcDataSource dataSource;
    private final JdbcBookingRepository repository;
    private final BookingRules rules;
    private final ManageLinks links;
    private final SelfService selfService;
    private final List<Notification> notifications = new CopyOnWriteArrayList<>();
    private final List<WaitlistNotice> notices = new CopyOnWriteArrayList<>();
    private final String linkBaseUrl;
    private final Clock clock;
    private final OutboxRelay relay;
    private final String upcomingId;
    private final String soonId;

    private DemoClinic(Clock clock, String linkBaseUrl) {
        this.linkBaseUrl = linkBaseUrl;
        this.clock = clock;
        SecureRandom random = new SecureRandom();
        byte[] dbName = new byte[8];
        random.nextBytes(dbName);
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:selfservice_" + HexFormat.of().formatHex(dbName) + ";DB_CLOSE_DELAY=-1");
        JdbcSchema.create(dataSource);
        repository = JdbcBookingRepository.create(dataSource);

        // A demo key, new at every start; a product loads its keys from a secret store.
        byte[] key = new byte[32];
        random.nextBytes(key);
        links = ManageLinks.builder()
                .signingKey("demo-1", key)
                .clock(clock)
                .guardStore(JdbcLinkGuardStore.create(dataSource))
                .baseUrl(linkBaseUrl)
                .build();
        rules = BookingRules.builder()
                .repository(repository)
                .clock(clock)
                .policy(BookingPolicy.ofDefaults())
                .availability(WeeklyHours.in(ZONE).open(OPENS, CLOSES, DayOfWeek.values()).build())
                .manageLinks(links)
                .waitlist(WaitlistPolicy.DEFAULT)
                .build();                       // no notifier: the repository's outbox relay delivers
        relay = OutboxRelay.builder()
                .dataSource(dataSource)
                .clock(clock)
                .notifier(new Mailbox())
                .build();
        selfService = SelfService.builder()
                .rules(rules)
                .repository(repository)
                .links(links)
                .slotStep(Duration.ofMinutes(30))
                .build();

        Instant now = clock.instant();
        ZonedDateTime upcoming = LocalDate.ofInstant(now, ZONE).plusDays(3).atTime(10, 0).atZone(ZONE);
        upcomingId = book(CONSULTATION, upcoming.toInstant());
        soonId = book(FOLLOW_UP, firstOpenSlotAfter(now.plus(Duration.ofHours(3))));
    }

    /**
     * Creates the clinic on a new in-memory database and books the two appointments.
     *
     * @param clock the clock of the rules and links, not null
     * @param linkBaseUrl what goes before the token in the links of notifications, for example
     *     {@code http://127.0.0.1:8080/m/}; not null, may be empty
     * @return the clinic
     */
    public static DemoClinic open(Clock clock, String linkBaseUrl) {
        return new DemoClinic(Objects.requireNonNull(clock, "clock"), Objects.requireNonNull(linkBaseUrl, "linkBaseUrl"));
    }

    /** @return the facade */
    public BookingRules rules() {
        return rules;
    }

    /** @return the repository on H2 */
    public JdbcBookingRepository repository() {
        return repository;
    }

    /** @return the signed links */
    public ManageLinks links() {
        return links;
    }

    /** @return the self-service the page uses */
    public SelfService selfService() {
        return selfService;
    }

    /** @return the id of the booking three days ahead */
    public String upcomingId() {
        return upcomingId;
    }

    /** @return the id of the booking inside the cancellation notice */
    public String soonId() {
        return soonId;
    }

    /**
     * A booking as stored now.
     *
     * @param bookingId not null
     * @return the booking
     * @throws IllegalArgumentException if the clinic has no such booking
     */
    public Booking booking(String bookingId) {
        return repository.find(TENANT, bookingId)
                .orElseThrow(() -> new IllegalArgumentException("no booking " + bookingId));
    }

    /**
     * A booking's history, oldest first (R15).
     *
     * @param bookingId not null
     * @return the events
     */
    public List<BookingEvent> history(String bookingId) {
        return repository.history(TENANT, bookingId);
    }

    /**
     * A new manage token for a booking; {@link SelfServiceServer#manageUrl(String)} makes it a link.
     *
     * @param bookingId not null
     * @return the token
     */
    public String manageToken(String bookingId) {
        return links.issueManage(booking(bookingId));
    }

    /**
     * Puts a patient on the consultations' cancellation list for one day's opening hours, with any
     * professional, as the front desk does for a patient on the phone.
     *
     * @param customer the patient, not null
     * @param day the day, in the clinic's zone, not null
     * @return the entry
     * @throws IllegalStateException if the list refused (say, the patient already waits that day)
     */
    public WaitlistEntry joinWaitlist(CustomerDetails customer, LocalDate day) {
        Interval window = Interval.of(day.atTime(OPENS).atZone(ZONE).toInstant(),
                day.atTime(CLOSES).atZone(ZONE).toInstant());
        WaitlistOutcome outcome = rules.waitlist().join(FRONT_DESK,
                JoinRequest.anyResource(TENANT, customer, CONSULTATION, window, ZONE));
        if (!outcome.isDone()) {
            throw new IllegalStateException("not put on the list: " + outcome.refusal().reason());
        }
        return outcome.entry();
    }

    /**
     * Books a consultation with the doctor for a patient, made by the front desk.
     *
     * @param customer the patient, not null
     * @param start the start, not null
     * @return the booking's id
     */
    public String bookConsultation(CustomerDetails customer, Instant start) {
        return book(CONSULTATION, customer, start);
    }

    /**
     * Cancels a booking as its patient would online, with the cancellation list at work: the slot
     * it frees is offered to the waiting patients.
     *
     * @param bookingId not null
     * @return the booking as cancelled
     * @throws IllegalStateException if the rules refused the cancel
     */
    public Booking cancelAsCustomer(String bookingId) {
        Booking booking = booking(bookingId);
        Actor customer = Actor.customer(booking.customer().orElseThrow().id());
        return rules.cancel(customer, BookingRef.of(TENANT, bookingId), ChangeRequest.none())
                .orElseThrow().booking();
    }

    /**
     * Frees a slot for {@link #WAITING_PATIENT}: they join the cancellation list for the day three
     * days ahead (unless they wait for it already), {@link #PATIENT} books a consultation that day
     * at the hour given and cancels it, and the list offers the slot to the waiting patient. The
     * offer lasts {@link WaitlistPolicy#DEFAULT}'s window, one hour.
     *
     * @param hour the local hour of the slot, inside opening hours, not 10 (the upcoming booking)
     * @return the offer link's token, from the notice the waiting patient was sent
     * @throws IllegalStateException if no offer was sent
     */
    public String freeSlotForWaitingPatient(int hour) {
        LocalDate day = LocalDate.ofInstant(clock.instant(), ZONE).plusDays(3);
        boolean waiting = rules.waitlist().entriesOf(FRONT_DESK, TENANT, WAITING_PATIENT.id()).stream()
                .anyMatch(e -> e.status() == EntryStatus.WAITING);
        if (!waiting) {
            joinWaitlist(WAITING_PATIENT, day);
        }
        int before = notices(WaitlistNotice.Kind.OFFERED).size();
        String freed = bookConsultation(PATIENT, day.atTime(hour, 0).atZone(ZONE).toInstant());
        cancelAsCustomer(freed);
        List<WaitlistNotice> offered = notices(WaitlistNotice.Kind.OFFERED);
        if (offered.size() == before) {
            throw new IllegalStateException("the freed slot was not offered");
        }
        return offerToken(offered.get(offered.size() - 1));
    }

    /**
     * The token of an offer notice's link ({@code linkBaseUrl + token}); {@link SelfServiceServer#manageUrl}
     * makes it a link of the page again.
     *
     * @param notice an OFFERED notice, not null
     * @return the token
     * @throws IllegalArgumentException if the notice has no link
     */
    public String offerToken(WaitlistNotice notice) {
        String link = notice.link().orElseThrow(() -> new IllegalArgumentException("no link on " + notice));
        return link.substring(linkBaseUrl.length());
    }

    /**
     * Delivers what the outbox holds, then lists the cancellation-list notices of a kind delivered
     * so far.
     *
     * @param kind the kind, not null
     * @return the notices, oldest first
     */
    public List<WaitlistNotice> notices(WaitlistNotice.Kind kind) {
        Objects.requireNonNull(kind, "kind");
        drain();
        return notices.stream().filter(n -> n.kind() == kind).toList();
    }

    /**
     * Delivers what the outbox holds, then lists every notification delivered so far. A product
     * runs the relay on a schedule ({@link OutboxRelay#runEvery}); the demo drains it when asked,
     * so what it shows is always complete.
     *
     * @return the notifications delivered so far, oldest first
     */
    public List<Notification> notifications() {
        drain();
        return List.copyOf(notifications);
    }

    private void drain() {
        while (relay.deliverDue() > 0) {
            // Drained pass by pass; each pass commits what it delivered.
        }
    }

    /** Drops the in-memory database. */
    @Override
    public void close() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException e) {
            LOG.warn("could not shut the demo database down: SQLState {}", e.getSQLState());
        }
    }

    private String book(Service service, Instant start) {
        return book(service, PATIENT, start);
    }

    private String book(Service service, CustomerDetails customer, Instant start) {
        BookRequest request = BookRequest.of(TENANT, DOCTOR, service, customer, start, start.plus(APPOINTMENT), ZONE);
        return rules.book(FRONT_DESK, request).orElseThrow().booking().id();
    }

    /**
     * The relay's notifier: keeps notifications and the list's notices in memory, and logs them by
     * kind and ids only (never the customer, never the offer link, which holds a token).
     */
    private final class Mailbox implements BookingNotifier {

        @Override
        public void deliver(Notification notification) {
            notifications.add(notification);
            LOG.info("notification {} to {} about booking={}", notification.kind(), notification.recipient(),
                    notification.booking().id());
        }

        @Override
        public void deliver(WaitlistNotice notice) {
            notices.add(notice);
            LOG.info("notice {} about offer={}", notice.kind(), notice.offerId());
        }
    }

    /** The first quarter-hour at or after {@code earliest} where a whole appointment fits in opening hours. */
    private static Instant firstOpenSlotAfter(Instant earliest) {
        ZonedDateTime t = earliest.atZone(ZONE).truncatedTo(ChronoUnit.MINUTES);
        int past = t.getMinute() % 15;
        if (past != 0) {
            t = t.plusMinutes(15L - past);
        }
        if (t.toLocalTime().isBefore(OPENS)) {
            t = t.toLocalDate().atTime(OPENS).atZone(ZONE);
        }
        if (t.toLocalTime().plus(APPOINTMENT).isAfter(CLOSES) || t.toLocalTime().plus(APPOINTMENT).isBefore(OPENS)) {
            t = t.toLocalDate().plusDays(1).atTime(OPENS).atZone(ZONE);
        }
        return t.toInstant();
    }
}
