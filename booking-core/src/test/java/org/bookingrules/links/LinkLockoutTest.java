package org.bookingrules.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.TENANT;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.spi.Availability;
import org.bookingrules.spi.NotificationKind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The escalating lockout through {@link SelfService} on a {@link org.threeten.extra.MutableClock}
 * (R8): what an attacker holding a forwarded link can try over 30 days, right answers capped, staff
 * told and able to unlock, answers normalised. The month-long simulations are tagged {@code slow}
 * (a quarter of a million checks each): mutation testing leaves them out, every mutant they kill
 * being killed by a faster test too (booking-core's pom).
 */
@DisplayName("Escalating lockout of manage links (R8)")
class LinkLockoutTest {

    private static final Duration EVERY_TEN_SECONDS = Duration.ofSeconds(10);
    private static final Duration THIRTY_DAYS = Duration.ofDays(30);

    /** An identity check that counts how many answers it looked at. */
    private static final class Counting implements IdentityCheck {
        private final IdentityCheck check;
        private final AtomicInteger looked = new AtomicInteger();

        Counting(IdentityCheck check) {
            this.check = check;
        }

        @Override
        public boolean passes(Booking booking, String answer) {
            looked.incrementAndGet();
            return check.passes(booking, answer);
        }
    }

    private static SelfServiceFixture fixture(IdentityCheck identity) {
        return new SelfServiceFixture(BookingPolicy.ofDefaults(), Availability.ALWAYS_OPEN, identity,
                LockoutPolicy.DEFAULT);
    }

    private static LinkResult.Denied<Grant> denied(LinkResult<Grant> result) {
        assertThat(result).as("identity result").isInstanceOf(LinkResult.Denied.class);
        return (LinkResult.Denied<Grant>) result;
    }

    @Test
    @Tag("slow")
    @DisplayName("R8 a wrong answer every 10 s around the clock for 30 days: 20 answers looked at, then only staff or a new link open it")
    void thirtyDaysOfGuessing() {
        Counting identity = new Counting(IdentityCheck.email());
        SelfServiceFixture f = fixture(identity);
        Booking booking = f.bookForAna(Duration.ofDays(60));
        String token = f.tokenFromNotification(booking, NotificationKind.BOOKED);
        Instant start = f.clock.instant();
        int wrongAnswers = 0;
        int tries = 0;
        List<LinkDenial> denials = new ArrayList<>();

        for (Instant t = start; t.isBefore(start.plus(THIRTY_DAYS)); t = t.plus(EVERY_TEN_SECONDS)) {
            f.clock.setInstant(t);
            LinkResult.Denied<Grant> answer = denied(f.selfService.verifyIdentity(token, "guess" + tries + "@example.org"));
            tries++;
            if (answer.denial() == LinkDenial.WRONG_ANSWER) {
                wrongAnswers++;
            }
            if (denials.isEmpty() || denials.get(denials.size() - 1) != answer.denial()) {
                denials.add(answer.denial());
            }
        }

        assertThat(tries).isEqualTo(259_200);
        assertThat(identity.looked.get()).as("answers looked at in 30 days").isEqualTo(20).isLessThanOrEqualTo(30);
        assertThat(wrongAnswers).as("WRONG_ANSWER replies; the 20th answer replies NEEDS_NEW_LINK").isEqualTo(19);
        assertThat(denials).endsWith(LinkDenial.NEEDS_NEW_LINK);
        assertThat(denied(f.selfService.verifyIdentity(token, ANA.email())).denial())
                .as("the right answer after 30 days").isEqualTo(LinkDenial.NEEDS_NEW_LINK);
        assertThat(f.locks).extracting(LinkLock::cause).containsOnly(LinkLock.Cause.WRONG_ANSWERS);
        assertThat(f.locks).hasSizeGreaterThanOrEqualTo(3).last().satisfies(lock -> {
            assertThat(lock.needsNewLink()).isTrue();
            assertThat(lock.lockedUntil()).isNull();
            assertThat(lock.bookingId()).isEqualTo(booking.id());
            assertThat(lock.wrongAnswersLast30Days()).isEqualTo(20);
        });
        assertThat(f.selfService.guardState(TENANT, booking.id()).needsNewLink()).isTrue();

        f.selfService.unlockLinks(Actor.staff("desk-1"), TENANT, booking.id());
        assertThat(f.selfService.verifyIdentity(token, ANA.email())).as("after staff unlocked it")
                .isInstanceOf(LinkResult.Ok.class);
    }

    @Test
    @Tag("slow")
    @DisplayName("R8 the locks of an attack escalate: 15 min after 5, the daily cap at 10 holds a day, then 1 h, 2 h, then staff at 20")
    void theLocksOfAnAttack() {
        SelfServiceFixture f = fixture(IdentityCheck.email());
        String token = f.anaBookingToken(Duration.ofDays(60));
        Instant start = f.clock.instant();

        for (Instant t = start; t.isBefore(start.plus(Duration.ofDays(3))); t = t.plus(EVERY_TEN_SECONDS)) {
            f.clock.setInstant(t);
            f.selfService.verifyIdentity(token, "guess@example.org");
        }

        List<Duration> lengths = f.locks.stream()
                .map(lock -> lock.needsNewLink() ? Duration.ZERO : Duration.between(lock.at(), lock.lockedUntil()))
                .toList();
        // 5 wrong (40 s) lock 15 min; 5 more reach the daily cap: locked until the first is a day old.
        // A day later the 11th still makes 10 in 24 hours: the third lock, 1 h, outlasts the 10 s
        // until the day frees. Then 5 in the window lock 2 h, and the 20th in 30 days needs staff.
        assertThat(lengths).hasSize(5);
        assertThat(lengths.get(0)).isEqualTo(Duration.ofMinutes(15));
        assertThat(f.locks.get(1).lockedUntil()).isEqualTo(start.plus(Duration.ofDays(1)));
        assertThat(lengths.subList(2, 4)).containsExactly(Duration.ofHours(1), Duration.ofHours(2));
        assertThat(f.locks.get(4).needsNewLink()).isTrue();
        assertThat(f.locks.get(4).wrongAnswersLast30Days()).isEqualTo(20);
    }

    @Test
    @Tag("slow")
    @DisplayName("R8 a date-of-birth search over the 365 days of a known year cannot finish in 30 days; control: a date among the first 20 is found")
    void birthdaySearch() {
        LocalDate born = LocalDate.of(1990, 12, 31);
        LocalDate bornEarly = LocalDate.of(1990, 1, 15);
        assertThat(searchBirthday(born)).as("Dec 31 searched from Jan 1").isEmpty();
        assertThat(searchBirthday(bornEarly)).as("control: the same search finds Jan 15").contains(bornEarly);
    }

    /** Tries the days of 1990 in order, one every 10 s whenever the link is not locked, for 30 days. */
    private static Optional<LocalDate> searchBirthday(LocalDate born) {
        IdentityCheck dob = IdentityCheck.dateOfBirth((tenant, customer) -> Optional.of(born));
        SelfServiceFixture f = fixture(dob);
        String token = f.anaBookingToken(Duration.ofDays(60));
        Instant start = f.clock.instant();
        LocalDate guess = LocalDate.of(1990, 1, 1);
        for (Instant t = start; t.isBefore(start.plus(THIRTY_DAYS)) && guess.getYear() == 1990;
             t = t.plus(EVERY_TEN_SECONDS)) {
            f.clock.setInstant(t);
            LinkResult<Grant> answer = f.selfService.verifyIdentity(token, guess.toString());
            if (answer instanceof LinkResult.Ok) {
                return Optional.of(guess);
            }
            if (((LinkResult.Denied<Grant>) answer).denial() == LinkDenial.WRONG_ANSWER) {
                guess = guess.plusDays(1);
            }
        }
        return Optional.empty();
    }

    @Test
    @DisplayName("R8 right answers are capped at 10 an hour: the 11th is LOCKED until the first is an hour old, wrong ones meet the same lock, other bookings are free")
    void rightAnswersAreCapped() {
        SelfServiceFixture f = fixture(IdentityCheck.email());
        SelfServiceFixture.TwoBookings ana = f.twoBookingsForAna();
        String token = ana.firstToken();
        Instant start = f.clock.instant();
        for (int i = 0; i < LockoutPolicy.DEFAULT.maxGrantsPerHour(); i++) {
            f.clock.setInstant(start.plusSeconds(i));
            assertThat(f.selfService.verifyIdentity(token, ANA.email())).as("right answer %d", i + 1)
                    .isInstanceOf(LinkResult.Ok.class);
        }

        f.clock.setInstant(start.plusSeconds(60));
        LinkResult.Denied<Grant> eleventh = denied(f.selfService.verifyIdentity(token, ANA.email()));

        assertThat(eleventh.denial()).isEqualTo(LinkDenial.LOCKED);
        assertThat(eleventh.lockedUntil()).isEqualTo(start.plus(Duration.ofHours(1)));
        assertThat(denied(f.selfService.verifyIdentity(token, "wrong@example.org")).denial())
                .as("a wrong answer learns nothing: LOCKED too").isEqualTo(LinkDenial.LOCKED);
        assertThat(f.locks).singleElement().extracting(LinkLock::cause).isEqualTo(LinkLock.Cause.RIGHT_ANSWERS);
        assertThat(f.selfService.verifyIdentity(ana.secondToken(), ANA.email())).as("another booking")
                .isInstanceOf(LinkResult.Ok.class);
        f.clock.setInstant(start.plus(Duration.ofHours(1)));
        assertThat(f.selfService.verifyIdentity(token, ANA.email())).as("an hour after the first")
                .isInstanceOf(LinkResult.Ok.class);
    }

    @Test
    @DisplayName("R8 a listener that throws does not change the answer to the check")
    void aThrowingListenerIsContained() {
        SelfServiceFixture f = fixture(IdentityCheck.email());
        SelfService throwing = SelfService.builder().rules(f.rules).repository(f.repository).links(f.links)
                .onLinkLocked(lock -> {
                    throw new IllegalStateException("staff channel down");
                })
                .build();
        String token = f.anaBookingToken(Duration.ofDays(3));
        List<LinkDenial> denials = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            denials.add(denied(throwing.verifyIdentity(token, "wrong@example.org")).denial());
        }

        assertThat(denials).containsExactly(LinkDenial.WRONG_ANSWER, LinkDenial.WRONG_ANSWER, LinkDenial.WRONG_ANSWER,
                LinkDenial.WRONG_ANSWER, LinkDenial.WRONG_ANSWER, LinkDenial.LOCKED);
    }

    @Test
    @DisplayName("R8 staff unlock needs a staff actor and valid ids; a new link generation also opens a link that needs staff")
    void staffAndNewGeneration() {
        SelfServiceFixture f = fixture(IdentityCheck.email());
        Booking booking = f.bookForAna(Duration.ofDays(60));
        f.guards.update(TENANT, booking.id(), state -> new GuardState(state.generation(),
                java.util.Collections.nCopies(20, f.clock.instant()), List.of(), 3, null, true));

        assertThatThrownBy(() -> f.selfService.unlockLinks(null, TENANT, booking.id()))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("staff");
        assertThatThrownBy(() -> f.selfService.unlockLinks(Actor.staff("s"), " ", booking.id()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenantId");
        assertThat(denied(f.selfService.verifyIdentity(f.links.issueManage(booking), ANA.email())).denial())
                .isEqualTo(LinkDenial.NEEDS_NEW_LINK);

        f.selfService.revokeLinks(TENANT, booking.id());

        assertThat(f.selfService.verifyIdentity(f.links.issueManage(booking), ANA.email()))
                .isInstanceOf(LinkResult.Ok.class);
    }

    @ParameterizedTest(name = "R8 the e-mail with {0} around it passes")
    @ValueSource(strings = {"\u00a0", "\u2007", "\u202f", "\u3000", "\u200b", "\ufeff", "\u200e", " \t\u00a0"})
    @DisplayName("R8 Unicode spaces and invisible marks around a right e-mail are ignored")
    void unicodeSpacesAroundTheAnswer(String space) {
        SelfServiceFixture f = fixture(IdentityCheck.email());
        String token = f.anaBookingToken(Duration.ofDays(3));

        assertThat(f.selfService.verifyIdentity(token, space + ANA.email().toUpperCase() + space))
                .isInstanceOf(LinkResult.Ok.class);
    }

    @Test
    @DisplayName("R8 normalisation: full-width forms fold (NFKC); a space inside the answer still fails; dates too")
    void normalisation() {
        assertThat(IdentityCheck.normalize("\u00a0Ana\uff20Example.ORG\u202f")).isEqualTo("ana@example.org");
        assertThat(IdentityCheck.normalize("ana @example.org")).isEqualTo("ana @example.org");
        assertThat(IdentityCheck.normalize(null)).isNull();
        assertThat(IdentityCheck.normalize("x".repeat(IdentityCheck.MAX_ANSWER_LENGTH + 1))).isNull();
        assertThat(IdentityCheck.normalize("\u200b\u00a0")).isEmpty();
        IdentityCheck dob = IdentityCheck.dateOfBirth((tenant, customer) -> Optional.of(LocalDate.of(1990, 4, 17)));
        SelfServiceFixture f = fixture(dob);
        Booking booking = f.bookForAna(Duration.ofDays(3));
        assertThat(dob.passes(booking, "\u00a01990-04-17\u00a0")).isTrue();
        assertThat(dob.passes(booking, "1990-04-18")).isFalse();
        assertThat(IdentityCheck.email().passes(booking, "\u200b")).as("nothing typed").isFalse();
    }

    @Test
    @DisplayName("R8 a key id given twice to the links builder is refused naming it; a second signing key too")
    void keyIdsAreUnique() {
        byte[] k1 = SelfServiceFixture.key(1, ManageLinks.MIN_KEY_BYTES);
        byte[] k2 = SelfServiceFixture.key(2, ManageLinks.MIN_KEY_BYTES);

        assertThatThrownBy(() -> ManageLinks.builder().signingKey("k", k1).verifyingKey("k", k2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'k'").hasMessageContaining("twice");
        assertThatThrownBy(() -> ManageLinks.builder().verifyingKey("old", k1).signingKey("old", k2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'old'");
        assertThatThrownBy(() -> ManageLinks.builder().signingKey("a", k1).signingKey("b", k2))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'a'");
        assertThat(ManageLinks.builder().signingKey("new", k2).verifyingKey("old", k1).build())
                .as("rotation: distinct ids").isNotNull();
    }
}
