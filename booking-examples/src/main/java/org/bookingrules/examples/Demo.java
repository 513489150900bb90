package org.bookingrules.examples;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.ConfirmationCodes;
import org.bookingrules.NotificationChoice;
import org.bookingrules.Outcome;
import org.bookingrules.Permissions;
import org.bookingrules.RescheduleRequest;
import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.jdbc.JdbcLinkGuardStore;
import org.bookingrules.jdbc.JdbcSchema;
import org.bookingrules.jdbc.OutboxRelay;
import org.bookingrules.links.Grant;
import org.bookingrules.links.IdentityCheck;
import org.bookingrules.links.LinkResult;
import org.bookingrules.links.ManageLinks;
import org.bookingrules.links.ManageView;
import org.bookingrules.links.OfferPage;
import org.bookingrules.links.SelfService;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.policy.PolicyTable;
import org.bookingrules.rules.Refusal;
import org.bookingrules.waitlist.HeldSlot;
import org.bookingrules.waitlist.JoinRequest;
import org.bookingrules.waitlist.WaitlistEntry;
import org.bookingrules.waitlist.WaitlistNotice;
import org.bookingrules.waitlist.WaitlistPolicy;
import org.h2.jdbcx.JdbcDataSource;
import org.threeten.extra.Interval;
import org.threeten.extra.MutableClock;

/**
 * The demo a new user runs first: one week of a small clinic, Clínica Sol, on embedded H2, printed
 * as a timeline of the scenarios of the rules (R1 to R15): a booking inside the reminder window
 * confirmed at once, a reminder sent, a late decline from the reminder's link, a late customer
 * cancel refused (in English and Spanish), the same cancel by staff with a personal message, a
 * staff reschedule reviving the cancelled booking, and that booking's full history; then the
 * cancellation list: a cancel frees a slot, which is held and offered to a waiting customer with a
 * deadline, and her acceptance books it.
 *
 * <p>Run it from the project's root with:
 * <pre>
 * mvn -B -q -pl booking-examples -am test-compile exec:java
 * </pre>
 *
 * <p>Everything is real except time: the bookings are stored by {@link JdbcBookingRepository} in an
 * in-memory H2 database created by {@link JdbcSchema}; notifications go through the outbox and are
 * delivered by {@link OutboxRelay} to a console "mailer" that prints them and writes them as
 * {@code .eml} files under the module's build folder ({@code target/demo-mail}, or the folder named
 * by the system property {@code demo.mailDir}); a ThreeTen-Extra {@link MutableClock} is moved
 * forward by the demo, and the scheduler's work ({@link BookingRules#sendDueReminders()}, then the
 * relay) runs at every step. Every line starts with the simulated local time in Madrid.
 *
 * <p>All people, phones and addresses are fictional. Not thread-safe: one run per instance.
 */
public final class Demo {

    static final String TENANT = "clinica-sol";
    static final ZoneId ZONE = ZoneId.of("Europe/Madrid");
    /** Monday 2 March 2026, 09:00 in Madrid. */
    static final Instant START = Instant.parse("2026-03-02T08:00:00Z");

    static final Resource DR_RUIZ = new Resource("dr-ruiz", "Dr. Ruiz", "+34 910 000 000");
    static final Service CHECKUP = new Service("checkup", "Dental check-up");
    static final Service CONSULTATION = new Service("consultation", "Consultation");
    static final CustomerDetails ANA = new CustomerDetails("ana", "Ana Pérez", "ana@example.org", "+34 600 000 001",
            Locale.forLanguageTag("es"));
    static final CustomerDetails TOM = new CustomerDetails("tom", "Tom Baker", "tom@example.com", null,
            Locale.ENGLISH);
    static final Actor.Staff MARIA = Actor.staff("maria");
    static final Actor.Staff RUIZ_ACTS = Actor.staff("dr-ruiz");

