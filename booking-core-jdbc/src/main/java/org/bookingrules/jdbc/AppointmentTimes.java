package org.bookingrules.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;
import org.threeten.extra.Interval;

/**
 * How an existing appointment table stores when an appointment is: part of an
 * {@link AppointmentTable}. Immutable and thread-safe. Two shapes:
 *
 * <ul>
 *   <li>{@link #timestamps()}: a start and an end column holding instants, of the type this
 *       library stores instants in on that database ({@code TIMESTAMP WITH TIME ZONE} on
 *       PostgreSQL and H2, {@code DATETIME}/{@code TIMESTAMP} holding UTC on MariaDB). The
 *       statements' rows name them {@code start_at} and {@code end_at}; their parameters are
 *       {@code :start} and {@code :end}, and {@code :from} and {@code :to} for an interval.</li>
 *   <li>{@link #localDateAndTimes()}: the appointment's date and its start and end times in
 *       separate {@code DATE} and {@code TIME} columns with no zone, in the clinic's
 *       {@linkplain AppointmentTable.Builder#zone zone}. Rows name them {@code start_date},
 *       {@code start_time} and {@code end_time}; parameters are {@code :start_date},
 *       {@code :start_time} and {@code :end_time}, and {@code :from_date} and {@code :to_date} for
 *       an interval.</li>
 * </ul>
 *
 * <p><b>Local times and the clocks' changes.</b> A local time is read as an instant by these
 * rules, the ones {@link ZonedDateTime#ofLocal} follows:
 * <ul>
 *   <li>In the spring-forward gap (02:30 on a day the clocks jump from 02:00 to 03:00) a time does
 *       not exist: it is read later by the length of the gap (03:30, summer time), that is, as
 *       the wall clock read before the jump.</li>
 *   <li>In the repeated hour of the fall-back change (02:30 happens twice when the clocks go from
 *       03:00 back to 02:00) a time is read as the earlier of its two instants (summer time).</li>
 *   <li>An end time at or before the start time is on the next day (an appointment past
 *       midnight). If the rules above leave the end at or before the start (an appointment
 *       02:15-03:15 on the spring-forward day), the end is the start plus the appointment's length
 *       on the wall clock.</li>
 * </ul>
 * Writing a slot stores its local date and times. A slot those rules would not read back as the
 * same instants cannot be stored: a start or end in the second pass of the repeated hour, an
 * appointment of 24 hours or more, or one past midnight that ends after its start time. The write
 * then fails with an {@link IllegalArgumentException} naming the slot, and nothing is written.
 * {@code TIME} columns keep what their precision keeps (whole seconds, unless declared finer).
 */
public final class AppointmentTimes {

    private static final AppointmentTimes TIMESTAMPS = new AppointmentTimes(false);
    private static final AppointmentTimes LOCAL = new AppointmentTimes(true);

    private final boolean local;

    private AppointmentTimes(boolean local) {
        this.local = local;
    }

    /**
     * Start and end as instants, columns {@code start_at} and {@code end_at}.
     *
     * @return the shape
     */
    public static AppointmentTimes timestamps() {
        return TIMESTAMPS;
    }

    /**
     * Date, start time and end time as local values in the clinic's zone, columns
     * {@code start_date}, {@code start_time} and {@code end_time}.
     *
     * @return the shape
     */
    public static AppointmentTimes localDateAndTimes() {
        return LOCAL;
    }

    /** @return whether the times are local values in the clinic's zone */
    boolean isLocal() {
        return local;
    }

    /** The columns a statement's rows must have for this shape. */
    String[] columns() {
        return local ? new String[] {"start_date", "start_time", "end_time"} : new String[] {"start_at", "end_at"};
    }

    /** The parameters naming one slot, for inserts and updates. */
    String[] slotParameters() {
        return local ? new String[] {"start_date", "start_time", "end_time"} : new String[] {"start", "end"};
    }

    /** The parameters naming an interval, for the practitioner's appointments. */
    String[] intervalParameters() {
        return new String[] {"from", "to", "from_date", "to_date"};
    }

    /** Reads the slot of the current row. */
    Interval read(ResultSet row, Sql sql, ZoneId zone) throws SQLException {
        if (!local) {
            return Interval.of(sql.readInstant(row, "start_at"), sql.readInstant(row, "end_at"));
        }
        LocalDate date = row.getObject("start_date", LocalDate.class);
        LocalTime start = row.getObject("start_time", LocalTime.class);
        LocalTime end = row.getObject("end_time", LocalTime.class);
        if (date == null || start == null || end == null) {
            throw new BookingStorageException("an appointment row has no start_date, start_time or end_time", null);
        }
        return slotOf(date, start, end, zone);
    }

    /**
     * The instants of a local date and times, by the rules of this class's description.
     *
     * @param date the date, not null
     * @param start the start time, not null
     * @param end the end time, not null; at or before the start means the next day
     * @param zone the clinic's zone, not null
     * @return the slot
     */
    public static Interval slotOf(LocalDate date, LocalTime start, LocalTime end, ZoneId zone) {
        LocalDateTime localStart = date.atTime(start);
        LocalDateTime localEnd = (end.isAfter(start) ? date : date.plusDays(1)).atTime(end);
        Instant from = ZonedDateTime.ofLocal(localStart, zone, null).toInstant();
        Instant to = ZonedDateTime.ofLocal(localEnd, zone, null).toInstant();
        if (!to.isAfter(from)) {
            to = from.plus(Duration.between(localStart, localEnd));
        }
        return Interval.of(from, to);
    }

    /** The local date and times a slot is stored as, checked to read back as the same slot. */
    LocalSlot local(Interval slot, ZoneId zone) {
        ZonedDateTime start = slot.getStart().atZone(zone);
        ZonedDateTime end = slot.getEnd().atZone(zone);
        LocalSlot stored = new LocalSlot(start.toLocalDate(), start.toLocalTime(), end.toLocalTime());
        // Exactly a day (of instants, or of the wall clock) would read back the same, its end time equal
        // to its start time: refused all the same, as documented (24 hours or more).
        boolean dayOrMore = slot.toDuration().compareTo(Duration.ofDays(1)) >= 0
                || !end.toLocalDateTime().isBefore(start.toLocalDateTime().plusDays(1));
        if (dayOrMore || !slotOf(stored.date(), stored.start(), stored.end(), zone).equals(slot)) {
            throw new IllegalArgumentException("slot: " + slot + " cannot be stored as a local date and times in "
                    + zone + " and read back as the same instants (a time in the second pass of the repeated hour "
                    + "of a clocks' change, or 24 hours or more)");
        }
        return stored;
    }

    /** A slot as it is stored in local columns. */
    record LocalSlot(LocalDate date, LocalTime start, LocalTime end) {
        LocalSlot {
            Objects.requireNonNull(date, "date");
        }
    }

    @Override
    public String toString() {
        return local ? "AppointmentTimes.localDateAndTimes()" : "AppointmentTimes.timestamps()";
    }
}
