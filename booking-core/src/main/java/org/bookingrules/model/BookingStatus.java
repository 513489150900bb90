package org.bookingrules.model;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The status of a booking, with the one table of allowed status changes and the mapping to
 * HL7 FHIR {@code Appointment.status}.
 *
 * <p>Only {@link #PENDING} and {@link #CONFIRMED} are <em>active</em>: they occupy the slot and
 * appear on the resource's calendar. Every other status keeps the booking as history.
 *
 * <p>The transition table (from &rarr; to) is:
 * <pre>
 * PENDING    &rarr; PENDING (reschedule), CONFIRMED, DECLINED, CANCELLED, COMPLETED, NO_SHOW
 * CONFIRMED  &rarr; PENDING (revoke, reschedule), CONFIRMED (reschedule), DECLINED, CANCELLED, COMPLETED, NO_SHOW
 * DECLINED   &rarr; PENDING, CONFIRMED (a staff reschedule revives it, R3)
 * CANCELLED  &rarr; PENDING, CONFIRMED (a staff reschedule revives it, R3)
 * COMPLETED  &rarr; (none)
 * NO_SHOW    &rarr; (none)
 * </pre>
 * A change outside the table that reaches the model is a bug: {@link #checkTransitionTo} throws.
 */
public enum BookingStatus {
    /** Booked; attendance not confirmed yet. Active. */
    PENDING("booked", "needs-action"),
    /** Attendance confirmed by the customer, staff or the auto-confirmation rule (R6). Active. */
    CONFIRMED("booked", "accepted"),
    /** The customer answered the reminder "I will not attend" (R7). */
    DECLINED("cancelled", "declined"),
    /** Cancelled by the customer or staff (R2). */
    CANCELLED("cancelled", "accepted"),
    /** The appointment took place. */
    COMPLETED("fulfilled", "accepted"),
    /** The customer did not come. */
    NO_SHOW("noshow", "accepted");

    private static final Map<BookingStatus, Set<BookingStatus>> ALLOWED = allowedTransitions();

    private final String fhirAppointmentStatus;
    private final String fhirParticipantStatus;

    BookingStatus(String fhirAppointmentStatus, String fhirParticipantStatus) {
        this.fhirAppointmentStatus = fhirAppointmentStatus;
        this.fhirParticipantStatus = fhirParticipantStatus;
    }

    private static Map<BookingStatus, Set<BookingStatus>> allowedTransitions() {
        Map<BookingStatus, Set<BookingStatus>> table = new EnumMap<>(BookingStatus.class);
        table.put(PENDING, EnumSet.of(PENDING, CONFIRMED, DECLINED, CANCELLED, COMPLETED, NO_SHOW));
        table.put(CONFIRMED, EnumSet.of(PENDING, CONFIRMED, DECLINED, CANCELLED, COMPLETED, NO_SHOW));
        table.put(DECLINED, EnumSet.of(PENDING, CONFIRMED));
        table.put(CANCELLED, EnumSet.of(PENDING, CONFIRMED));
        table.put(COMPLETED, EnumSet.noneOf(BookingStatus.class));
        table.put(NO_SHOW, EnumSet.noneOf(BookingStatus.class));
        table.replaceAll((from, to) -> Collections.unmodifiableSet(to));
        return Collections.unmodifiableMap(table);
    }

    /**
     * Whether a booking in this status occupies its slot and shows on the calendar.
     *
     * @return true for {@link #PENDING} and {@link #CONFIRMED}
     */
    public boolean isActive() {
        return this == PENDING || this == CONFIRMED;
    }

    /**
     * The statuses this status may change to, as in the table above.
     *
     * @return an unmodifiable set, empty for final statuses
     */
    public Set<BookingStatus> allowedNext() {
        return ALLOWED.get(this);
    }

    /**
     * Whether the transition table allows a change from this status to {@code next}.
     *
     * @param next the target status, not null
     * @return true if allowed
     */
    public boolean canTransitionTo(BookingStatus next) {
        return ALLOWED.get(this).contains(next);
    }

    /**
     * Throws unless the table allows a change from this status to {@code next}.
     *
     * @param next the target status, not null
     * @throws IllegalStateException if the change is not in the table (a bug in the caller: the
     *     rules should have refused it first)
     */
    public void checkTransitionTo(BookingStatus next) {
        if (!canTransitionTo(next)) {
            throw new IllegalStateException("illegal booking status transition " + this + " -> " + next);
        }
    }

    /**
     * The HL7 FHIR R4/R5 {@code Appointment.status} code for this status.
     *
     * @return one of {@code booked}, {@code cancelled}, {@code fulfilled}, {@code noshow}
     */
    public String fhirAppointmentStatus() {
        return fhirAppointmentStatus;
    }

    /**
     * The HL7 FHIR {@code Appointment.participant.status} of the patient for this status.
     *
     * @return one of {@code needs-action}, {@code accepted}, {@code declined}
     */
    public String fhirParticipantStatus() {
        return fhirParticipantStatus;
    }
}
