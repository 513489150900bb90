package org.bookingrules.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.ANA_ACTS;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.TENANT;
import static org.bookingrules.testing.Fixture.ref;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.bookingrules.BookRequest;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.policy.BookingPolicy;
import org.bookingrules.rules.Refusal;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * "24 hours' notice" is 24 real hours on the instant timeline,
 * also across the start of summer time (Europe/Madrid, 29 March 2026, 02:00 -> 03:00).
 */
class DaylightSavingTest {

    private static final ZoneId MADRID = ZoneId.of("Europe/Madrid");
    private static final Duration NOTICE = Duration.ofHours(24);
    /** 10:00 local on the day summer time starts: 08:00 UTC (UTC+2). */
    private static final Instant START = ZonedDateTime.of(2026, 3, 29, 10, 0, 0, 0, MADRID).toInstant();
    /** 24 real hours earlier: 09:00 local on 28 March, still winter time (UTC+1). */
    private static final Instant REAL_DEADLINE = ZonedDateTime.of(2026, 3, 28, 9, 0, 0, 0, MADRID).toInstant();
    /** What a wall-clock "minus one day" would give: 10:00 local on 28 March, an hour too late. */
    private static final Instant WALL_CLOCK_DEADLINE = ZonedDateTime.of(2026, 3, 28, 10, 0, 0, 0, MADRID).toInstant();

    /** Each test's own world: 24 h notice, Ana's booking at {@link #START}. */
    private final Fixture f = new Fixture(BookingPolicy.builder().cancellationNotice(NOTICE).build());
    private final Booking booking = bookAtStart(f);

    @Test
    @DisplayName("R9 DST 24 h notice, booking 29 March 2026 10:00 Madrid, customer cancels 23.5 real hours before: refused with the deadline 28 March 09:00 local")
    void cancel_23_and_a_half_real_hours_before_is_refused_with_real_24h_deadline() {
        // given: the booking at START (fields)
        f.clock.setInstant(START.minus(Duration.ofMinutes(23 * 60 + 30)));
        // 23.5 real hours before is 09:30 local on 28 March: a wall-clock rule would still allow it
        assertThat(LocalDateTime.ofInstant(f.clock.instant(), MADRID))
                .isEqualTo(LocalDateTime.of(2026, 3, 28, 9, 30));

        // when
        Outcome outcome = f.rules.cancel(ANA_ACTS, ref(booking), ChangeRequest.none());

        // then
        Refusal refusal = CustomerPolicyTest.refusalOf(outcome);
        assertThat(refusal.reason()).isEqualTo(RefusalReason.CANCELLATION_NOTICE_PASSED);
        assertThat(refusal.allowedUntil())
                .isEqualTo(START.minus(Duration.ofHours(24)))
                .isEqualTo(REAL_DEADLINE)
                .isEqualTo(Instant.parse("2026-03-28T08:00:00Z"))
                .isNotEqualTo(WALL_CLOCK_DEADLINE);
        assertThat(LocalDateTime.ofInstant(refusal.allowedUntil(), MADRID))
                .isEqualTo(LocalDateTime.of(2026, 3, 28, 9, 0));
        assertThat(Duration.between(refusal.allowedUntil(), booking.start())).isEqualTo(Duration.ofHours(24));
    }

    @Test
    @DisplayName("R9 DST 24 h notice, booking 29 March 2026 10:00 Madrid, customer cancels 24 h 30 min real hours before: done")
    void cancel_24_and_a_half_real_hours_before_is_done() {
        // given: the booking at START (fields)
        f.clock.setInstant(START.minus(Duration.ofMinutes(24 * 60 + 30)));

        // when
        Outcome outcome = f.rules.cancel(ANA_ACTS, ref(booking), ChangeRequest.none());

        // then
        assertThat(outcome).isInstanceOf(Outcome.Done.class);
        assertThat(outcome.orElseThrow().booking().status()).isEqualTo(BookingStatus.CANCELLED);
    }

    @Test
    @DisplayName("R9 DST 24 h notice, booking 29 March 2026 10:00 Madrid: permissions show the cancel deadline 28 March 09:00 local")
    void permissions_show_real_24h_deadline() {
        // given: the booking at START (fields)

        // when
        var permissions = f.rules.permissions(ANA_ACTS, ref(booking));

        // then
        assertThat(permissions.cancelUntil()).contains(REAL_DEADLINE);
    }

    private static Booking bookAtStart(Fixture f) {
        Booking booking = f.rules.book(ANA_ACTS, BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, ANA, START,
                START.plus(Duration.ofHours(1)), MADRID)).orElseThrow().booking();
        assertThat(booking.start()).isEqualTo(Instant.parse("2026-03-29T08:00:00Z"));
        return booking;
    }
}
