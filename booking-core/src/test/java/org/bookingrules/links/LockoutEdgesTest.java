package org.bookingrules.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.testing.Fixture.TENANT;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.bookingrules.InvalidRequestException;
import org.bookingrules.model.Booking;
import org.bookingrules.spi.NotificationKind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * R8 at the edges of the escalating lockout: what a denial tells the holder (answers left under
 * the tightest of the three caps), when a lock ends by itself, right answers used up, the most
 * wrong answers a guard keeps, and the limits of the free-slot dates and of link validity.
 */
@DisplayName("R8 lockout edges: answers left, lock ends, caps and limits")
class LockoutEdgesTest {

    private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");

    /** A fresh world for each test: JUnit makes a new instance of this class per test. */
    private final SelfServiceFixture f = new SelfServiceFixture();

    private static List<Instant> daily(int count, Instant last) {
        List<Instant> times = new ArrayList<>();
        for (int i = count - 1; i >= 0; i--) {
            times.add(last.minus(Duration.ofHours(7L * i)));
        }
        return times;
    }

    @Test
    @DisplayName("R8 a wrong answer tells how many are left before the tightest cap: here the 30-day cap, 1 left; "
            + "the next one leaves none and needs staff or a new link, as staff see")
    void attemptsLeftFollowTheThirtyDayCap() {
        Booking booking = f.bookForAna(Duration.ofDays(60));
        Instant now = f.clock.instant();
        // 18 wrong answers over the last 6 days, 7 hours apart: 3 today, none in the short window.
        f.guards.update(TENANT, booking.id(), state -> new GuardState(state.generation(),
                daily(18, now.minus(Duration.ofHours(1))), List.of(), 0, null, false));

        LinkResult<Grant> answer = f.selfService.verifyIdentity(f.tokenFromNotification(booking,
                NotificationKind.BOOKED), "guess@example.org");

        assertThat(answer).isInstanceOfSatisfying(LinkResult.Denied.class, denied -> {
            assertThat(denied.denial()).isEqualTo(LinkDenial.WRONG_ANSWER);
            assertThat(denied.attempts()).as("20 in 30 days, 19 used").hasValue(1);
        });
        LinkResult<Grant> twentieth = f.selfService.verifyIdentity(f.tokenFromNotification(booking,
                NotificationKind.BOOKED), "guess@example.org");

        assertThat(twentieth).isInstanceOfSatisfying(LinkResult.Denied.class, denied -> {
            assertThat(denied.denial()).isEqualTo(LinkDenial.NEEDS_NEW_LINK);
            assertThat(denied.lockedUntil()).isNull();
            assertThat(denied.attempts()).as("none left, which is not the same as unknown").hasValue(0);
        });
        assertThat(f.selfService.guardState(TENANT, booking.id()).needsNewLink()).as("as staff see it").isTrue();
    }

    @Test
    @DisplayName("R8 a lock ends by itself at its end, unless it waits for staff; right answers are used up at "
            + "the 10th within an hour, not at the 9th, and the oldest stops counting an hour on")
    void lockEndAndGrantsUsedUp() {
        GuardState locked = new GuardState(0, List.of(NOW), List.of(), 1, NOW.plusSeconds(900), false);
        GuardState forStaff = new GuardState(0, List.of(NOW), List.of(), 1, NOW.plusSeconds(900), true);
        List<Instant> nine = new ArrayList<>();
        for (int minutesAgo = 54; minutesAgo > 0; minutesAgo -= 6) {
            nine.add(NOW.minus(Duration.ofMinutes(minutesAgo)));
        }
        List<Instant> ten = new ArrayList<>(nine);
        ten.add(NOW);

        assertThat(locked.lockEnd()).contains(NOW.plusSeconds(900));
        assertThat(forStaff.lockEnd()).isEmpty();
        assertThat(GuardState.INITIAL.lockEnd()).isEmpty();
        assertThat(new GuardState(0, List.of(), nine, 0, null, false).grantsUsedUpAt(NOW, LockoutPolicy.DEFAULT))
                .isFalse();
        GuardState tenGrants = new GuardState(0, List.of(), ten, 0, null, false);
        assertThat(tenGrants.grantsUsedUpAt(NOW, LockoutPolicy.DEFAULT)).isTrue();
        assertThat(tenGrants.grantsUsedUpAt(ten.get(0).plus(LockoutPolicy.HOUR), LockoutPolicy.DEFAULT))
                .as("the oldest an hour old").isFalse();
    }

