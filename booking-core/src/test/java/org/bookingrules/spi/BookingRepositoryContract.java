package org.bookingrules.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Money;
import org.bookingrules.model.PaymentStatus;
import org.bookingrules.model.ReminderState;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.bookingrules.model.Transition;
import org.bookingrules.testing.Race;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.threeten.extra.Interval;

/**
 * The contract every {@link BookingRepository} must keep, run against each adapter (STYLE 11): the
 * in-memory reference, H2, PostgreSQL and MariaDB, the EHR example's adapter, and yours. It is
 * shipped in booking-core's test jar with the tools that go with it: {@link Race}, the start-gate
 * harness of its concurrency cases; {@link org.bookingrules.testing.DelegatingRepository}, the base
 * of decorators that observe, delay or fail some calls; {@link org.bookingrules.testing.Fixture}, a
 * ready-made facade world; {@link org.bookingrules.testing.RecordingNotifier}.
 *
 * <p><b>Running it on your repository.</b> Add booking-core's test jar to your build
 * ({@code <type>test-jar</type>}, test scope), with JUnit Jupiter (the {@code junit-jupiter}
 * aggregate: the contract uses parameterized tests) and AssertJ, which the test jar does not bring.
 * Subclass the contract in your test sources and implement {@link #newRepository()}:
 * <pre>{@code
 * class MyRepositoryContractTest extends BookingRepositoryContract {
 *     private MyTestDatabase database;
 *
 *     @Override
 *     protected BookingRepository newRepository() {
 *         database = MyTestDatabase.empty();        // a fresh schema, or emptied tables
 *         return new MyRepository(database.dataSource());
 *     }
 *
 *     @AfterEach
 *     void closeDatabase() {
 *         database.close();
 *     }
 * }
 * }</pre>
 * Every test of the contract then runs on your adapter in your build, and a subclass adds the
 * adapter's own tests with the fixtures and helpers below ({@link #spec}, {@link #insert},
 * {@link #update}, {@link #repository()}). What the contract needs of you:
 * <ul>
 *   <li>{@link #newRepository()} is called before every test and must return an <em>empty</em>
 *       repository: {@link BookingRepository#dueReminders} spans every tenant, so leftovers of
 *       another test would show up in its answer. Release what it opened in an {@code @AfterEach}
 *       of your own.</li>
 *   <li>The repository must be thread-safe. The concurrency cases let {@link #raceThreads()}
 *       writers go at once ({@link Race}) at one slot, at overlapping slots, and at one version of
 *       one booking, in {@value #RACE_ROUNDS} rounds each, and check that exactly the writes the
 *       SPI allows are SAVED. Over a connection pool, give it at least that many connections, or the
 *       writers queue at the pool and the cases prove less. An adapter that checks the slot, or the
 *       version, and then writes without holding a lock in between fails them: see
 *       {@code RepositoryRaceNegativeControlTest}, which runs them on such a repository.</li>
 *   <li>Every instant in these fixtures has microsecond precision on purpose: it is the finest that
 *       SQL timestamp types keep, and an adapter must return exactly what it was given.</li>
 *   <li>The fixtures use tenants {@value #TENANT_A} and {@value #TENANT_B}, resources
 *       {@code dr-ruiz} and {@code dr-soto}, booking ids {@code booking-<n>} and codes
 *       {@code BK<nnnn>}; a repository over tables shared with other data should keep those apart.</li>
 * </ul>
 *
 * <p>Not thread-safe itself: JUnit makes one instance per test; only the repository is shared by the
 * racing threads of a concurrency case.
 */
public abstract class BookingRepositoryContract {

    protected static final String TENANT_A = "tenant-a";
    protected static final String TENANT_B = "tenant-b";
    protected static final Resource RUIZ = new Resource("dr-ruiz", "Dr. Ruiz", "+34 910 000 000");
    protected static final Resource SOTO = new Resource("dr-soto", "Dr. Soto", null);
    protected static final Service CONSULTATION = new Service("consultation", "Consultation");
    protected static final CustomerDetails ANA = new CustomerDetails("cust-ana", "Ana Pérez Núñez",
            "ana@example.org", "+34 600 000 001", Locale.forLanguageTag("es-MX"));
    protected static final CustomerDetails BOB = new CustomerDetails("cust-bob", null, null, "+44 20 0000 0000",
            Locale.ENGLISH);
    protected static final Actor.Customer ANA_ACTS = Actor.customer("cust-ana");
    protected static final Actor.Staff STAFF = Actor.staff("staff-maria");
    /** Not UTC, so an adapter that stores local times instead of instants is caught. */
    protected static final ZoneId ZONE = ZoneId.of("America/Sao_Paulo");
    /** When the fixture bookings were made. */
    protected static final Instant BOOKED_AT = Instant.parse("2026-03-02T09:00:00.123456Z");
    /** Midnight UTC of the day the fixture slots are on. */
    protected static final Instant DAY = Instant.parse("2026-03-10T00:00:00Z");
    /** When the fixture changes happen. */
    protected static final Instant CHANGED_AT = Instant.parse("2026-03-03T10:15:30.654321Z");
    /** Writers let go at once in each round of a concurrency case, unless {@link #raceThreads()} says otherwise. */
    public static final int RACE_THREADS = 8;
    /** Rounds of each concurrency case, each on slots of its own: a missing lock shows in one at least. */
    public static final int RACE_ROUNDS = 5;

    private BookingRepository repository;
    private int sequence;

    /**
     * A new, empty repository of the adapter under test.
     *
     * @return the repository
     */
    protected abstract BookingRepository newRepository();

    @BeforeEach
    public void createRepository() {
        repository = newRepository();
        sequence = 0;
    }

    /** @return the repository of the running test */
    protected final BookingRepository repository() {
        return repository;
    }

    /**
     * How many writers race in each round of the concurrency cases. An adapter over a store that
     * cannot take that many writers at once may return fewer, 2 at least.
     *
     * @return {@link #RACE_THREADS}
     */
    protected int raceThreads() {
        return RACE_THREADS;
    }

    // --- helpers ---

    /** A slot on {@link #DAY} between two hours of the day (UTC). */
    protected static Interval hours(int from, int to) {
        return Interval.of(DAY.plus(Duration.ofHours(from)), DAY.plus(Duration.ofHours(to)));
    }

    protected static Interval slot(String start, String end) {
        return Interval.of(Instant.parse(start), Instant.parse(end));
    }

    /** The n-th change instant, microseconds apart from the others. */
    protected static Instant changedAt(int n) {
        return CHANGED_AT.plusSeconds(60L * n).plusNanos(1000L * n);
    }

    /** A new booking's spec of Ana, with a fresh id and confirmation code. */
    protected Booking.Builder spec(String tenantId, Resource resource, Interval slot) {
        sequence++;
        return Booking.builder()
                .tenantId(tenantId)
                .id("booking-" + sequence)
                .confirmationCode(String.format("BK%04d", sequence))
                .resource(resource)
                .service(CONSULTATION)
                .customer(ANA)
                .slot(slot)
                .zone(ZONE);
    }

    protected static Notification notification(Booking booking, NotificationKind kind, RecipientRole role) {
        return new Notification(Notification.stableId(booking, kind, role), kind, role, booking, null, null,
                Locale.ENGLISH);
    }

    /** The insert of a new booking made from a spec, with its Booked event and two notifications. */
    protected static BookingChange insertOf(Booking.Builder spec, SlotClaim claim) {
        Transition booked = Booking.book(spec, ANA_ACTS, BOOKED_AT);
        Booking booking = booked.booking();
        return new BookingChange(booking, 0, claim, List.of(booked.event()), List.of(
                notification(booking, NotificationKind.BOOKED, RecipientRole.CUSTOMER),
                notification(booking, NotificationKind.BOOKED, RecipientRole.RESOURCE)));
    }

    /** Inserts a new booking claiming its slot, and checks that it was saved. */
    protected Booking insert(Booking.Builder spec) {
        BookingChange change = insertOf(spec, SlotClaim.EXCLUSIVE);
        assertThat(repository.insert(change)).as("insert of %s", change.booking().id()).isEqualTo(SaveResult.SAVED);
        return change.booking();
    }

