package org.bookingrules;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.bookingrules.internal.settings.Settings;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.policy.PolicyResolver;
import org.bookingrules.spi.Availability;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.spi.ManageLinkIssuer;
import org.bookingrules.spi.OutboxBookingRepository;
import org.bookingrules.waitlist.WaitlistNotice;
import org.bookingrules.waitlist.WaitlistPolicies;
import org.bookingrules.waitlist.WaitlistPolicy;
import org.bookingrules.waitlist.WaitlistStore;

/**
 * Builds {@link BookingRules}; get one from {@link BookingRules#builder()}. Only
 * {@link #repository} is required; every other setting has a default. A bad value fails at once,
 * naming the setting and the value. Not thread-safe; the built facade is.
 */
public final class BookingRulesBuilder {

    /**
     * Default time to live of an idempotency key: 24 hours, counted from the booking it produced.
     * A repeat within it answers with the first booking; after it the request is a new one.
     */
    public static final Duration DEFAULT_IDEMPOTENCY_KEY_TTL = Duration.ofHours(24);
    /** Longest allowed time to live of an idempotency key: 3650 days. */
    public static final Duration MAX_IDEMPOTENCY_KEY_TTL = Duration.ofDays(3650);

    private BookingRepository repository;
    private BookingNotifier notifier = BookingNotifier.NONE;
    private Availability availability = Availability.ALWAYS_OPEN;
    private PolicyResolver policies = PolicyResolver.of(BookingPolicy.ofDefaults());
    private Clock clock = Clock.systemUTC();
    private ManageLinkIssuer links = ManageLinkIssuer.NONE;
    private Supplier<String> ids = () -> UUID.randomUUID().toString();
    private Supplier<String> codes = new ConfirmationCodes();
    private Locale defaultLocale = Locale.ENGLISH;
    private int maxAttempts = BookingRules.DEFAULT_MAX_ATTEMPTS;
    private int notificationAttempts = BookingRules.DEFAULT_NOTIFICATION_ATTEMPTS;
    private Duration notificationTimeout = BookingRules.DEFAULT_NOTIFICATION_TIMEOUT;
    private Executor notificationExecutor;
    private int reminderBatch = BookingRules.DEFAULT_REMINDER_BATCH;
    private Duration idempotencyKeyTtl = DEFAULT_IDEMPOTENCY_KEY_TTL;
    private WaitlistPolicies waitlist = WaitlistPolicies.OFF;

    BookingRulesBuilder() {
    }

    /**
     * @param v where bookings are kept; required
     * @return this
     */
    public BookingRulesBuilder repository(BookingRepository v) {
        repository = Objects.requireNonNull(v, "repository");
        return this;
    }

    /**
     * Who delivers notifications, for a repository without an outbox (such as the in-memory
     * one): the facade hands each change's notifications over after the change is stored. A
     * repository with an outbox ({@link OutboxBookingRepository}) delivers through its relay only,
     * so {@link #build()} refuses a notifier with it. Default: none, notifications are only
     * stored.
     *
     * @param v the notifier, not null
     * @return this
     */
    public BookingRulesBuilder notifier(BookingNotifier v) {
        notifier = Objects.requireNonNull(v, "notifier");
        return this;
    }

    /**
     * @param v the product's opening hours; default always open
     * @return this
     */
    public BookingRulesBuilder availability(Availability v) {
        availability = Objects.requireNonNull(v, "availability");
        return this;
    }

    /**
     * @param v which policy applies; default {@link BookingPolicy#ofDefaults()} for all
     * @return this
     */
    public BookingRulesBuilder policies(PolicyResolver v) {
        policies = Objects.requireNonNull(v, "policies");
        return this;
    }

    /**
     * @param v one policy for every booking
     * @return this
     */
    public BookingRulesBuilder policy(BookingPolicy v) {
        return policies(PolicyResolver.of(v));
    }

