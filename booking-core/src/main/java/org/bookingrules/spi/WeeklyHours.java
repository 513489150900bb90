package org.bookingrules.spi;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.threeten.extra.Interval;

/**
 * Opening hours that repeat every week, in one zone, the same for every resource: an
 * {@link Availability} for products whose hours are simple (clinics open Monday to Friday,
 * 09:00-17:00). A slot is open when it starts and ends on the same local day, within that day's
 * hours. Immutable and thread-safe.
 */
public final class WeeklyHours implements Availability {

    private record Hours(LocalTime open, LocalTime close) {
    }

    private final ZoneId zone;
    private final Map<DayOfWeek, Hours> hours;

    private WeeklyHours(ZoneId zone, Map<DayOfWeek, Hours> hours) {
        this.zone = zone;
        this.hours = Map.copyOf(hours);
    }

    /**
     * Hours in a zone, with every day closed until {@link Builder#open} opens it.
     *
     * @param zone the zone the hours are in, not null
     * @return a builder
     */
    public static Builder in(ZoneId zone) {
        return new Builder(Objects.requireNonNull(zone, "zone"));
    }

    @Override
    public boolean isOpen(String tenantId, String resourceId, Interval slot) {
        ZonedDateTime start = slot.getStart().atZone(zone);
        ZonedDateTime end = slot.getEnd().atZone(zone);
        Hours day = hours.get(start.getDayOfWeek());
        return day != null
                && end.toLocalDate().equals(start.toLocalDate())
                && !start.toLocalTime().isBefore(day.open())
                && !end.toLocalTime().isAfter(day.close());
    }

    /** Builds {@link WeeklyHours}. Not thread-safe. */
    public static final class Builder {
        private final ZoneId zone;
        private final Map<DayOfWeek, Hours> hours = new EnumMap<>(DayOfWeek.class);

        private Builder(ZoneId zone) {
            this.zone = zone;
        }

        /**
         * Opens some days from {@code open} to {@code close}.
         *
         * @param open the opening time, not null
         * @param close the closing time, after {@code open}, not null
         * @param days the days, at least one
         * @return this
         */
        public Builder open(LocalTime open, LocalTime close, DayOfWeek... days) {
            Objects.requireNonNull(open, "open");
            Objects.requireNonNull(close, "close");
            if (!close.isAfter(open)) {
                throw new IllegalArgumentException("close must be after open, was " + open + "-" + close);
            }
            if (days.length == 0) {
                throw new IllegalArgumentException("days must name at least one day");
            }
            for (DayOfWeek day : days) {
                hours.put(Objects.requireNonNull(day, "day"), new Hours(open, close));
            }
            return this;
        }

        /**
         * Builds the hours.
         *
         * @return the hours
         */
        public WeeklyHours build() {
            return new WeeklyHours(zone, hours);
        }
    }
}