    /** One change of a stored booking: one or more transitions in a row, written together. */
    protected static BookingChange changeOf(Booking before, SlotClaim claim, Transition... steps) {
        List<BookingEvent> events = new ArrayList<>();
        for (Transition step : steps) {
            events.add(step.event());
        }
        Booking after = steps[steps.length - 1].booking();
        return new BookingChange(after, before.version(), claim, events,
                List.of(notification(after, NotificationKind.CONFIRMED, RecipientRole.RESOURCE)));
    }

    protected SaveResult tryUpdate(Booking before, SlotClaim claim, Transition... steps) {
        return repository.update(changeOf(before, claim, steps));
    }

    /** Applies a change and checks that it was saved. */
    protected Booking update(Booking before, SlotClaim claim, Transition... steps) {
        BookingChange change = changeOf(before, claim, steps);
        assertThat(repository.update(change)).as("update of %s", before.id()).isEqualTo(SaveResult.SAVED);
        return change.booking();
    }

    protected Booking cancel(Booking booking) {
        return update(booking, SlotClaim.NONE, booking.cancel(STAFF, changedAt(9), null, null, false, null));
    }

    // --- find, insert ---

    @Test
    @DisplayName("R1 an inserted booking is found by id and by confirmation code, equal in every field")
    public void insertedBookingIsFound() {
        Booking booking = insert(spec(TENANT_A, RUIZ, hours(10, 11)));

        assertThat(repository.find(TENANT_A, booking.id())).contains(booking);
        assertThat(repository.findByConfirmationCode(TENANT_A, booking.confirmationCode())).contains(booking);
    }

    @Test
    @DisplayName("an unknown id or code is not found")
    public void unknownIsNotFound() {
        insert(spec(TENANT_A, RUIZ, hours(10, 11)));

        assertThat(repository.find(TENANT_A, "no-such-booking")).isEmpty();
        assertThat(repository.findByConfirmationCode(TENANT_A, "ZZZZ9999")).isEmpty();
    }

    @Test
    @DisplayName("R1/R15 the first history event is the Booked one, as inserted")
    public void insertRecordsTheFirstEvent() {
        BookingChange change = insertOf(spec(TENANT_A, RUIZ, hours(10, 11)), SlotClaim.EXCLUSIVE);

        assertThat(repository.insert(change)).isEqualTo(SaveResult.SAVED);

        assertThat(repository.history(TENANT_A, change.booking().id())).containsExactlyElementsOf(change.events());
    }

    @Test
    @DisplayName("R1 a confirmation code is unique per tenant: a second booking with it is CODE_TAKEN and nothing "
            + "of it is written")
    public void codeTaken() {
        Booking first = insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        BookingChange second = insertOf(spec(TENANT_A, SOTO, hours(14, 15)).confirmationCode(first.confirmationCode()),
                SlotClaim.EXCLUSIVE);

        assertThat(repository.insert(second)).isEqualTo(SaveResult.CODE_TAKEN);

        assertThat(repository.find(TENANT_A, second.booking().id())).isEmpty();
        assertThat(repository.history(TENANT_A, second.booking().id())).isEmpty();
        assertThat(repository.calendar(TENANT_A, SOTO.id(), hours(0, 24))).isEmpty();
        assertThat(repository.findByConfirmationCode(TENANT_A, first.confirmationCode())).contains(first);
    }

    @Test
    @DisplayName("a cancelled booking keeps its code: the code stays taken (R2, nothing is deleted)")
    public void cancelledBookingKeepsItsCode() {
        Booking first = cancel(insert(spec(TENANT_A, RUIZ, hours(10, 11))));

        BookingChange second = insertOf(spec(TENANT_A, SOTO, hours(14, 15)).confirmationCode(first.confirmationCode()),
                SlotClaim.EXCLUSIVE);

        assertThat(repository.insert(second)).isEqualTo(SaveResult.CODE_TAKEN);
        assertThat(repository.findByConfirmationCode(TENANT_A, first.confirmationCode())).contains(first);
    }

