package org.bookingrules.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.BOB;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.TENANT;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.bookingrules.Outcome;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.spi.Availability;
import org.bookingrules.spi.NotificationKind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The identity check a manage link needs before it acts (R8), the
 * built-in checks, and the lockout after repeated failures.
 */
class IdentityCheckTest {

    private static final LocalDate ANA_BORN = LocalDate.of(1990, 4, 17);
    private static final IdentityCheck.DateOfBirthLookup LOOKUP = (tenantId, customerId) ->
            TENANT.equals(tenantId) && ANA.id().equals(customerId) ? Optional.of(ANA_BORN) : Optional.empty();

    /** A fresh world for each test: JUnit makes a new instance of this class per test. */
    private final SelfServiceFixture f = new SelfServiceFixture();

    private static LinkResult.Denied<Grant> denied(LinkResult<Grant> result) {
        assertThat(result).as("identity result").isInstanceOf(LinkResult.Denied.class);
        return (LinkResult.Denied<Grant>) result;
    }

    private static String wrong(int i) {
        return "intruder" + i + "@example.org";
    }

    /** Answers the identity check on a token wrongly {@code times} times, each with another wrong e-mail. */
    private void answerWrongly(String token, int times) {
        for (int i = 0; i < times; i++) {
            f.selfService.verifyIdentity(token, wrong(i));
        }
    }

    // ---------------------------------------------------------------------------------- lockout

    @Test
    @DisplayName("R8: five wrong answers leave 4,3,2,1,0 attempts; the sixth within 15 minutes is LOCKED; a right answer during the lock is LOCKED; after the lock it yields a Grant that acts")
    void r8_sixth_wrong_answer_locks_and_the_lock_ends() {
        Booking booking = f.bookForAna(Duration.ofDays(3));
        String token = f.tokenFromNotification(booking, NotificationKind.BOOKED);
        Instant t0 = f.clock.instant();

        List<Integer> attemptsLeft = new ArrayList<>();
        List<Instant> lockTimes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            f.clock.setInstant(t0.plus(Duration.ofMinutes(i)));
            LinkResult.Denied<Grant> wrong = denied(f.selfService.verifyIdentity(token, wrong(i)));
            assertThat(wrong.denial()).isEqualTo(LinkDenial.WRONG_ANSWER);
            attemptsLeft.add(wrong.attemptsLeft());
            lockTimes.add(wrong.lockedUntil());
        }
        Instant lockedUntil = t0.plus(Duration.ofMinutes(4)).plus(LockoutPolicy.DEFAULT.lockFor());
        assertThat(attemptsLeft).containsExactly(4, 3, 2, 1, 0);
        assertThat(lockTimes).containsExactly(null, null, null, null, lockedUntil);

        f.clock.setInstant(t0.plus(Duration.ofMinutes(5)));
        LinkResult.Denied<Grant> sixth = denied(f.selfService.verifyIdentity(token, wrong(6)));
        assertThat(sixth.denial()).isEqualTo(LinkDenial.LOCKED);
        assertThat(sixth.lockedUntil()).isEqualTo(lockedUntil);

        f.clock.setInstant(t0.plus(Duration.ofMinutes(10)));
        LinkResult.Denied<Grant> rightDuringLock = denied(f.selfService.verifyIdentity(token, ANA.email()));
        assertThat(rightDuringLock.denial()).isEqualTo(LinkDenial.LOCKED);
        assertThat(rightDuringLock.lockedUntil()).as("tries during the lock do not extend it").isEqualTo(lockedUntil);
        f.clock.setInstant(lockedUntil.minusSeconds(1));
        assertThat(denied(f.selfService.verifyIdentity(token, ANA.email())).denial()).isEqualTo(LinkDenial.LOCKED);

        f.clock.setInstant(lockedUntil.plusSeconds(1));
        LinkResult<Grant> after = f.selfService.verifyIdentity(token, ANA.email());

