package org.bookingrules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Locale;
import java.util.function.IntFunction;
import org.bookingrules.links.LockoutPolicy;
import org.bookingrules.links.SelfService;
import org.bookingrules.memory.InMemoryBookingRepository;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.bookingrules.spi.WeeklyHours;
import org.bookingrules.testing.Fixture;
import org.bookingrules.testing.RecordingNotifier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.threeten.extra.Interval;
import org.threeten.extra.MutableClock;

/**
 * Settings with limits (STYLE 6): each limit holds exactly, the first value past it fails at once
 * naming the setting and the value, and a setting taken is used.
 */
@DisplayName("Setting limits: exact at both ends, named when broken")
class SettingLimitsTest {

    private static void limits(String field, int min, int max, IntFunction<Object> set) {
        assertThat(set.apply(min)).as("%s = %d", field, min).isNotNull();
        assertThat(set.apply(max)).as("%s = %d", field, max).isNotNull();
        for (int bad : new int[] {min - 1, max + 1}) {
            assertThatThrownBy(() -> set.apply(bad)).as("%s = %d", field, bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(field + " must be " + min + " to " + max + ", was " + bad);
        }
    }

    @Test
    @DisplayName("The facade's counts: maxAttempts 1 to 100, notificationAttempts 1 to 20, reminderBatch 1 to 100000")
    void facadeCounts() {
        limits("maxAttempts", 1, 100, v -> BookingRules.builder().maxAttempts(v));
        limits("notificationAttempts", 1, 20, v -> BookingRules.builder().notificationAttempts(v));
        limits("reminderBatch", 1, 100_000, v -> BookingRules.builder().reminderBatch(v));
    }

    @Test
    @DisplayName("R1 R14 the confirmation codes and the resource's language set on the builder are used")
    void codesAndDefaultLocaleAreUsed() {
        RecordingNotifier notifier = new RecordingNotifier();
        BookingRules rules = BookingRules.builder().repository(new InMemoryBookingRepository()).notifier(notifier)
                .clock(MutableClock.of(Fixture.NOW, Fixture.ZONE)).confirmationCodes(() -> "CODE42")
                .defaultLocale(Locale.forLanguageTag("es")).build();

        Outcome.Done done = rules.book(Fixture.ANA_ACTS, Fixture.request(Fixture.ANA, Duration.ofDays(3))).orElseThrow();

        assertThat(done.booking().confirmationCode()).isEqualTo("CODE42");
        assertThat(notifier.to(NotificationKind.BOOKED, RecipientRole.RESOURCE)).singleElement()
                .satisfies(n -> assertThat(n.locale()).isEqualTo(Locale.forLanguageTag("es")));
    }

    @Test
    @DisplayName("R8 self-service grants last 1 minute to 24 hours and free slots step at least 5 minutes, both ends "
            + "included")
    void selfServiceDurations() {
        assertThat(SelfService.builder().grantValidity(Duration.ofMinutes(1))).isNotNull();
        assertThat(SelfService.builder().grantValidity(Duration.ofHours(24))).isNotNull();
        assertThat(SelfService.builder().slotStep(BookingRules.MIN_FREE_SLOT_STEP)).isNotNull();
        for (Duration bad : new Duration[] {Duration.ofSeconds(59), Duration.ofHours(24).plusSeconds(1)}) {
            assertThatThrownBy(() -> SelfService.builder().grantValidity(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grantValidity")
                    .hasMessageContaining(bad.toString());
        }
        assertThatThrownBy(() -> SelfService.builder().slotStep(Duration.ofSeconds(299)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slotStep")
                .hasMessageContaining("PT4M59S");
    }

    @Test
    @DisplayName("R8 lockout: a window of exactly a day is allowed, a second more is not; the with-copies change "
            + "only their field")
    void lockoutPolicy() {
        LockoutPolicy d = LockoutPolicy.DEFAULT;
        assertThat(new LockoutPolicy(5, LockoutPolicy.DAY, Duration.ofMinutes(15)).window()).isEqualTo(LockoutPolicy.DAY);
        assertThatThrownBy(() -> new LockoutPolicy(5, LockoutPolicy.DAY.plusSeconds(1), Duration.ofMinutes(15)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window");
        assertThat(d.withCaps(12, 30)).isEqualTo(new LockoutPolicy(d.maxFailures(), d.window(), d.lockFor(),
                d.maxLockFor(), 12, 30, d.maxGrantsPerHour()));
        assertThat(d.withMaxLockFor(Duration.ofHours(2)).maxLockFor()).isEqualTo(Duration.ofHours(2));
        assertThat(d.withMaxGrantsPerHour(3).maxGrantsPerHour()).isEqualTo(3);
        assertThat(new LockoutPolicy(5, Duration.ofMinutes(15), Duration.ofDays(2)).maxLockFor())
                .as("a first lock longer than the default longest is the longest").isEqualTo(Duration.ofDays(2));
    }

    @Test
    @DisplayName("R10 opening hours: open from the opening time until the closing time, on the days given; close "
            + "must follow open and at least one day must be named")
    void weeklyHours() {
        ZoneId madrid = ZoneId.of("Europe/Madrid");
        WeeklyHours hours = WeeklyHours.in(madrid)
                .open(LocalTime.of(9, 0), LocalTime.of(14, 0), DayOfWeek.MONDAY, DayOfWeek.TUESDAY).build();
        // Monday 2 March 2026 in Madrid (UTC+1).
        Instant nine = Instant.parse("2026-03-02T08:00:00Z");

        assertThat(hours.isOpen("t", "r", Interval.of(nine, Duration.ofHours(5)))).isTrue();
        assertThat(hours.isOpen("t", "r", Interval.of(nine.minusSeconds(60), Duration.ofHours(1)))).isFalse();
        assertThat(hours.isOpen("t", "r", Interval.of(nine, Duration.ofHours(5).plusSeconds(60)))).isFalse();
        assertThat(hours.isOpen("t", "r", Interval.of(nine.plus(Duration.ofDays(1)), Duration.ofHours(1)))).isTrue();
        assertThat(hours.isOpen("t", "r", Interval.of(nine.plus(Duration.ofDays(2)), Duration.ofHours(1))))
                .as("Wednesday").isFalse();
        assertThatThrownBy(() -> WeeklyHours.in(madrid).open(LocalTime.of(9, 0), LocalTime.of(9, 0), DayOfWeek.MONDAY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("close");
        assertThatThrownBy(() -> WeeklyHours.in(madrid).open(LocalTime.of(9, 0), LocalTime.of(10, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("days");
    }
}