    static Stream<Arguments> overlapping() {
        return Stream.of(
                arguments("the same slot", hours(10, 11)),
                arguments("starting inside", slot("2026-03-10T10:30:00Z", "2026-03-10T11:30:00Z")),
                arguments("ending inside", slot("2026-03-10T09:30:00Z", "2026-03-10T10:30:00Z")),
                arguments("containing it", hours(9, 12)),
                arguments("inside it", slot("2026-03-10T10:15:00Z", "2026-03-10T10:45:00Z")),
                arguments("sharing its last microsecond", slot("2026-03-10T10:59:59.999999Z", "2026-03-10T12:00:00Z")),
                arguments("sharing its first microsecond", slot("2026-03-10T09:00:00Z", "2026-03-10T10:00:00.000001Z")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlapping")
    @DisplayName("R10 an insert claiming a slot that overlaps an active booking of the resource is SLOT_TAKEN and "
            + "nothing of it is written")
    public void insertSlotTaken(String label, Interval candidate) {
        Booking existing = insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        BookingChange second = insertOf(spec(TENANT_A, RUIZ, candidate), SlotClaim.EXCLUSIVE);

        assertThat(repository.insert(second)).isEqualTo(SaveResult.SLOT_TAKEN);

        assertThat(repository.find(TENANT_A, second.booking().id())).isEmpty();
        assertThat(repository.findByConfirmationCode(TENANT_A, second.booking().confirmationCode())).isEmpty();
        assertThat(repository.history(TENANT_A, second.booking().id())).isEmpty();
        assertThat(repository.calendar(TENANT_A, RUIZ.id(), hours(0, 24))).containsExactly(existing);
    }

    @Test
    @DisplayName("R10 slots are end-exclusive: [10:00, 11:00) and [11:00, 12:00) and [09:00, 10:00) do not overlap")
    public void adjacentSlotsDoNotOverlap() {
        Booking ten = insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        Booking eleven = insert(spec(TENANT_A, RUIZ, hours(11, 12)));
        Booking nine = insert(spec(TENANT_A, RUIZ, hours(9, 10)));

        assertThat(repository.calendar(TENANT_A, RUIZ.id(), hours(0, 24))).containsExactly(nine, ten, eleven);
    }

    @Test
    @DisplayName("R10 another resource's booking never blocks the slot")
    public void otherResourceDoesNotBlock() {
        insert(spec(TENANT_A, RUIZ, hours(10, 11)));

        assertThat(repository.insert(insertOf(spec(TENANT_A, SOTO, hours(10, 11)), SlotClaim.EXCLUSIVE)))
                .isEqualTo(SaveResult.SAVED);
    }

    @Test
    @DisplayName("R12 SlotClaim.NONE skips the overlap check (back-dating a record)")
    public void insertWithoutClaimSkipsTheCheck() {
        Booking existing = insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        BookingChange backDated = insertOf(spec(TENANT_A, RUIZ, hours(10, 11)), SlotClaim.NONE);

        assertThat(repository.insert(backDated)).isEqualTo(SaveResult.SAVED);

        assertThat(repository.find(TENANT_A, backDated.booking().id())).contains(backDated.booking());
        assertThat(repository.calendar(TENANT_A, RUIZ.id(), hours(0, 24)))
                .containsExactlyInAnyOrder(existing, backDated.booking());
    }

    static Stream<Arguments> endings() {
        return Stream.of(
                arguments("cancelled", (Function<Booking, Transition>)
                        b -> b.cancel(ANA_ACTS, changedAt(1), "ill", null, false, null)),
                arguments("declined", (Function<Booking, Transition>)
                        b -> b.decline(ANA_ACTS, changedAt(1), null, true)),
                arguments("completed", (Function<Booking, Transition>)
                        b -> b.complete(STAFF, changedAt(1))),
                arguments("a no-show", (Function<Booking, Transition>)
                        b -> b.markNoShow(STAFF, changedAt(1), null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endings")
    @DisplayName("R2 an inactive booking does not occupy its slot: a new booking may claim it")
    public void inactiveBookingsDoNotBlock(String label, Function<Booking, Transition> ending) {
        Booking first = insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        Booking ended = update(first, SlotClaim.NONE, ending.apply(first));

        Booking second = insert(spec(TENANT_A, RUIZ, hours(10, 11)));

        assertThat(repository.find(TENANT_A, ended.id())).contains(ended);
        assertThat(repository.calendar(TENANT_A, RUIZ.id(), hours(0, 24))).containsExactly(second);
    }

    @Test
    @DisplayName("inserting a change that is not an insert is a bug and throws IllegalArgumentException")
    public void insertOfAnUpdateThrows() {
        Booking booking = insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        BookingChange update = changeOf(booking, SlotClaim.NONE, booking.confirm(STAFF, changedAt(1)));

        assertThatThrownBy(() -> repository.insert(update)).isInstanceOf(IllegalArgumentException.class);
        assertThat(repository.find(TENANT_A, booking.id())).contains(booking);
    }

    @Test
    @DisplayName("inserting a booking whose id is taken in the tenant throws IllegalArgumentException and changes "
            + "nothing, also when the booking with that id holds the very slot (not SLOT_TAKEN)")
    public void insertOfATakenIdThrows() {
        Booking booking = insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        List<BookingChange> sameId = List.of(
                insertOf(spec(TENANT_A, SOTO, hours(14, 15)).id(booking.id()), SlotClaim.EXCLUSIVE),
                insertOf(spec(TENANT_A, RUIZ, hours(10, 11)).id(booking.id()), SlotClaim.EXCLUSIVE));

        for (BookingChange change : sameId) {
            assertThatThrownBy(() -> repository.insert(change)).as("%s", change.booking().slot())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(booking.id());
        }
        assertThat(repository.find(TENANT_A, booking.id())).contains(booking);
        assertThat(repository.history(TENANT_A, booking.id())).hasSize(1);
    }

    // --- idempotency keys ---

    /** A SHA-256 hex digest, as the facade fingerprints a request. */
    protected static final String FINGERPRINT_1 = "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b";
    /** Another request's digest. */
    protected static final String FINGERPRINT_2 = "b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c";

    /** The same insert, carrying an idempotency key for the booking it creates. */
    protected static BookingChange withKey(BookingChange insert, String key, String fingerprint) {
        return new BookingChange(insert.booking(), insert.expectedVersion(), insert.slotClaim(), insert.events(),
                insert.notifications(), new IdempotencyKey(key, fingerprint, insert.booking().id()));
    }

    /**
     * A stored key without its age, to compare key, fingerprint and booking exactly. The creation
     * instant is checked on its own ({@link #insertStoresTheIdempotencyKey}): stores that keep none
     * return null, and their keys never expire.
     */
    protected static IdempotencyKey withoutAge(IdempotencyKey stored) {
        return new IdempotencyKey(stored.key(), stored.fingerprint(), stored.bookingId());
    }

    @Test
    @DisplayName("Idempotent book: findIdempotencyKey of a key the tenant never used is empty")
    public void unknownIdempotencyKeyIsNotFound() {
        insert(spec(TENANT_A, RUIZ, hours(10, 11)));

        assertThat(repository.findIdempotencyKey(TENANT_A, "never-used")).isEmpty();
    }

    @Test
    @DisplayName("Idempotent book: an insert with an idempotency key stores it: key, fingerprint and booking id "
            + "read back exactly")
    public void insertStoresTheIdempotencyKey() {
        String key = "5f0c8d4e-1b2a-4c3d-9e8f-7a6b5c4d3e2f";
        BookingChange change = withKey(insertOf(spec(TENANT_A, RUIZ, hours(10, 11)), SlotClaim.EXCLUSIVE), key,
                FINGERPRINT_1);

        assertThat(repository.insert(change)).isEqualTo(SaveResult.SAVED);

        assertThat(repository.findIdempotencyKey(TENANT_A, key))
                .map(BookingRepositoryContract::withoutAge).contains(new IdempotencyKey(key, FINGERPRINT_1, change.booking().id()));
        IdempotencyKey stored = repository.findIdempotencyKey(TENANT_A, key).orElseThrow();
        assertThat(stored.expiredUpTo()).as("a stored key carries no replacement cut-off").isNull();
        if (stored.createdAt() != null) {
            assertThat(stored.createdAt()).as("stored with the booking's creation instant, to the microsecond")
                    .isEqualTo(change.booking().createdAt());
        }
        assertThat(repository.find(TENANT_A, change.booking().id())).contains(change.booking());
        assertThat(repository.history(TENANT_A, change.booking().id())).containsExactlyElementsOf(change.events());
    }

    @Test
    @DisplayName("Idempotent book: a key of the longest length (128 characters) is stored whole and compared "
            + "exactly: another case or a prefix is another key")
    public void longestIdempotencyKeyRoundTripsExactly() {
        String key = "Ab" + "x".repeat(125) + "Z";
        BookingChange change = withKey(insertOf(spec(TENANT_A, RUIZ, hours(10, 11)), SlotClaim.EXCLUSIVE), key,
                FINGERPRINT_1);

        assertThat(repository.insert(change)).isEqualTo(SaveResult.SAVED);

        assertThat(key).hasSize(128);
        assertThat(repository.findIdempotencyKey(TENANT_A, key))
                .map(BookingRepositoryContract::withoutAge).contains(new IdempotencyKey(key, FINGERPRINT_1, change.booking().id()));
        assertThat(repository.findIdempotencyKey(TENANT_A, key.toUpperCase(Locale.ROOT))).isEmpty();
        assertThat(repository.findIdempotencyKey(TENANT_A, key.substring(0, 127))).isEmpty();
    }

    @Test
    @DisplayName("Idempotent book: a second insert with a key already stored in the tenant is IDEMPOTENCY_KEY_TAKEN "
            + "and writes nothing: no booking, no events, the key unchanged")
    public void idempotencyKeyTaken() {
        String key = "retry-me";
        BookingChange first = withKey(insertOf(spec(TENANT_A, RUIZ, hours(10, 11)), SlotClaim.EXCLUSIVE), key,
                FINGERPRINT_1);
        assertThat(repository.insert(first)).isEqualTo(SaveResult.SAVED);
        BookingChange second = withKey(insertOf(spec(TENANT_A, RUIZ, hours(14, 15)), SlotClaim.EXCLUSIVE), key,
                FINGERPRINT_2);
        assertThat(second.booking().id()).isNotEqualTo(first.booking().id());
        assertThat(second.booking().confirmationCode()).isNotEqualTo(first.booking().confirmationCode());

        assertThat(repository.insert(second)).isEqualTo(SaveResult.IDEMPOTENCY_KEY_TAKEN);

        assertThat(repository.find(TENANT_A, second.booking().id())).isEmpty();
        assertThat(repository.findByConfirmationCode(TENANT_A, second.booking().confirmationCode())).isEmpty();
        assertThat(repository.history(TENANT_A, second.booking().id())).isEmpty();
        assertThat(repository.calendar(TENANT_A, RUIZ.id(), hours(0, 24))).containsExactly(first.booking());
        assertThat(repository.customerBookings(TENANT_A, ANA.id())).containsExactly(first.booking());
        assertThat(repository.findIdempotencyKey(TENANT_A, key))
                .map(BookingRepositoryContract::withoutAge).contains(new IdempotencyKey(key, FINGERPRINT_1, first.booking().id()));
        assertThat(repository.history(TENANT_A, first.booking().id())).containsExactlyElementsOf(first.events());
    }

    @Test
    @DisplayName("Idempotent book: the same key in another tenant is another key: both inserts are saved and each "
            + "tenant finds its own")
    public void sameIdempotencyKeyInTwoTenants() {
        String key = "shared-key";
        BookingChange inA = withKey(insertOf(spec(TENANT_A, RUIZ, hours(10, 11)), SlotClaim.EXCLUSIVE), key,
                FINGERPRINT_1);
        BookingChange inB = withKey(insertOf(spec(TENANT_B, SOTO, hours(14, 15)), SlotClaim.EXCLUSIVE), key,
                FINGERPRINT_2);

        assertThat(repository.insert(inA)).isEqualTo(SaveResult.SAVED);
        assertThat(repository.findIdempotencyKey(TENANT_B, key)).isEmpty();
        assertThat(repository.insert(inB)).isEqualTo(SaveResult.SAVED);

        assertThat(repository.findIdempotencyKey(TENANT_A, key))
                .map(BookingRepositoryContract::withoutAge).contains(new IdempotencyKey(key, FINGERPRINT_1, inA.booking().id()));
        assertThat(repository.findIdempotencyKey(TENANT_B, key))
                .map(BookingRepositoryContract::withoutAge).contains(new IdempotencyKey(key, FINGERPRINT_2, inB.booking().id()));
        assertThat(repository.find(TENANT_B, inB.booking().id())).contains(inB.booking());
    }

    @Test
    @DisplayName("Idempotent book: an insert refused as SLOT_TAKEN does not store its key; the key stays free")
    public void slotTakenInsertDoesNotStoreItsKey() {
        String key = "slot-clash";
        Booking existing = insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        BookingChange clash = withKey(insertOf(spec(TENANT_A, RUIZ, hours(10, 11)), SlotClaim.EXCLUSIVE), key,
                FINGERPRINT_1);

        assertThat(repository.insert(clash)).isEqualTo(SaveResult.SLOT_TAKEN);

        assertThat(repository.findIdempotencyKey(TENANT_A, key)).isEmpty();
        assertThat(repository.calendar(TENANT_A, RUIZ.id(), hours(0, 24))).containsExactly(existing);
        BookingChange later = withKey(insertOf(spec(TENANT_A, RUIZ, hours(12, 13)), SlotClaim.EXCLUSIVE), key,
                FINGERPRINT_2);
        assertThat(repository.insert(later)).isEqualTo(SaveResult.SAVED);
        assertThat(repository.findIdempotencyKey(TENANT_A, key))
                .map(BookingRepositoryContract::withoutAge).contains(new IdempotencyKey(key, FINGERPRINT_2, later.booking().id()));
    }

    @Test
    @DisplayName("Idempotent book: an insert refused as CODE_TAKEN does not store its key; the key stays free")
    public void codeTakenInsertDoesNotStoreItsKey() {
        String key = "code-clash";
        Booking existing = insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        BookingChange clash = withKey(insertOf(spec(TENANT_A, SOTO, hours(14, 15))
                .confirmationCode(existing.confirmationCode()), SlotClaim.EXCLUSIVE), key, FINGERPRINT_1);

        assertThat(repository.insert(clash)).isEqualTo(SaveResult.CODE_TAKEN);

        assertThat(repository.findIdempotencyKey(TENANT_A, key)).isEmpty();
        assertThat(repository.find(TENANT_A, clash.booking().id())).isEmpty();
        BookingChange retry = withKey(insertOf(spec(TENANT_A, SOTO, hours(14, 15)), SlotClaim.EXCLUSIVE), key,
                FINGERPRINT_1);
        assertThat(repository.insert(retry)).isEqualTo(SaveResult.SAVED);
        assertThat(repository.findIdempotencyKey(TENANT_A, key))
                .map(BookingRepositoryContract::withoutAge).contains(new IdempotencyKey(key, FINGERPRINT_1, retry.booking().id()));
    }

    // --- update ---

    @Test
    @DisplayName("R15 an update at the expected version is saved: the new state is found and its events appended")
    public void updateSaves() {
        Booking booking = insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        Transition confirm = booking.confirm(STAFF, changedAt(1));

        assertThat(tryUpdate(booking, SlotClaim.NONE, confirm)).isEqualTo(SaveResult.SAVED);

        assertThat(repository.find(TENANT_A, booking.id())).contains(confirm.booking());
        assertThat(repository.findByConfirmationCode(TENANT_A, booking.confirmationCode())).contains(confirm.booking());
        assertThat(repository.history(TENANT_A, booking.id())).hasSize(2).last().isEqualTo(confirm.event());
    }

    @Test
    @DisplayName("two changes decided on the same version: the second is VERSION_CONFLICT and nothing of it is written")
    public void versionConflict() {
        Booking booking = insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        Transition confirm = booking.confirm(STAFF, changedAt(1));
        Transition cancelFromStaleView = booking.cancel(ANA_ACTS, changedAt(2), null, null, false, null);
        update(booking, SlotClaim.NONE, confirm);

        assertThat(tryUpdate(booking, SlotClaim.NONE, cancelFromStaleView)).isEqualTo(SaveResult.VERSION_CONFLICT);

        assertThat(repository.find(TENANT_A, booking.id())).contains(confirm.booking());
        assertThat(repository.history(TENANT_A, booking.id())).hasSize(2).last().isEqualTo(confirm.event());
    }

    @Test
    @DisplayName("an update expecting a version older than the stored one is VERSION_CONFLICT, even several behind")
    public void staleVersionConflicts() {
        Booking v1 = insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        Booking v2 = update(v1, SlotClaim.NONE, v1.confirm(STAFF, changedAt(1)));
        Booking v3 = update(v2, SlotClaim.NONE, v2.revokeConfirmation(STAFF, changedAt(2), null));

        assertThat(tryUpdate(v2, SlotClaim.NONE, v2.cancel(STAFF, changedAt(3), null, null, false, null)))
                .isEqualTo(SaveResult.VERSION_CONFLICT);
        assertThat(tryUpdate(v1, SlotClaim.NONE, v1.cancel(STAFF, changedAt(3), null, null, false, null)))
                .isEqualTo(SaveResult.VERSION_CONFLICT);
        assertThat(repository.find(TENANT_A, v1.id())).contains(v3);
    }

    @Test
    @DisplayName("R10 moving a booking onto another active booking of the resource is SLOT_TAKEN and nothing is written")
    public void updateSlotTaken() {
        Booking taken = insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        Booking mover = insert(spec(TENANT_A, RUIZ, hours(14, 15)));
        Transition move = mover.reschedule(ANA_ACTS, changedAt(1),
                slot("2026-03-10T10:30:00Z", "2026-03-10T11:30:00Z"), RUIZ, ReminderState.none(), null);

        assertThat(tryUpdate(mover, SlotClaim.EXCLUSIVE, move)).isEqualTo(SaveResult.SLOT_TAKEN);

        assertThat(repository.find(TENANT_A, mover.id())).contains(mover);
        assertThat(repository.history(TENANT_A, mover.id())).hasSize(1);
        assertThat(repository.calendar(TENANT_A, RUIZ.id(), hours(0, 24))).containsExactly(taken, mover);
    }

    @Test
    @DisplayName("R10 a booking never collides with itself: moving it half an hour, over its own old slot, is saved")
    public void updateIgnoresTheBookingItself() {
        Booking booking = insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        Interval halfAnHourLater = slot("2026-03-10T10:30:00Z", "2026-03-10T11:30:00Z");

        Booking moved = update(booking, SlotClaim.EXCLUSIVE, booking.reschedule(ANA_ACTS, changedAt(1),
                halfAnHourLater, RUIZ, ReminderState.none(), null));
        Booking confirmed = update(moved, SlotClaim.EXCLUSIVE, moved.confirm(ANA_ACTS, changedAt(2)));

        assertThat(repository.find(TENANT_A, booking.id())).contains(confirmed);
        assertThat(confirmed.slot()).isEqualTo(halfAnHourLater);
    }

    @Test
    @DisplayName("R12 an update with SlotClaim.NONE skips the overlap check")
    public void updateWithoutClaimSkipsTheCheck() {
        insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        Booking mover = insert(spec(TENANT_A, RUIZ, hours(14, 15)));

        Booking moved = update(mover, SlotClaim.NONE, mover.reschedule(STAFF, changedAt(1), hours(10, 11), RUIZ,
                ReminderState.none(), "back-dated record"));

        assertThat(repository.find(TENANT_A, mover.id())).contains(moved);
    }

    @Test
    @DisplayName("R3 reviving a cancelled booking onto a slot taken meanwhile is SLOT_TAKEN: once active it must fit")
    public void revivalMustFit() {
        Booking cancelled = cancel(insert(spec(TENANT_A, RUIZ, hours(10, 11))));
        Booking newcomer = insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        Transition revive = cancelled.reschedule(STAFF, changedAt(10), hours(10, 11), RUIZ, ReminderState.none(), null);

        assertThat(tryUpdate(cancelled, SlotClaim.EXCLUSIVE, revive)).isEqualTo(SaveResult.SLOT_TAKEN);
        assertThat(repository.calendar(TENANT_A, RUIZ.id(), hours(0, 24))).containsExactly(newcomer);

        Transition reviveElsewhere = cancelled.reschedule(STAFF, changedAt(10), hours(11, 12), RUIZ,
                ReminderState.none(), null);
        assertThat(tryUpdate(cancelled, SlotClaim.EXCLUSIVE, reviveElsewhere)).isEqualTo(SaveResult.SAVED);
        assertThat(repository.calendar(TENANT_A, RUIZ.id(), hours(0, 24)))
                .containsExactly(newcomer, reviveElsewhere.booking());
    }

    @Test
    @DisplayName("R12 moving a booking to another resource moves it between calendars and frees the old slot")
    public void moveToAnotherResource() {
        Booking booking = insert(spec(TENANT_A, RUIZ, hours(10, 11)));

        Booking moved = update(booking, SlotClaim.EXCLUSIVE,
                booking.reschedule(STAFF, changedAt(1), hours(10, 11), SOTO, ReminderState.none(), null));

        assertThat(repository.calendar(TENANT_A, RUIZ.id(), hours(0, 24))).isEmpty();
        assertThat(repository.calendar(TENANT_A, SOTO.id(), hours(0, 24))).containsExactly(moved);
        assertThat(repository.insert(insertOf(spec(TENANT_A, RUIZ, hours(10, 11)), SlotClaim.EXCLUSIVE)))
                .isEqualTo(SaveResult.SAVED);
        assertThat(repository.insert(insertOf(spec(TENANT_A, SOTO, hours(10, 11)), SlotClaim.EXCLUSIVE)))
                .isEqualTo(SaveResult.SLOT_TAKEN);
    }

    // --- calendar, customer bookings ---

    @Test
    @DisplayName("R2 the calendar lists the resource's active bookings overlapping the interval, sorted by start")
    public void calendarListsActiveBookingsByStart() {
        Booking afternoon = insert(spec(TENANT_A, RUIZ, hours(15, 16)));
        Booking morning = insert(spec(TENANT_A, RUIZ, hours(9, 10)));
        Booking noon = insert(spec(TENANT_A, RUIZ, hours(12, 13)));
        Booking confirmed = update(noon, SlotClaim.NONE, noon.confirm(STAFF, changedAt(1)));
        cancel(insert(spec(TENANT_A, RUIZ, hours(11, 12))));
        Booking declined = insert(spec(TENANT_A, RUIZ, hours(13, 14)));
        update(declined, SlotClaim.NONE, declined.decline(ANA_ACTS, changedAt(2), null, false));
        insert(spec(TENANT_A, SOTO, hours(10, 11)));
        insert(spec(TENANT_B, RUIZ, hours(10, 11)));

        assertThat(repository.calendar(TENANT_A, RUIZ.id(), hours(0, 24)))
                .containsExactly(morning, confirmed, afternoon);
    }

    @Test
    @DisplayName("R10 the calendar interval is end-exclusive too: a booking touching it from either side is not in it")
    public void calendarIntervalBoundaries() {
        insert(spec(TENANT_A, RUIZ, hours(9, 10)));
        Booking inside = insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        Booking straddling = insert(spec(TENANT_A, RUIZ, slot("2026-03-10T11:30:00Z", "2026-03-10T12:30:00Z")));
        insert(spec(TENANT_A, RUIZ, hours(13, 14)));

        assertThat(repository.calendar(TENANT_A, RUIZ.id(), slot("2026-03-10T10:00:00Z", "2026-03-10T12:00:00Z")))
                .containsExactly(inside, straddling);
        assertThat(repository.calendar(TENANT_A, RUIZ.id(), slot("2026-03-10T12:30:00Z", "2026-03-10T13:00:00Z")))
                .isEmpty();
        assertThat(repository.calendar(TENANT_A, RUIZ.id(), slot("2026-03-10T12:29:59.999999Z", "2026-03-10T13:00:00Z")))
                .containsExactly(straddling);
    }

    @Test
    @DisplayName("R2 the customer's bookings hold every status, cancelled ones too, sorted by start")
    public void customerBookingsHoldEveryStatus() {
        Booking cancelled = cancel(insert(spec(TENANT_A, RUIZ, hours(16, 17))));
        Booking pending = insert(spec(TENANT_A, RUIZ, hours(9, 10)));
        Booking confirmedOne = insert(spec(TENANT_A, SOTO, hours(12, 13)));
        Booking confirmed = update(confirmedOne, SlotClaim.NONE, confirmedOne.confirm(ANA_ACTS, changedAt(1)));
        Booking completedOne = insert(spec(TENANT_A, RUIZ, hours(7, 8)));
        Booking completed = update(completedOne, SlotClaim.NONE, completedOne.complete(STAFF, changedAt(2)));
        Booking declinedOne = insert(spec(TENANT_A, RUIZ, hours(14, 15)));
        Booking declined = update(declinedOne, SlotClaim.NONE, declinedOne.decline(ANA_ACTS, changedAt(3), null, true));
        insert(spec(TENANT_A, RUIZ, hours(10, 11)).customer(BOB));
        insert(spec(TENANT_A, RUIZ, hours(11, 12)).customer(null));
        insert(spec(TENANT_B, RUIZ, hours(8, 9)));

        assertThat(repository.customerBookings(TENANT_A, ANA.id()))
                .containsExactly(completed, pending, confirmed, declined, cancelled);
    }

    @Test
    @DisplayName("a customer with no bookings gets an empty list")
    public void customerWithoutBookings() {
        insert(spec(TENANT_A, RUIZ, hours(9, 10)));

        assertThat(repository.customerBookings(TENANT_A, "cust-nobody")).isEmpty();
    }

    // --- history ---

    @Test
    @DisplayName("R15 the history holds every event of every change in order, each equal to what was written")
    public void historyInOrder() {
        Booking booked = insert(spec(TENANT_A, RUIZ, hours(10, 11))
                .reminder(ReminderState.armedFor(Instant.parse("2026-03-10T04:00:00.000001Z"))));
        List<BookingEvent> expected = new ArrayList<>(repository.history(TENANT_A, booked.id()));

        Transition reminder = booked.markReminderSent(changedAt(1));
        Booking b = update(booked, SlotClaim.NONE, reminder);
        Transition confirm = b.confirm(ANA_ACTS, changedAt(2));
        b = update(b, SlotClaim.NONE, confirm);
        Transition revoke = b.revokeConfirmation(STAFF, changedAt(3), "called to check");
        b = update(b, SlotClaim.NONE, revoke);
        Transition move = b.reschedule(ANA_ACTS, changedAt(4), hours(12, 13), RUIZ, ReminderState.none(), "work");
        Transition auto = move.booking().autoConfirm(changedAt(4), Duration.ofHours(6));
        b = update(b, SlotClaim.EXCLUSIVE, move, auto);
        Transition cancel = b.cancel(ANA_ACTS, changedAt(5), "ill", "see you soon", true, Money.of("20.00", "EUR"));
        b = update(b, SlotClaim.NONE, cancel);
        expected.addAll(List.of(reminder.event(), confirm.event(), revoke.event(), move.event(), auto.event(),
                cancel.event()));

        assertThat(repository.history(TENANT_A, booked.id())).containsExactlyElementsOf(expected);
        assertThat(expected.get(0)).isInstanceOf(BookingEvent.Booked.class);
        assertThat(repository.find(TENANT_A, booked.id())).contains(b);
        assertThat(b.version()).isEqualTo(7);
    }

    @Test
    @DisplayName("R3/R15 every other kind of event round-trips: decline, revival by staff, completion, no-show")
    public void historyOfTheOtherEventKinds() {
        Booking first = insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        Transition decline = first.decline(ANA_ACTS, changedAt(1), null, true);
        Booking b = update(first, SlotClaim.NONE, decline);
        Transition revive = b.reschedule(STAFF, changedAt(2), hours(12, 13), SOTO,
                ReminderState.armedFor(Instant.parse("2026-03-10T06:00:00.000002Z")), "revived");
        b = update(b, SlotClaim.EXCLUSIVE, revive);
        Transition confirm = b.confirm(STAFF, changedAt(3));
        b = update(b, SlotClaim.NONE, confirm);
        Transition complete = b.complete(STAFF, changedAt(4));
        b = update(b, SlotClaim.NONE, complete);
        Booking second = insert(spec(TENANT_A, RUIZ, hours(14, 15)));
        Transition noShow = second.markNoShow(STAFF, changedAt(5), "did not call");
        update(second, SlotClaim.NONE, noShow);

        assertThat(repository.history(TENANT_A, first.id())).extracting(BookingEvent::kind)
                .containsExactly("BOOKED", "DECLINED", "RESCHEDULED", "CONFIRMED", "COMPLETED");
        assertThat(repository.history(TENANT_A, first.id())).endsWith(decline.event(), revive.event(),
                confirm.event(), complete.event());
        assertThat(repository.history(TENANT_A, second.id())).extracting(BookingEvent::kind)
                .containsExactly("BOOKED", "MARKED_NO_SHOW");
        assertThat(repository.history(TENANT_A, second.id())).last().isEqualTo(noShow.event());
        assertThat(repository.find(TENANT_A, first.id())).contains(b);
    }

    @Test
    @DisplayName("the history of an unknown booking is empty")
    public void historyOfUnknown() {
        assertThat(repository.history(TENANT_A, "no-such-booking")).isEmpty();
    }

    // --- due reminders ---

    @Test
    @DisplayName("R5 due reminders: PENDING, armed, unsent, dueAt <= now < start, of every tenant, oldest due first")
    public void dueReminders() {
        Instant now = Instant.parse("2026-03-10T05:00:00.000001Z");
        Booking dueA = insert(spec(TENANT_A, RUIZ, hours(10, 11))
                .reminder(ReminderState.armedFor(Instant.parse("2026-03-10T04:00:00.000001Z"))));
        Booking dueB = insert(spec(TENANT_B, RUIZ, hours(10, 11))
                .reminder(ReminderState.armedFor(Instant.parse("2026-03-10T03:00:00.000001Z"))));
        Booking dueNow = insert(spec(TENANT_A, RUIZ, hours(11, 12)).reminder(ReminderState.armedFor(now)));
        insert(spec(TENANT_A, RUIZ, hours(12, 13)).reminder(ReminderState.armedFor(now.plusNanos(1000))));
        Booking toConfirm = insert(spec(TENANT_A, RUIZ, hours(13, 14)).reminder(ReminderState.armedFor(hour(2))));
        update(toConfirm, SlotClaim.NONE, toConfirm.confirm(ANA_ACTS, changedAt(1)));
        Booking toSend = insert(spec(TENANT_A, RUIZ, hours(14, 15)).reminder(ReminderState.armedFor(hour(2))));
        update(toSend, SlotClaim.NONE, toSend.markReminderSent(hour(2)));
        cancel(insert(spec(TENANT_A, RUIZ, hours(15, 16)).reminder(ReminderState.armedFor(hour(2)))));
        insert(spec(TENANT_A, SOTO, Interval.of(now, now.plus(Duration.ofHours(1))))
                .reminder(ReminderState.armedFor(hour(1))));
        insert(spec(TENANT_B, SOTO, hours(4, 5)).reminder(ReminderState.armedFor(hour(1))));
        insert(spec(TENANT_A, RUIZ, hours(16, 17)));

        assertThat(repository.dueReminders(now, 100)).containsExactly(dueB, dueA, dueNow);
        assertThat(repository.dueReminders(now, 2)).containsExactly(dueB, dueA);
        assertThat(repository.dueReminders(now, 1)).containsExactly(dueB);
        assertThat(repository.dueReminders(hour(1).minusNanos(1000), 100)).isEmpty();
    }

    private static Instant hour(int h) {
        return DAY.plus(Duration.ofHours(h));
    }

    @Test
    @DisplayName("R5 a rescheduled booking's new reminder is due again even after the old one was sent")
    public void rescheduleArmsANewDueReminder() {
        Booking booking = insert(spec(TENANT_A, RUIZ, hours(10, 11)).reminder(ReminderState.armedFor(hour(4))));
        Booking sent = update(booking, SlotClaim.NONE, booking.markReminderSent(hour(4).plusSeconds(1)));
        Booking moved = update(sent, SlotClaim.EXCLUSIVE, sent.reschedule(ANA_ACTS, hour(4).plusSeconds(2),
                hours(18, 19), RUIZ, ReminderState.armedFor(hour(12)), null));

        assertThat(repository.dueReminders(hour(5), 10)).isEmpty();
        assertThat(repository.dueReminders(hour(12), 10)).containsExactly(moved);
    }

    // --- tenants ---

    @Test
    @DisplayName("tenant B cannot find tenant A's booking by id or by code, nor see its history, calendar or customer")
    public void tenantsAreIsolated() {
        Booking booking = insert(spec(TENANT_A, RUIZ, hours(10, 11)));

        assertThat(repository.find(TENANT_B, booking.id())).isEmpty();
        assertThat(repository.findByConfirmationCode(TENANT_B, booking.confirmationCode())).isEmpty();
        assertThat(repository.history(TENANT_B, booking.id())).isEmpty();
        assertThat(repository.calendar(TENANT_B, RUIZ.id(), hours(0, 24))).isEmpty();
        assertThat(repository.customerBookings(TENANT_B, ANA.id())).isEmpty();
    }

    @Test
    @DisplayName("R1 the same confirmation code may exist in two tenants; each finds its own")
    public void sameCodeInTwoTenants() {
        Booking inA = insert(spec(TENANT_A, RUIZ, hours(10, 11)).confirmationCode("SAME2026"));
        Booking inB = insert(spec(TENANT_B, SOTO, hours(14, 15)).confirmationCode("SAME2026"));

        assertThat(repository.findByConfirmationCode(TENANT_A, "SAME2026")).contains(inA);
        assertThat(repository.findByConfirmationCode(TENANT_B, "SAME2026")).contains(inB);
    }

    @Test
    @DisplayName("a booking id is unique per tenant: the same id in two tenants names two bookings")
    public void sameIdInTwoTenants() {
        Booking inA = insert(spec(TENANT_A, RUIZ, hours(10, 11)).id("shared-id"));
        Booking inB = insert(spec(TENANT_B, SOTO, hours(14, 15)).id("shared-id"));
        Booking confirmedInB = update(inB, SlotClaim.NONE, inB.confirm(STAFF, changedAt(1)));

        assertThat(repository.find(TENANT_A, "shared-id")).contains(inA);
        assertThat(repository.find(TENANT_B, "shared-id")).contains(confirmedInB);
        assertThat(repository.history(TENANT_A, "shared-id")).hasSize(1);
        assertThat(repository.history(TENANT_B, "shared-id")).hasSize(2);
    }

    @Test
    @DisplayName("R10 the same resource id in another tenant is another resource: its bookings never block")
    public void sameResourceIdInAnotherTenantDoesNotBlock() {
        Booking inA = insert(spec(TENANT_A, RUIZ, hours(10, 11)));
        Booking inB = insert(spec(TENANT_B, RUIZ, hours(10, 11)));

        assertThat(repository.calendar(TENANT_A, RUIZ.id(), hours(0, 24))).containsExactly(inA);
        assertThat(repository.calendar(TENANT_B, RUIZ.id(), hours(0, 24))).containsExactly(inB);
    }

    // --- exact round trips ---

    @Test
    @DisplayName("every field round-trips exactly: instants to the microsecond, zone, customer, resource, payment, "
            + "counts, reminder, who confirmed, version")
    public void everyFieldRoundTrips() {
        Interval microSlot = slot("2026-03-10T10:00:00.000001Z", "2026-03-10T10:45:30.999999Z");
        Booking booked = insert(spec(TENANT_A, RUIZ, microSlot)
                .zone(ZoneId.of("Asia/Kathmandu"))
                .paymentStatus(PaymentStatus.PAID)
                .reminder(ReminderState.armedFor(Instant.parse("2026-03-10T04:00:00.000001Z"))));
        assertThat(repository.find(TENANT_A, booked.id())).contains(booked);
        assertThat(repository.find(TENANT_A, booked.id()).orElseThrow().createdAt()).isEqualTo(BOOKED_AT);

        Booking sent = update(booked, SlotClaim.NONE, booked.markReminderSent(Instant.parse("2026-03-10T04:00:01.999999Z")));
        assertThat(repository.find(TENANT_A, booked.id())).contains(sent);

        Booking byCustomer = update(sent, SlotClaim.NONE, sent.confirm(ANA_ACTS, changedAt(1)));
        assertThat(repository.find(TENANT_A, booked.id())).contains(byCustomer);
        assertThat(repository.find(TENANT_A, booked.id()).orElseThrow().confirmedBy()).contains(ANA_ACTS);

        Booking revoked = update(byCustomer, SlotClaim.NONE, byCustomer.revokeConfirmation(STAFF, changedAt(2), null));
        Booking moved = update(revoked, SlotClaim.EXCLUSIVE, revoked.reschedule(ANA_ACTS, changedAt(3),
                hours(12, 13), RUIZ, ReminderState.none(), null));
        Booking bySystem = update(moved, SlotClaim.NONE, moved.autoConfirm(changedAt(3), Duration.ofHours(6)));
        Booking found = repository.find(TENANT_A, booked.id()).orElseThrow();
        assertThat(found).isEqualTo(bySystem);
        assertThat(found.confirmedBy()).contains(Actor.SYSTEM);
        assertThat(found.customerReschedules()).isEqualTo(1);
        assertThat(found.version()).isEqualTo(6);
        assertThat(found.updatedAt()).isEqualTo(changedAt(3));

        Transition revokeAgain = bySystem.revokeConfirmation(STAFF, changedAt(4), null);
        Booking byStaff = update(bySystem, SlotClaim.NONE, revokeAgain,
                revokeAgain.booking().confirm(STAFF, changedAt(5)));
        assertThat(repository.find(TENANT_A, booked.id())).contains(byStaff);
        assertThat(byStaff.confirmedBy()).contains(STAFF);
        assertThat(byStaff.version()).isEqualTo(8);
    }

    @Test
    @DisplayName("R1 a customer's optional details round-trip as stored: no name, no e-mail, a phone, a language")
    public void sparseCustomerRoundTrips() {
        Booking bob = insert(spec(TENANT_A, RUIZ, hours(10, 11)).customer(BOB));

        Booking found = repository.find(TENANT_A, bob.id()).orElseThrow();
        assertThat(found).isEqualTo(bob);
        assertThat(found.customer()).contains(BOB);
        assertThat(found.customer().orElseThrow().name()).isNull();
        assertThat(found.customer().orElseThrow().email()).isNull();
        assertThat(found.customer().orElseThrow().language()).isEqualTo(Locale.ENGLISH);
    }

    @Test
    @DisplayName("R1 a booking made by staff with no customer stored round-trips without one")
    public void bookingWithoutCustomerRoundTrips() {
        Booking anonymous = insert(spec(TENANT_A, SOTO, hours(10, 11)).customer(null));

        Booking found = repository.find(TENANT_A, anonymous.id()).orElseThrow();
        assertThat(found).isEqualTo(anonymous);
        assertThat(found.customer()).isEmpty();
        assertThat(found.resource().contact()).isNull();
    }

    @Test
    @DisplayName("R9 the resource's contact and the service round-trip, so refusals can name whom to contact")
    public void resourceAndServiceRoundTrip() {
        Booking booking = insert(spec(TENANT_A, RUIZ, hours(12, 13)));

        Booking found = repository.find(TENANT_A, booking.id()).orElseThrow();
        assertThat(found.resource()).isEqualTo(RUIZ);
        assertThat(found.resource().contact()).isEqualTo("+34 910 000 000");
        assertThat(found.service()).isEqualTo(CONSULTATION);
        assertThat(found.customer()).contains(ANA);
        assertThat(found.customer().orElseThrow().language()).isEqualTo(Locale.forLanguageTag("es-MX"));
    }

    @Test
    @DisplayName("a booking's status survives the round trip for each of the six statuses")
    public void everyStatusRoundTrips() {
        for (BookingStatus status : BookingStatus.values()) {
            Booking stored = insert(spec(TENANT_A, RUIZ, hours(status.ordinal(), status.ordinal() + 1)));
            Booking changed = switch (status) {
                case PENDING -> stored;
                case CONFIRMED -> update(stored, SlotClaim.NONE, stored.confirm(STAFF, changedAt(1)));
                case DECLINED -> update(stored, SlotClaim.NONE, stored.decline(ANA_ACTS, changedAt(1), null, false));
                case CANCELLED -> cancel(stored);
                case COMPLETED -> update(stored, SlotClaim.NONE, stored.complete(STAFF, changedAt(1)));
                case NO_SHOW -> update(stored, SlotClaim.NONE, stored.markNoShow(STAFF, changedAt(1), null));
            };
            assertThat(repository.find(TENANT_A, stored.id()).orElseThrow().status()).isEqualTo(status);
            assertThat(repository.find(TENANT_A, stored.id())).contains(changed);
        }
    }

    // --- concurrency: what the adapter's lock and version check guarantee under contention ---

    /** The first instant of a round's window: rounds are 5 hours apart, so their slots never meet. */
    private static Instant roundStart(int round) {
        return DAY.plus(Duration.ofHours(5L * round));
    }

    /** A slot of a round: {@code length} minutes, {@code from} minutes after the round's start. */
    private static Interval raceSlot(int round, long from, long length) {
        Instant start = roundStart(round).plus(Duration.ofMinutes(from));
        return Interval.of(start, start.plus(Duration.ofMinutes(length)));
    }

    /** The whole window of a round, for calendar queries. */
    private static Interval roundWindow(int round) {
        return Interval.of(roundStart(round), roundStart(round).plus(Duration.ofHours(5)));
    }

    private int racers() {
        int threads = raceThreads();
        assertThat(threads).as("raceThreads()").isGreaterThanOrEqualTo(2);
        return threads;
    }

    /**
     * Checks that exactly one writer of a round was SAVED and every other one got {@code refusal},
     * and returns the winner's index.
     */
    private static int onlyWinner(int round, List<SaveResult> results, SaveResult refusal) {
        assertThat(results).as("round %d: exactly one writer SAVED, answers in thread order %s", round, results)
                .containsOnlyOnce(SaveResult.SAVED);
        assertThat(results).as("round %d: every other writer %s, answers in thread order %s", round, refusal, results)
                .allMatch(r -> r == SaveResult.SAVED || r == refusal);
        return results.indexOf(SaveResult.SAVED);
    }

    /** Checks that nothing of a refused insert was written. */
    private void nothingWrittenOf(int round, BookingChange refused) {
        Booking b = refused.booking();
        assertThat(repository.find(b.tenantId(), b.id())).as("round %d: refused %s is not stored", round, b.id())
                .isEmpty();
        assertThat(repository.history(b.tenantId(), b.id())).as("round %d: refused %s has no history", round, b.id())
                .isEmpty();
    }

    @Test
    @DisplayName("R10 writers racing for one slot of one resource: exactly one insert is SAVED, every other "
            + "SLOT_TAKEN with nothing of it written, and the calendar holds the winner alone, in every round")
    public void racingInsertsOfOneSlotSaveOne() throws Exception {
        raceInsertsOneWins((round, racer) -> raceSlot(round, 0, 60));
    }

    @Test
    @DisplayName("R10 writers racing for slots that overlap each other without being equal (each 5 minutes "
            + "after the last): exactly one is SAVED, every other SLOT_TAKEN, in every round")
    public void racingInsertsOfOverlappingSlotsSaveOne() throws Exception {
        raceInsertsOneWins((round, racer) -> raceSlot(round, 5L * racer, 60));
    }

    /**
     * Races one insert per racer, each for the slot {@code slotOf} gives its round and racer: in
     * every round exactly one is SAVED, the others SLOT_TAKEN with nothing of them written, and the
     * calendar holds the winner alone.
     */
    private void raceInsertsOneWins(BiFunction<Integer, Integer, Interval> slotOf) throws Exception {
        inEveryRound((round, threads) -> {
            List<BookingChange> inserts = exclusiveInserts(threads, i -> slotOf.apply(round, i));

            List<SaveResult> results = raceInserts(inserts);

            int winner = onlyWinner(round, results, SaveResult.SLOT_TAKEN);
            assertThat(repository.calendar(TENANT_A, RUIZ.id(), roundWindow(round))).as("round %d", round)
                    .containsExactly(inserts.get(winner).booking());
            for (int i = 0; i < threads; i++) {
                if (i != winner) {
                    nothingWrittenOf(round, inserts.get(i));
                }
            }
        });
    }

    /** One round of a race: {@code threads} writers, slots apart from every other round's. */
    @FunctionalInterface
    private interface RaceRound {
        void run(int round, int threads) throws Exception;
    }

    /** Runs {@code body} for each of the {@link #RACE_ROUNDS} rounds, with {@link #raceThreads()} writers. */
    private void inEveryRound(RaceRound body) throws Exception {
        int threads = racers();
        for (int round = 0; round < RACE_ROUNDS; round++) {
            body.run(round, threads);
        }
    }

    /** One new booking with Dr. Ruiz per racer, each claiming the slot {@code slotOf} gives its index. */
    private List<BookingChange> exclusiveInserts(int threads, IntFunction<Interval> slotOf) {
        List<BookingChange> inserts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            inserts.add(insertOf(spec(TENANT_A, RUIZ, slotOf.apply(i)), SlotClaim.EXCLUSIVE));
        }
        return inserts;
    }

    /** Starts every insert at once, one thread each; the answers in thread order. */
    private List<SaveResult> raceInserts(List<BookingChange> inserts) throws Exception {
        return Race.of(inserts.size()).run(i -> () -> repository.insert(inserts.get(i)));
    }

    @Test
    @DisplayName("R10 writers racing for a chain of slots, each overlapping only its neighbours: no two SAVED "
            + "bookings overlap, and each SLOT_TAKEN one overlaps a SAVED one, in every round")
    public void racingInsertsOfAChainOfSlotsNeverOverlap() throws Exception {
        inEveryRound((round, threads) -> {
            // 45 minutes every 30: slot i meets slots i - 1 and i + 1 for 15 minutes, no other.
            List<BookingChange> inserts = exclusiveInserts(threads, i -> raceSlot(round, 30L * i, 45));

            List<SaveResult> results = raceInserts(inserts);

            assertThat(results).as("round %d: answers in thread order", round)
                    .allMatch(r -> r == SaveResult.SAVED || r == SaveResult.SLOT_TAKEN);
            List<Booking> saved = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                if (results.get(i) == SaveResult.SAVED) {
                    saved.add(inserts.get(i).booking());
                }
            }
            assertThat(repository.calendar(TENANT_A, RUIZ.id(), roundWindow(round))).as("round %d", round)
                    .containsExactlyElementsOf(saved);
            for (int a = 0; a < saved.size(); a++) {
                for (int b = a + 1; b < saved.size(); b++) {
                    assertThat(saved.get(a).slot().overlaps(saved.get(b).slot()))
                            .as("round %d: SAVED %s and %s overlap; answers %s", round, saved.get(a).slot(),
                                    saved.get(b).slot(), results)
                            .isFalse();
                }
            }
            for (int i = 0; i < threads; i++) {
                if (results.get(i) == SaveResult.SLOT_TAKEN) {
                    Interval refused = inserts.get(i).booking().slot();
                    assertThat(saved).as("round %d: refused %s overlaps a SAVED booking", round, refused)
                            .anyMatch(b -> b.slot().overlaps(refused));
                    nothingWrittenOf(round, inserts.get(i));
                }
            }
        });
    }

    @Test
    @DisplayName("R10 bookings moved onto one slot racing new bookings of it: exactly one write is SAVED, the "
            + "other moves and inserts SLOT_TAKEN, the losing bookings where they were, in every round")
    public void racingMovesAndInsertsOfOneSlotSaveOne() throws Exception {
        inEveryRound((round, threads) -> {
            Interval target = raceSlot(round, 0, 60);
            List<Booking> movers = new ArrayList<>();
            List<BookingChange> writes = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                if (i % 2 == 0) {
                    Booking mover = insert(spec(TENANT_A, RUIZ, raceSlot(round, 120 + 15L * i, 15)));
                    movers.add(mover);
                    writes.add(changeOf(mover, SlotClaim.EXCLUSIVE, mover.reschedule(STAFF, changedAt(i), target,
                            RUIZ, ReminderState.none(), null)));
                } else {
                    movers.add(null);
                    writes.add(insertOf(spec(TENANT_A, RUIZ, target), SlotClaim.EXCLUSIVE));
                }
            }

            List<SaveResult> results = Race.of(threads).run(i -> () -> writes.get(i).isInsert()
                    ? repository.insert(writes.get(i)) : repository.update(writes.get(i)));

            int winner = onlyWinner(round, results, SaveResult.SLOT_TAKEN);
            assertThat(repository.calendar(TENANT_A, RUIZ.id(), target)).as("round %d: the slot", round)
                    .containsExactly(writes.get(winner).booking());
            for (int i = 0; i < threads; i++) {
                if (i == winner) {
                    continue;
                }
                if (movers.get(i) == null) {
                    nothingWrittenOf(round, writes.get(i));
                } else {
                    assertThat(repository.find(TENANT_A, movers.get(i).id()))
                            .as("round %d: refused move of %s", round, movers.get(i).id()).contains(movers.get(i));
                }
            }
        });
    }

    @Test
    @DisplayName("writers racing to change one booking, all decided on the same version: exactly one is SAVED, "
            + "every other VERSION_CONFLICT with nothing of it written, in every round")
    public void racingUpdatesOfOneVersionSaveOne() throws Exception {
        inEveryRound((round, threads) -> {
            Booking booking = insert(spec(TENANT_A, RUIZ, raceSlot(round, 0, 60)));
            List<Transition> changes = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Instant at = changedAt(i);
                changes.add(switch (i % 4) {
                    case 0 -> booking.confirm(STAFF, at);
                    case 1 -> booking.cancel(ANA_ACTS, at, "race " + i, null, false, null);
                    case 2 -> booking.reschedule(STAFF, at, raceSlot(round, 120 + 15L * i, 15), RUIZ,
                            ReminderState.none(), null);
                    default -> booking.decline(ANA_ACTS, at, null, false);
                });
            }

            List<SaveResult> results = Race.of(threads).run(i -> () -> repository.update(changeOf(booking,
                    i % 4 == 2 ? SlotClaim.EXCLUSIVE : SlotClaim.NONE, changes.get(i))));

            int winner = onlyWinner(round, results, SaveResult.VERSION_CONFLICT);
            Transition won = changes.get(winner);
            assertThat(repository.find(TENANT_A, booking.id())).as("round %d", round).contains(won.booking());
            assertThat(repository.history(TENANT_A, booking.id())).as("round %d: Booked, then the winner's event only",
                    round).hasSize(2).last().isEqualTo(won.event());
        });
    }
}