    /** Check-ups are reminded a day ahead (R5); customers may cancel up to 12 h before, reschedule twice (R9). */
    static final BookingPolicy CHECKUP_POLICY = BookingPolicy.builder()
            .reminderLead(Duration.ofHours(24))
            .cancellationNotice(Duration.ofHours(12))
            .rescheduleNotice(Duration.ofHours(12))
            .maxCustomerReschedules(2)
            .build();
    /** Every other service: the same, with the default reminder lead of 6 h. */
    static final BookingPolicy CLINIC_POLICY = CHECKUP_POLICY.toBuilder()
            .reminderLead(BookingPolicy.DEFAULT_REMINDER_LEAD)
            .build();

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("EEE dd MMM HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
    private static final byte[] DEMO_KEY = "demo-signing-key-not-a-secret-32b".getBytes(StandardCharsets.UTF_8);

    private final PrintStream out;
    private final MutableClock clock = MutableClock.of(START, ZONE);
    private final ConsoleMailer mailer;
    private final JdbcBookingRepository repository;
    private final BookingRules rules;
    private final OutboxRelay relay;
    private final SelfService selfService;

    private Demo(DataSource dataSource, PrintStream out, Path mailDir) {
        this.out = out;
        this.mailer = new ConsoleMailer(ZONE, mailDir);
        JdbcSchema.create(dataSource);
        this.repository = JdbcBookingRepository.create(dataSource);
        ManageLinks links = ManageLinks.builder()
                .signingKey("demo", DEMO_KEY)
                .clock(clock)
                .baseUrl("https://clinica-sol.example/manage#")
                .guardStore(JdbcLinkGuardStore.create(dataSource))
                .build();
        AtomicInteger ids = new AtomicInteger();
        this.rules = BookingRules.builder()
                .repository(repository)                      // no notifier: the outbox relay delivers
                .policies(PolicyTable.builder()
                        .service(TENANT, CHECKUP.id(), CHECKUP_POLICY)
                        .tenant(TENANT, CLINIC_POLICY)
                        .build())
                .clock(clock)
                .manageLinks(links)
                .idGenerator(() -> String.format(Locale.ROOT, "bk-%d", ids.incrementAndGet()))
                .confirmationCodes(repeatableCodes())
                .waitlist(WaitlistPolicy.DEFAULT)            // offers last 1 h; slots 2 h or more ahead
                .build();
        this.relay = OutboxRelay.builder().dataSource(dataSource).notifier(mailer).clock(clock).build();
        this.selfService = SelfService.builder()
                .rules(rules)
                .repository(repository)
                .links(links)
                .identityCheck(IdentityCheck.email())
                .build();
    }

    /**
     * Runs the demo on a fresh in-memory H2 database and prints its timeline.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        // UTF-8 whatever the platform's default, so "Clínica" and the Spanish texts print as they are.
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:demo-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try {
            new Demo(dataSource, out, mailDirectory()).run();
        } finally {
            shutdown(dataSource);
        }
        out.flush();
    }

    // ------------------------------------------------------------------------------------ story

    private void run() {
        mailer.clearMailDir();
        out.println("Booking Rules demo: Clínica Sol and Dr. Ruiz (contact " + DR_RUIZ.contact() + "), on embedded H2");
        out.println("Policy: a Dental check-up is reminded 24 h before, anything else 6 h before (R5);");
        out.println("        customers may cancel until 12 h before and reschedule twice (R9); staff are not bound (R12).");
        out.println("Times are Europe/Madrid, on a simulated clock. Notifications are printed as the outbox relay");
        out.println("delivers them" + (mailer.mailDir() == null ? "." : " and written as .eml files to " + mailer.mailDir()));

        header("1. R1 R6: a booking inside the reminder window is confirmed at once");
        at("2026-03-02T09:00");
        Instant tuesday = local("2026-03-03T08:30");
        line("Ana Pérez books a " + CHECKUP.name() + " with Dr. Ruiz for " + stamp(tuesday) + ", "
                + span(Duration.between(clock.instant(), tuesday)) + " from now");
        Booking first = book(ANA, CHECKUP, tuesday);
        line("-> " + first.status() + " by " + first.confirmedBy().map(Actor::id).orElse("-")
                + ": it starts within the 24 h reminder window, so no reminder is armed (code "
                + first.confirmationCode() + ")");
        deliver();

        header("2. R1 R5: bookings three days ahead stay PENDING; the reminder goes out before them");
        at("2026-03-02T09:05");
        Instant thursdayTen = local("2026-03-05T10:00");
        line("Ana Pérez books a " + CHECKUP.name() + " for " + stamp(thursdayTen));
        Booking anas = book(ANA, CHECKUP, thursdayTen);
        Permissions anaMay = rules.permissions(Actor.customer(ANA.id()), ref(anas));
        line("-> " + anas.status() + ", reminder armed for " + stamp(anas.reminder().dueAt()) + "; Ana may cancel until "
                + anaMay.cancelUntil().map(this::stamp).orElse("-") + ", " + anaMay.reschedulesLeft().orElse(0)
                + " of " + CHECKUP_POLICY.maxCustomerReschedules() + " reschedules left (R9)");
        deliver();
        at("2026-03-02T09:10");
        Instant thursdayEleven = local("2026-03-05T11:00");
        line("Tom Baker books a " + CONSULTATION.name() + " for " + stamp(thursdayEleven));
        Booking toms = book(TOM, CONSULTATION, thursdayEleven);
        line("-> " + toms.status() + ", reminder armed for " + stamp(toms.reminder().dueAt())
                + " (6 h lead); Tom may cancel until " + stamp(thursdayEleven.minus(Duration.ofHours(12))));
        deliver();
        at("2026-03-04T10:00");

        header("3. R7 R8 R13: Ana declines from the reminder's link, inside the notice: DECLINED (late)");
        at("2026-03-04T22:30");
        String token = tokenOf(mailer.lastLink(anas.id()).orElseThrow());
        ManageView view = selfService.open(token).orElseThrow();
        line("Ana opens the link in her reminder: " + view.serviceName() + " with " + view.resourceName() + ", "
                + STAMP.format(view.start()) + ", " + view.status() + "; cancel online: "
                + (view.permissions().canCancel() ? "allowed" : "no longer") + ", decline: "
                + (view.permissions().canDecline() ? "allowed" : "no"));
        LinkResult<Grant> typo = selfService.verifyIdentity(token, "ana@example.com");
        if (typo instanceof LinkResult.Denied<Grant> denied) {
            line("Identity check (R8): she types ana@example.com -> " + denied.denial() + ": "
                    + denied.message(ANA.language()) + " (" + denied.attempts().orElse(0) + " attempts left)");
        }
        Grant grant = selfService.verifyIdentity(token, " Ana@Example.org ").orElseThrow();
        line("Identity check (R8): she types Ana@Example.org -> passed");
        Outcome.Done declined = selfService.decline(grant.token(), "Me ha surgido un viaje").orElseThrow()
                .orElseThrow();
        BookingEvent.Declined decline = (BookingEvent.Declined) declined.events().get(0);
        line("-> " + declined.booking().status() + (decline.late() ? " (late)" : "")
                + ": a cancel would be refused now, a decline from the reminder is always allowed (R7, R13)");
        deliver();

        header("4. R5 R9: Tom's reminder arrives; cancelling online is too late now: refused");
        at("2026-03-05T05:00");
        at("2026-03-05T07:45");
        line("Tom tries to cancel his " + CONSULTATION.name() + " of " + stamp(toms.start()) + " online, "
                + span(Duration.between(clock.instant(), toms.start())) + " before it");
        Outcome tooLate = rules.cancel(Actor.customer(TOM.id()), ref(toms), ChangeRequest.because("I have the flu"));
        Refusal refusal = tooLate.asRefusal().orElseThrow();
        line("-> Refused: " + refusal.reason() + " (possible until " + Optional.ofNullable(refusal.allowedUntil()).map(this::stamp).orElse("-")
                + ", contact " + Objects.requireNonNullElse(refusal.contact(), "-") + "); nothing written, nobody notified");
        line("   en: " + refusal.message(Locale.ENGLISH));
        line("   es: " + refusal.message(Locale.forLanguageTag("es")));
        deliver();

        header("5. R12 R14: the front desk cancels it for him, with a personal message");
        at("2026-03-05T08:05");
        line("Tom phones. María at the front desk cancels the booking as staff and writes him a message");
        Outcome.Done byStaff = rules.cancel(MARIA, ref(toms), ChangeRequest.because("Patient phoned: flu")
                .notifying(NotificationChoice.customerOnly()
                        .withMessage("Get well soon, Tom. Call us when you feel better and we will find a new time.")))
                .orElseThrow();
        line("-> Cancelled by staff (" + MARIA.id() + "): " + byStaff.booking().status()
                + "; the 12 h notice binds customers only (R12). Notified: " + byStaff.notifications().stream()
                .map(n -> n.recipient().name()).toList() + ", Dr. Ruiz not, by María's choice (R14)");
        deliver();

        header("6. R3: a staff reschedule revives the cancelled booking");
        at("2026-03-05T08:20");
        Instant fridayEleven = local("2026-03-06T11:00");
        line("Tom calls back; María moves his cancelled booking to " + stamp(fridayEleven));
        Outcome.Done revived = rules.reschedule(MARIA, ref(toms),
                RescheduleRequest.to(fridayEleven, fridayEleven.plus(Duration.ofMinutes(30)))
                        .with(ChangeRequest.because("Patient asked for Friday"))).orElseThrow();
        line("-> Revived: " + revived.booking().status() + " (was " + revived.events().get(0).from()
                + "), back on Dr. Ruiz's calendar; reminder armed for " + stamp(revived.booking().reminder().dueAt()));
        deliver();
        for (Booking b : repository.calendar(TENANT, DR_RUIZ.id(),
                Interval.of(local("2026-03-06T00:00"), local("2026-03-07T00:00")))) {
            line("   Dr. Ruiz, Fri 06 Mar: " + HOUR.format(b.start().atZone(ZONE)) + "-" + HOUR.format(b.end().atZone(ZONE))
                    + " " + b.service().name() + ", " + b.customer().map(CustomerDetails::name).orElse("-")
                    + " (" + b.status() + ")");
        }
        at("2026-03-06T05:00");
        at("2026-03-06T07:30");
        String tomsToken = tokenOf(mailer.lastLink(toms.id()).orElseThrow());
        Grant tomsGrant = selfService.verifyIdentity(tomsToken, TOM.email()).orElseThrow();
        Outcome.Done confirmed = selfService.confirm(tomsGrant.token()).orElseThrow().orElseThrow();
        line("Tom answers his reminder: he will come -> " + confirmed.booking().status() + " by customer (R7)");
        deliver();
        at("2026-03-06T11:35");
        Outcome.Done completed = rules.complete(RUIZ_ACTS, ref(toms), ChangeRequest.none()
                .notifying(NotificationChoice.nobody())).orElseThrow();
        line("Dr. Ruiz records the visit -> " + completed.booking().status() + " (FHIR Appointment.status: "
                + completed.booking().status().fhirAppointmentStatus() + "), nobody notified");
        deliver();

        header("7. R2 R15: the full history of Tom's booking " + toms.id() + " (" + toms.confirmationCode() + ")");
        for (BookingEvent event : rules.history(MARIA, ref(toms))) {
            out.println(history(event));
        }

        cancellationList();

        out.println();
        out.println("Done: " + mailer.written() + " notifications written"
                + (mailer.mailDir() == null ? "." : " to " + mailer.mailDir()));
    }

    /** Section 8: a cancel frees a slot; it is held and offered to the customer waiting for it, who accepts. */
    private void cancellationList() {
        header("8. The cancellation list: a cancel frees a slot, offered to a waiting customer, who accepts it");
        at("2026-03-06T12:00");
        Instant mondayTen = local("2026-03-09T10:00");
        line("Tom Baker books a " + CONSULTATION.name() + " for " + stamp(mondayTen));
        Booking tomsMonday = book(TOM, CONSULTATION, mondayTen);
        deliver();
        at("2026-03-06T12:05");
        Interval monday = Interval.of(local("2026-03-09T08:00"), local("2026-03-09T20:00"));
        WaitlistEntry entry = rules.waitlist().join(Actor.customer(ANA.id()),
                JoinRequest.anyResource(TENANT, ANA, CONSULTATION, monday, ZONE)).entry();
        line("Ana Pérez would like a " + CONSULTATION.name() + " on Mon 09 Mar, any time: she joins the cancellation "
                + "list -> " + entry.status());

        at("2026-03-06T16:00");
        line("Tom cancels his " + CONSULTATION.name() + " of " + stamp(mondayTen) + " online");
        Outcome.Done tomCancels = rules.cancel(Actor.customer(TOM.id()), ref(tomsMonday),
                ChangeRequest.because("Plans changed")).orElseThrow();
        HeldSlot held = rules.waitlist().holds(MARIA, TENANT, DR_RUIZ.id(), Interval.of(mondayTen,
                mondayTen.plus(Duration.ofMinutes(30)))).get(0);
        line("-> " + tomCancels.booking().status() + "; the freed slot " + slot(held.hold().slot())
                + " is held and offered to Ana Pérez, first on the list: accept by "
                + stamp(held.offers().get(0).deadline()));
        deliver();
        Outcome heldOff = rules.book(MARIA, BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, TOM, mondayTen,
                mondayTen.plus(Duration.ofMinutes(30)), ZONE));
        line("Tom changes his mind and phones; María tries to book the slot back for him -> Refused: "
                + heldOff.refusalReason().map(Enum::name).orElse("(booked)") + ": it is held while the offer is open");

        at("2026-03-06T16:20");
        WaitlistNotice offered = mailer.lastOffer(ANA.id()).orElseThrow();
        String offerToken = tokenOf(offered.link().orElseThrow());
        OfferPage offer = selfService.openOffer(offerToken).orElseThrow();
        line("Ana opens the offer link (no identity check: the offer shows nothing personal): " + offer.serviceName()
                + " with " + offer.resourceName() + ", " + STAMP.format(offer.start()) + ", " + offer.status()
                + " until " + STAMP.format(offer.deadline()));
        Outcome.Done accepted = selfService.acceptOffer(offerToken).orElseThrow().orElseThrow();
        line("She accepts -> BOOKED for " + accepted.booking().customer().map(CustomerDetails::name).orElse("-") + ": "
                + slot(Interval.of(accepted.booking().start(), accepted.booking().end())) + ", "
                + accepted.booking().status() + "; her place on the list is done: "
                + rules.waitlist().entry(MARIA, TENANT, entry.id()).map(e -> e.status().name()).orElse("-"));
        deliver();
    }

