package org.bookingrules.testing;

import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.bookingrules.model.BookingStatus;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Tables of statuses that more than one test reads, written out once so that the model's tests and
 * the rules' tests check the same expectation rather than each other.
 */
public final class StatusTables {

    private StatusTables() {
    }

    /**
     * R2: every status and whether it is active (occupies its slot and can be changed).
     *
     * @return rows of (status, active)
     */
    public static Stream<Arguments> activeness() {
        return Stream.of(
                arguments(BookingStatus.PENDING, true),
                arguments(BookingStatus.CONFIRMED, true),
                arguments(BookingStatus.DECLINED, false),
                arguments(BookingStatus.CANCELLED, false),
                arguments(BookingStatus.COMPLETED, false),
                arguments(BookingStatus.NO_SHOW, false));
    }
}