    /**
     * @param v the clock every decision reads; default {@link Clock#systemUTC()}
     * @return this
     */
    public BookingRulesBuilder clock(Clock v) {
        clock = Objects.requireNonNull(v, "clock");
        return this;
    }

    /**
     * @param v issues manage links for customer notifications; default none
     * @return this
     */
    public BookingRulesBuilder manageLinks(ManageLinkIssuer v) {
        links = Objects.requireNonNull(v, "manageLinks");
        return this;
    }

    /**
     * @param v makes booking ids; default random UUIDs
     * @return this
     */
    public BookingRulesBuilder idGenerator(Supplier<String> v) {
        ids = Objects.requireNonNull(v, "idGenerator");
        return this;
    }

    /**
     * @param v makes confirmation codes; default {@link ConfirmationCodes}
     * @return this
     */
    public BookingRulesBuilder confirmationCodes(Supplier<String> v) {
        codes = Objects.requireNonNull(v, "confirmationCodes");
        return this;
    }

    /**
     * @param v language of resource notifications; default English
     * @return this
     */
    public BookingRulesBuilder defaultLocale(Locale v) {
        defaultLocale = Objects.requireNonNull(v, "defaultLocale");
        return this;
    }

    /**
     * @param v attempts per command when it loses a race, 1 to 100; default 5
     * @return this
     */
    public BookingRulesBuilder maxAttempts(int v) {
        maxAttempts = checkRange(v, 1, 100, "maxAttempts");
        return this;
    }

    /**
     * @param v delivery attempts per notification, 1 to 20; default 3
     * @return this
     */
    public BookingRulesBuilder notificationAttempts(int v) {
        notificationAttempts = checkRange(v, 1, 20, "notificationAttempts");
        return this;
    }

    /**
     * How long a command waits for the delivery of its notifications: they are delivered
     * concurrently, with all their attempts, within this one timeout. When it is up, a running
     * attempt is cancelled (its thread interrupted), the notification is given up (logged by id
     * and kind; the change stays stored, and so does the notification) and the command returns.
     * Default 10 seconds.
     *
     * @param v positive, at most {@link BookingRules#MAX_NOTIFICATION_TIMEOUT}, not null
     * @return this
     * @throws IllegalArgumentException if out of range, naming the setting and the value
     */
    public BookingRulesBuilder notificationTimeout(Duration v) {
        notificationTimeout = Settings.positiveAtMost("notificationTimeout", v, BookingRules.MAX_NOTIFICATION_TIMEOUT);
        return this;
    }

    /**
     * Where the notifier runs. Default: a pool the facade owns, of at most
     * {@value BookingRules#OWN_NOTIFICATION_THREADS} daemon threads that end when idle. The
     * caller keeps ownership of an executor given here (the facade never shuts it down). The
     * timeout can cut off a hanging notifier only if the executor runs tasks on other threads;
     * a direct executor ({@code Runnable::run}) runs the notifier on the command's thread, as
     * a plain call, with no timeout. A task the executor rejects counts as a failed attempt.
     *
     * @param v the executor, not null
     * @return this
     */
    public BookingRulesBuilder notificationExecutor(Executor v) {
        notificationExecutor = Objects.requireNonNull(v, "notificationExecutor");
        return this;
    }

    /**
     * @param v most reminders per sweep, 1 to 100000; default 1000
     * @return this
     */
    public BookingRulesBuilder reminderBatch(int v) {
        reminderBatch = checkRange(v, 1, 100_000, "reminderBatch");
        return this;
    }