    // ---------------------------------------------------------------------------------- actions

    private Booking book(CustomerDetails customer, Service service, Instant start) {
        return rules.book(Actor.customer(customer.id()), BookRequest.of(TENANT, DR_RUIZ, service, customer, start,
                start.plus(Duration.ofMinutes(30)), ZONE)).orElseThrow().booking();
    }

    /**
     * Moves the clock, then does what the product's scheduler does every minute: sends the reminders
     * that are due (R5), ends the cancellation list's rounds whose deadline passed, and lets the
     * relay deliver the outbox.
     */
    private void at(String localDateTime) {
        clock.setInstant(local(localDateTime));
        rules.waitlist().endRounds();
        for (Outcome.Done reminded : rules.sendDueReminders()) {
            Booking b = reminded.booking();
            line("Scheduler: Reminder sent to " + b.customer().map(CustomerDetails::name).orElse("-") + " for "
                    + b.service().name() + " of " + stamp(b.start()) + ", due " + stamp(b.reminder().dueAt()) + " (R5)");
        }
        deliver();
    }

    private void deliver() {
        while (relay.deliverDue() > 0) {
            // Drain: a pass delivers at most one batch.
        }
        mailer.printDelivered(out, prefix(), clock.instant());
    }

    // --------------------------------------------------------------------------------- printing