    @Test
    @DisplayName("R8 a guard keeps the newest 100 wrong answers: the 101st drops the oldest")
    void keepsTheNewestHundred() {
        LockoutPolicy roomy = LockoutPolicy.DEFAULT.withCaps(100, 100);
        List<Instant> hundred = new ArrayList<>();
        for (int i = 100; i >= 1; i--) {
            hundred.add(NOW.minus(Duration.ofMinutes(400L * i)));
        }
        GuardState full = new GuardState(0, hundred, List.of(), 0, null, false);

        GuardState after = full.afterFailure(NOW, roomy);

        assertThat(after.failureTimes()).hasSize(100).startsWith(hundred.get(1)).endsWith(NOW);
        assertThat(after.needsNewLink()).isTrue();
    }

    @Test
    @DisplayName("R8 a lock tells when the link opens by itself, or that staff must act")
    void lockOpensAt() {
        LinkLock timed = new LinkLock(TENANT, "b-1", NOW, NOW.plusSeconds(900), false, LinkLock.Cause.WRONG_ANSWERS, 5);
        LinkLock forStaff = new LinkLock(TENANT, "b-1", NOW, null, true, LinkLock.Cause.WRONG_ANSWERS, 20);

        assertThat(timed.opensAt()).contains(NOW.plusSeconds(900));
        assertThat(forStaff.opensAt()).isEmpty();
    }

    @Test
    @DisplayName("R8 R10 free slots through a link: from 1900 to 8999, at most 31 days after the first day, both "
            + "ends included; outside them the date is named")
    void freeSlotDates() {
        LocalDate day = LocalDate.of(2026, 3, 10);

        assertThat(f.selfService.freeSlots("no-grant", day, day.plusDays(SelfService.MAX_FREE_SLOT_DAYS)))
                .as("31 days: allowed, the token then checked").isInstanceOf(LinkResult.Denied.class);
        assertThat(f.selfService.freeSlots("no-grant", LocalDate.of(1900, 1, 1), LocalDate.of(1900, 1, 2)))
                .isInstanceOf(LinkResult.Denied.class);
        assertThat(f.selfService.freeSlots("no-grant", LocalDate.of(8999, 12, 1), LocalDate.of(8999, 12, 31)))
                .isInstanceOf(LinkResult.Denied.class);
        assertThat(f.selfService.freeSlots("no-grant", day, day)).isInstanceOf(LinkResult.Denied.class);
        assertNames(() -> f.selfService.freeSlots("no-grant", day, day.plusDays(SelfService.MAX_FREE_SLOT_DAYS + 1)),
                "to");
        assertNames(() -> f.selfService.freeSlots("no-grant", day, day.minusDays(1)), "to");
        assertNames(() -> f.selfService.freeSlots("no-grant", LocalDate.of(1899, 12, 31), LocalDate.of(1900, 1, 2)),
                "from");
        assertNames(() -> f.selfService.freeSlots("no-grant", LocalDate.of(8999, 12, 31), LocalDate.of(9000, 1, 1)),
                "to");
        assertNames(() -> f.selfService.freeSlots("no-grant", LocalDate.of(1900, 1, 1), LocalDate.of(9000, 1, 1)),
                "to");
    }

    private static void assertNames(Runnable call, String field) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(InvalidRequestException.class,
                e -> assertThat(e.fields()).containsExactly(field));
    }

    @Test
    @DisplayName("R8 manage links stay valid 0 to 366 days after the booking's end, both ends included")
    void validityAfterEndLimits() {
        assertThat(ManageLinks.builder().validityAfterEnd(Duration.ZERO)).isNotNull();
        assertThat(ManageLinks.builder().validityAfterEnd(Duration.ofDays(366))).isNotNull();
        assertThatThrownBy(() -> ManageLinks.builder().validityAfterEnd(Duration.ofDays(366).plusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("validityAfterEnd");
        assertThatThrownBy(() -> ManageLinks.builder().validityAfterEnd(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("validityAfterEnd");
    }
}