    /**
     * How long an idempotency key answers repeats, counted from when the booking it produced was
     * made. Within it, a request repeated with the same key and content answers with the first
     * booking, and the same key with other content is refused
     * {@link org.bookingrules.rules.RefusalReason#IDEMPOTENCY_KEY_REUSED}. After it, the key is as
     * if never used: the same request is a <em>new</em> request (it books again, or is refused like
     * any new request), and the new booking's key replaces the expired one. Keys of a repository
     * that records no creation instant never expire. A retention job that deletes stored keys
     * must keep them at least this long. Default {@link #DEFAULT_IDEMPOTENCY_KEY_TTL} (24 hours).
     *
     * @param v positive, at most {@link #MAX_IDEMPOTENCY_KEY_TTL}, not null
     * @return this
     * @throws IllegalArgumentException if out of range, naming the setting and the value
     */
    public BookingRulesBuilder idempotencyKeyTtl(Duration v) {
        idempotencyKeyTtl = Settings.positiveAtMost("idempotencyKeyTtl", v, MAX_IDEMPOTENCY_KEY_TTL);
        return this;
    }

    /**
     * The cancellation list's policy of each service (default: off for every service). With any
     * service on, the repository must keep the list ({@link WaitlistStore}) and, unless it keeps an
     * outbox, the notifier must deliver its notices ({@link BookingNotifier#deliver(WaitlistNotice)}).
     *
     * @param v not null
     * @return this builder
     */
    public BookingRulesBuilder waitlist(WaitlistPolicies v) {
        this.waitlist = Objects.requireNonNull(v, "waitlist");
        return this;
    }

    /**
     * One cancellation-list policy for every service.
     *
     * @param v not null
     * @return this builder
     */
    public BookingRulesBuilder waitlist(WaitlistPolicy v) {
        return waitlist(WaitlistPolicies.of(v));
    }

    /**
     * Builds the facade.
     *
     * @return the facade
     * @throws NullPointerException if no repository was set
     * @throws IllegalStateException if a notifier was set together with an
     *     {@link OutboxBookingRepository}: its notifications leave through its relay only; or if a
     *     cancellation list is set on a repository that cannot keep one, or with a notifier that
     *     cannot deliver its notices
     */
    public BookingRules build() {
        Objects.requireNonNull(repository, "repository");
        if (waitlist != WaitlistPolicies.OFF) {
            if (!(repository instanceof WaitlistStore store) || !store.keepsWaitlist()) {
                throw new IllegalStateException("waitlist needs a repository that keeps a cancellation list ("
                        + "WaitlistStore); " + repository.getClass().getSimpleName() + " does not");
            }
            if (!(repository instanceof OutboxBookingRepository) && notifier != BookingNotifier.NONE
                    && !notifier.deliversNotices()) {
                throw new IllegalStateException("waitlist needs a notifier that delivers cancellation-list notices: "
                        + "override BookingNotifier.deliver(WaitlistNotice)");
            }
        }
        if (repository instanceof OutboxBookingRepository && notifier != BookingNotifier.NONE) {
            throw new IllegalStateException("notifier cannot be combined with repository "
                    + repository.getClass().getSimpleName() + ": it keeps an outbox, whose relay is the only "
                    + "delivery path for its notifications (after commit); give the notifier to the relay instead");
        }
        return new BookingRules(this);
    }

    // Read by the facade when it is built.
    WaitlistPolicies waitlist() {
        return waitlist;
    }

    BookingRepository repository() {
        return repository;
    }

    BookingNotifier notifier() {
        return notifier;
    }

    Availability availability() {
        return availability;
    }

    PolicyResolver policies() {
        return policies;
    }

    Clock clock() {
        return clock;
    }

    ManageLinkIssuer links() {
        return links;
    }

    Supplier<String> ids() {
        return ids;
    }

    Supplier<String> codes() {
        return codes;
    }

    Locale defaultLocale() {
        return defaultLocale;
    }

    int maxAttempts() {
        return maxAttempts;
    }

    int notificationAttempts() {
        return notificationAttempts;
    }

    Duration notificationTimeout() {
        return notificationTimeout;
    }

    Executor notificationExecutor() {
        return notificationExecutor;
    }

    int reminderBatch() {
        return reminderBatch;
    }

    Duration idempotencyKeyTtl() {
        return idempotencyKeyTtl;
    }

    private static int checkRange(int value, int min, int max, String field) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be " + min + " to " + max + ", was " + value);
        }
        return value;
    }
}