    private String history(BookingEvent event) {
        String who = event.actor() instanceof Actor.Customer ? "customer:" + event.actor().id()
                : event.actor() instanceof Actor.Staff ? "staff:" + event.actor().id() : "system";
        String change = (event.from() == null ? "-" : event.from().name()) + " -> " + event.to();
        String details;
        if (event instanceof BookingEvent.Booked e) {
            details = "slot " + slot(e.slot()) + " with " + e.resourceId();
        } else if (event instanceof BookingEvent.AutoConfirmed e) {
            details = "inside the " + span(e.reminderLead()) + " reminder window";
        } else if (event instanceof BookingEvent.Declined e) {
            details = reason(e.reason()) + "; late: " + (e.late() ? "yes" : "no");
        } else if (event instanceof BookingEvent.Cancelled e) {
            details = reason(e.reason()) + (e.personalMessage() == null ? "" : "; message \"" + e.personalMessage() + "\"")
                    + "; late: " + (e.late() ? "yes" : "no") + (e.lateFee() == null ? "" : "; fee " + e.lateFee());
        } else if (event instanceof BookingEvent.Rescheduled e) {
            details = slot(e.oldSlot()) + " => " + slot(e.newSlot()) + "; " + reason(e.reason());
        } else if (event instanceof BookingEvent.ReminderSent e) {
            details = "due " + stamp(e.dueAt());
        } else if (event instanceof BookingEvent.ConfirmationRevoked e) {
            details = reason(e.reason());
        } else if (event instanceof BookingEvent.MarkedNoShow e) {
            details = reason(e.reason());
        } else {
            details = "";
        }
        return String.format(Locale.ROOT, "  %s  %-15s %-14s %-22s %s", stamp(event.at()), who, event.kind(), change,
                details).stripTrailing();
    }