        assertThat(after).isInstanceOf(LinkResult.Ok.class);
        Grant grant = after.orElseThrow();
        assertThat(grant.expiresAt()).isEqualTo(lockedUntil.plusSeconds(1).plus(SelfService.DEFAULT_GRANT_VALIDITY));
        Outcome confirmed = f.selfService.confirm(grant.token()).orElseThrow();
        assertThat(confirmed.orElseThrow().booking().status()).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(denied(f.selfService.verifyIdentity(token, wrong(7))).attemptsLeft())
                .as("a passed check forgets earlier failures").isEqualTo(4);
    }

    @Test
    @DisplayName("R8: failures older than the 15-minute window do not count: 4 wrong, wait 15 min, 4 wrong: not locked")
    void r8_failures_older_than_the_window_do_not_count() {
        String token = f.anaBookingToken(Duration.ofDays(3));
        Instant t0 = f.clock.instant();

        for (int i = 0; i < 4; i++) {
            assertThat(denied(f.selfService.verifyIdentity(token, wrong(i))).attemptsLeft()).isEqualTo(4 - i);
        }
        f.clock.setInstant(t0.plus(LockoutPolicy.DEFAULT.window()));
        List<LinkResult.Denied<Grant>> second = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            second.add(denied(f.selfService.verifyIdentity(token, wrong(10 + i))));
        }

        assertThat(second).extracting(LinkResult.Denied::denial).containsOnly(LinkDenial.WRONG_ANSWER);
        assertThat(second).extracting(LinkResult.Denied::attemptsLeft).containsExactly(4, 3, 2, 1);
        assertThat(second).extracting(LinkResult.Denied::lockedUntil).containsOnlyNulls();
        assertThat(f.selfService.verifyIdentity(token, ANA.email())).isInstanceOf(LinkResult.Ok.class);
    }

    @Test
    @DisplayName("R8: control: 4 wrong, wait 14 min 59 s, 1 wrong: the fifth failure in the window locks the link")
    void r8_fifth_failure_inside_the_window_locks() {
        String token = f.anaBookingToken(Duration.ofDays(3));
        Instant t0 = f.clock.instant();
        answerWrongly(token, 4);
        Instant fifthAt = t0.plus(Duration.ofMinutes(15)).minusSeconds(1);
        f.clock.setInstant(fifthAt);

        LinkResult.Denied<Grant> fifth = denied(f.selfService.verifyIdentity(token, wrong(5)));

        assertThat(fifth.attemptsLeft()).isZero();
        assertThat(fifth.lockedUntil()).isEqualTo(fifthAt.plus(Duration.ofMinutes(15)));
        assertThat(denied(f.selfService.verifyIdentity(token, ANA.email())).denial()).isEqualTo(LinkDenial.LOCKED);
    }

    @Test
    @DisplayName("R8: after a lock ends the count starts again: the next wrong answer leaves 4 attempts")
    void r8_count_starts_again_after_the_lock() {
        String token = f.anaBookingToken(Duration.ofDays(3));
        answerWrongly(token, 5);
        Instant lockedUntil = NOW.plus(LockoutPolicy.DEFAULT.lockFor());
        assertThat(denied(f.selfService.verifyIdentity(token, wrong(5))).denial()).isEqualTo(LinkDenial.LOCKED);

        f.clock.setInstant(lockedUntil);
        LinkResult.Denied<Grant> next = denied(f.selfService.verifyIdentity(token, wrong(6)));

        assertThat(next).isEqualTo(new LinkResult.Denied<Grant>(LinkDenial.WRONG_ANSWER, null, 4));
    }

    @Test
    @DisplayName("R8: 20 wrong answers arriving at once, all reading the guard before any failure is stored (as on a database), get at most 5 answers checked; the rest are LOCKED")
    void r8_concurrent_guesses_are_limited_too() throws Exception {
        int threads = 20;
        SlowReadGuardStore store = new SlowReadGuardStore(threads);
        AtomicInteger checked = new AtomicInteger();
        IdentityCheck counting = (booking, answer) -> {
            checked.incrementAndGet();
            return IdentityCheck.email().passes(booking, answer);
        };
        SelfServiceFixture configured = new SelfServiceFixture(BookingPolicy.ofDefaults(), Availability.ALWAYS_OPEN, counting,
                LockoutPolicy.DEFAULT, store);
        Booking booking = configured.bookForAna(Duration.ofDays(3));
        String token = configured.tokenFromNotification(booking, NotificationKind.BOOKED);
        store.synchronize(true);

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<LinkResult<Grant>>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                String answer = wrong(i);
                futures.add(pool.submit(() -> configured.selfService.verifyIdentity(token, answer)));
            }
            List<LinkDenial> denials = new ArrayList<>();
            for (Future<LinkResult<Grant>> future : futures) {
                denials.add(denied(future.get(60, TimeUnit.SECONDS)).denial());
            }
            store.synchronize(false);

            assertThat(denials).hasSize(threads).doesNotContainNull();
            assertThat(configured.guards.state(TENANT, booking.id()).isLockedAt(configured.clock.instant()))
                    .as("the link ends up locked").isTrue();
            assertThat(checked.get()).as("answers checked out of %d concurrent guesses; denials %s", threads, denials)
                    .isLessThanOrEqualTo(LockoutPolicy.DEFAULT.maxFailures());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The in-memory guard store, except that while {@link #synchronize} is on, every read waits
     * (up to 5 s) until all the concurrent callers have read: what a database gives when requests
     * arrive together, each reading before any has written.
     */
    private static final class SlowReadGuardStore implements LinkGuardStore {
        private final InMemoryLinkGuardStore delegate = new InMemoryLinkGuardStore();
        private final CyclicBarrier barrier;
        private volatile boolean synchronize;

        SlowReadGuardStore(int parties) {
            barrier = new CyclicBarrier(parties);
        }

        void synchronize(boolean on) {
            synchronize = on;
        }

        @Override
        public GuardState state(String tenantId, String bookingId) {
            GuardState state = delegate.state(tenantId, bookingId);
            if (synchronize) {
                try {
                    barrier.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (BrokenBarrierException | TimeoutException e) {
                    // Fewer readers than parties (an implementation that reads less): go on unsynchronized.
                }
            }
            return state;
        }

        @Override
        public GuardState update(String tenantId, String bookingId, UnaryOperator<GuardState> change) {
            return delegate.update(tenantId, bookingId, change);
        }
    }

    @Test
    @DisplayName("R8: the lock is the booking's: a newly issued link is LOCKED too; another booking is not; revokeLinks voids the old links and the new generation starts unlocked")
    void r8_lock_holds_for_every_link_of_the_booking() {
        SelfServiceFixture.TwoBookings ana = f.twoBookingsForAna();
        answerWrongly(ana.firstToken(), 5);

        assertThat(denied(f.selfService.verifyIdentity(f.links.issueManage(ana.first()), ANA.email())).denial())
                .isEqualTo(LinkDenial.LOCKED);
        assertThat(f.selfService.verifyIdentity(ana.secondToken(), ANA.email()))
                .as("control: Ana's other booking").isInstanceOf(LinkResult.Ok.class);
        f.selfService.revokeLinks(TENANT, ana.first().id());
        assertThat(denied(f.selfService.verifyIdentity(ana.firstToken(), ANA.email())).denial())
                .as("the old link after revokeLinks").isEqualTo(LinkDenial.LINK_INVALID);
        assertThat(f.selfService.verifyIdentity(f.links.issueManage(ana.first()), ANA.email()))
                .as("a link of the new generation").isInstanceOf(LinkResult.Ok.class);
    }

    @Test
    @DisplayName("R8: the lockout is configurable: 3 failures in 10 minutes lock the link for 1 hour")
    void r8_lockout_is_configurable() {
        SelfServiceFixture configured = new SelfServiceFixture(BookingPolicy.ofDefaults(), Availability.ALWAYS_OPEN,
                IdentityCheck.email(), new LockoutPolicy(3, Duration.ofMinutes(10), Duration.ofHours(1)));
        Booking booking = configured.bookForAna(Duration.ofDays(3));
        String token = configured.tokenFromNotification(booking, NotificationKind.BOOKED);

        List<Integer> left = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            left.add(denied(configured.selfService.verifyIdentity(token, wrong(i))).attemptsLeft());
        }

        assertThat(left).containsExactly(2, 1, 0);
        LinkResult.Denied<Grant> locked = denied(configured.selfService.verifyIdentity(token, ANA.email()));
        assertThat(locked.denial()).isEqualTo(LinkDenial.LOCKED);
        assertThat(locked.lockedUntil()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        configured.clock.setInstant(NOW.plus(Duration.ofMinutes(59)));
        assertThat(denied(configured.selfService.verifyIdentity(token, ANA.email())).denial()).isEqualTo(LinkDenial.LOCKED);
        configured.clock.setInstant(NOW.plus(Duration.ofHours(1)).plusSeconds(1));
        assertThat(configured.selfService.verifyIdentity(token, ANA.email())).isInstanceOf(LinkResult.Ok.class);
    }

    @Test
    @DisplayName("R8: a lockout policy out of range is refused naming the field; the short form of the default is 5 in 15 minutes for 15 minutes")
    void r8_lockout_policy_validates() {
        assertThat(LockoutPolicy.DEFAULT)
                .isEqualTo(new LockoutPolicy(5, Duration.ofMinutes(15), Duration.ofMinutes(15)));
        assertThatThrownBy(() -> new LockoutPolicy(0, Duration.ofMinutes(1), Duration.ofMinutes(1)))
                .hasMessageContaining("maxFailures");
        assertThatThrownBy(() -> new LockoutPolicy(101, Duration.ofMinutes(1), Duration.ofMinutes(1)))
                .hasMessageContaining("maxFailures");
        assertThatThrownBy(() -> new LockoutPolicy(5, Duration.ZERO, Duration.ofMinutes(1)))
                .hasMessageContaining("window");
        assertThatThrownBy(() -> new LockoutPolicy(5, Duration.ofMinutes(1), Duration.ofSeconds(-1)))
                .hasMessageContaining("lockFor");
    }

    // ----------------------------------------------------------------------------------- e-mail

    static Stream<Arguments> emailAnswers() {
        String email = ANA.email();
        return Stream.of(
                Arguments.of("exact", email, true),
                Arguments.of("trimmed and mixed case", "  ANA@Example.org ", true),
                Arguments.of("upper case", email.toUpperCase(), true),
                Arguments.of("tab and newline around", "\t" + email + "\n", true),
                Arguments.of("320 characters with padding", email + " ".repeat(320 - email.length()), true),
                Arguments.of("321 characters with padding", email + " ".repeat(321 - email.length()), false),
                Arguments.of("another address", "bob@example.org", false),
                Arguments.of("another domain", "ana@example.com", false),
                Arguments.of("one letter more", "anna@example.org", false),
                Arguments.of("space inside", "ana @example.org", false),
                Arguments.of("prefix of it", "ana@example.or", false),
                Arguments.of("empty", "", false),
                Arguments.of("blank", "   ", false),
                Arguments.of("null", null, false),
                Arguments.of("overlong", "a".repeat(10_000), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emailAnswers")
    @DisplayName("R8: the e-mail check is trimmed and case-insensitive; wrong, blank, null and overlong answers fail")
    void r8_email_check(String name, String answer, boolean passes) {
        Booking booking = f.bookForAna(Duration.ofDays(3));

        assertThat(IdentityCheck.email().passes(booking, answer)).isEqualTo(passes);
        LinkResult<Grant> result = f.selfService.verifyIdentity(f.tokenFromNotification(booking,
                NotificationKind.BOOKED), answer);
        if (passes) {
            assertThat(result).isInstanceOf(LinkResult.Ok.class);
        } else {
            assertThat(result).isEqualTo(new LinkResult.Denied<>(LinkDenial.WRONG_ANSWER, null, 4));
        }
    }

    @Test
    @DisplayName("R8: the e-mail check never passes for a customer with no e-mail stored, not even an empty answer")
    void r8_email_check_without_stored_email_fails() {
        Booking bobs = f.book(TENANT, BOB, NOW.plus(Duration.ofDays(3)));

        for (String answer : new String[] {null, "", " ", BOB.phone(), "null", ANA.email()}) {
            assertThat(IdentityCheck.email().passes(bobs, answer)).as("answer %s", answer).isFalse();
        }
    }

    // ------------------------------------------------------------------------ confirmation code

    @Test
    @DisplayName("R8: the confirmation-code check passes the booking's code, trimmed and case-insensitive, and fails another booking's, blank, null and overlong answers")
    void r8_confirmation_code_check() {
        SelfServiceFixture configured = new SelfServiceFixture(BookingPolicy.ofDefaults(), Availability.ALWAYS_OPEN,
                IdentityCheck.confirmationCode(), LockoutPolicy.DEFAULT);
        Booking booking = configured.bookForAna(Duration.ofDays(3));
        Booking other = configured.bookForAna(Duration.ofDays(4));
        String code = booking.confirmationCode();
        IdentityCheck check = IdentityCheck.confirmationCode();
        assertThat(code).isNotEqualTo(other.confirmationCode());

        assertThat(check.passes(booking, code)).isTrue();
        assertThat(check.passes(booking, "  " + code.toLowerCase() + " ")).isTrue();
        assertThat(check.passes(booking, code.toUpperCase())).isTrue();
        for (String answer : new String[] {other.confirmationCode(), code + "X", code.substring(1), "", "  ", null,
                ANA.email(), code + " ".repeat(400)}) {
            assertThat(check.passes(booking, answer)).as("answer %s", answer).isFalse();
        }

        String token = configured.tokenFromNotification(booking, NotificationKind.BOOKED);
        assertThat(configured.selfService.verifyIdentity(token, ANA.email()))
                .as("the e-mail is not the answer under this check")
                .isEqualTo(new LinkResult.Denied<>(LinkDenial.WRONG_ANSWER, null, 4));
        assertThat(configured.selfService.verifyIdentity(token, " " + code.toLowerCase())).isInstanceOf(LinkResult.Ok.class);
    }

    // ---------------------------------------------------------------------------- date of birth

    @Test
    @DisplayName("R8: the date-of-birth check passes the looked-up date as ISO yyyy-MM-dd and fails other dates, other formats, unknown customers, blank, null and overlong answers")
    void r8_date_of_birth_check() {
        SelfServiceFixture configured = new SelfServiceFixture(BookingPolicy.ofDefaults(), Availability.ALWAYS_OPEN,
                IdentityCheck.dateOfBirth(LOOKUP), LockoutPolicy.DEFAULT);
        Booking anas = configured.bookForAna(Duration.ofDays(3));
        Booking bobs = configured.book(TENANT, BOB, NOW.plus(Duration.ofDays(4)));
        IdentityCheck check = IdentityCheck.dateOfBirth(LOOKUP);

        assertThat(check.passes(anas, "1990-04-17")).isTrue();
        assertThat(check.passes(anas, " 1990-04-17\n")).isTrue();
        for (String answer : new String[] {"1990-04-18", "1991-04-17", "1990-4-17", "17/04/1990", "04/17/1990",
                "19900417", "1990-04-17T00:00", "", "  ", null, "1990-04-17" + " ".repeat(400), ANA.email()}) {
            assertThat(check.passes(anas, answer)).as("answer %s", answer).isFalse();
        }
        assertThat(check.passes(bobs, "1990-04-17")).as("no date stored for Bob").isFalse();

        assertThat(configured.selfService.verifyIdentity(configured.tokenFromNotification(anas, NotificationKind.BOOKED), "1990-04-17"))
                .isInstanceOf(LinkResult.Ok.class);
        assertThat(configured.selfService.verifyIdentity(configured.tokenFromNotification(bobs, NotificationKind.BOOKED), "1990-04-17"))
                .isEqualTo(new LinkResult.Denied<>(LinkDenial.WRONG_ANSWER, null, 4));
        assertThatThrownBy(() -> IdentityCheck.dateOfBirth(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    @DisplayName("R8: sameText compares exactly and fails for null or empty stored values")
    void r8_same_text() {
        assertThat(IdentityCheck.sameText("abc", "abc")).isTrue();
        assertThat(IdentityCheck.sameText("abc", "ABC")).isFalse();
        assertThat(IdentityCheck.sameText("abc", "abcd")).isFalse();
        assertThat(IdentityCheck.sameText(null, "abc")).isFalse();
        assertThat(IdentityCheck.sameText("abc", null)).isFalse();
        assertThat(IdentityCheck.sameText("", "")).isFalse();
    }
}