    private static String reason(String reason) {
        return reason == null ? "no reason given" : "reason \"" + reason + "\"";
    }

    private String slot(Interval slot) {
        return stamp(slot.getStart()) + "-" + HOUR.format(slot.getEnd().atZone(ZONE));
    }

    private void header(String title) {
        out.println();
        out.println("== " + title + " ==");
    }

    private void line(String text) {
        out.println(prefix() + " " + text);
    }

    private String prefix() {
        return "[" + stamp(clock.instant()) + "]";
    }

    private String stamp(Instant instant) {
        return STAMP.format(instant.atZone(ZONE));
    }

    private static Instant local(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(ZONE).toInstant();
    }

    private static String span(Duration d) {
        long hours = d.toHours();
        long minutes = d.toMinutesPart();
        return minutes == 0 ? hours + " h" : hours + " h " + minutes + " min";
    }

    private static BookingRef ref(Booking booking) {
        return BookingRef.of(booking.tenantId(), booking.id());
    }

    private static String tokenOf(String link) {
        return link.substring(link.indexOf('#') + 1);
    }

    // ----------------------------------------------------------------------------------- set-up

    /**
     * Confirmation codes drawn from a fixed seed, so every run prints the same timeline. A product
     * keeps the default, {@link ConfirmationCodes}, which draws from a {@code SecureRandom}.
     */
    private static Supplier<String> repeatableCodes() {
        Random random = new Random(2026);
        return () -> {
            char[] code = new char[ConfirmationCodes.LENGTH];
            for (int i = 0; i < code.length; i++) {
                code[i] = ConfirmationCodes.ALPHABET.charAt(random.nextInt(ConfirmationCodes.ALPHABET.length()));
            }
            return new String(code);
        };
    }

    /**
     * Where the {@code .eml} files go: the system property {@code demo.mailDir}, else
     * {@code demo-mail} in the build folder the demo's classes were compiled into.
     */
    static Path mailDirectory() {
        String configured = System.getProperty("demo.mailDir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        try {
            Path classes = Path.of(Demo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(classes) && classes.getParent() != null) {
                return classes.getParent().resolve("demo-mail");
            }
        } catch (URISyntaxException | RuntimeException e) {
            // No file system location for the classes (a jar in a jar, a restricted class loader): fall back.
        }
        return Path.of("target", "demo-mail").toAbsolutePath();
    }

    private static void shutdown(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException e) {
            throw new IllegalStateException("could not close the demo database: SQLState " + e.getSQLState(), e);
        }
    }
}
