package org.bookingrules.examples.ehr;

import java.util.Objects;
import org.bookingrules.model.BookingStatus;

/**
 * The EHR's own appointment status codes ({@code appointments.status_code}) and the
 * {@link BookingStatus} each one means, both ways: one code per status, one status per code.
 *
 * <p>An EHR with more codes (arrived, in room, waiting list...) would map each of them to the status
 * that decides what a patient may still do, and pick one code per status for what Booking Rules
 * writes; this example's EHR has exactly six.
 */
public enum EhrStatusCode {
    /** Scheduled: booked, attendance not confirmed ({@link BookingStatus#PENDING}). */
    SC(BookingStatus.PENDING),
    /** Confirmed ({@link BookingStatus#CONFIRMED}). */
    CF(BookingStatus.CONFIRMED),
    /** Cancelled by the patient or the clinic ({@link BookingStatus#CANCELLED}). */
    CX(BookingStatus.CANCELLED),
    /** The patient did not come ({@link BookingStatus#NO_SHOW}). */
    NS(BookingStatus.NO_SHOW),
    /** Done: the appointment took place ({@link BookingStatus#COMPLETED}). */
    DN(BookingStatus.COMPLETED),
    /** Declined by the patient from a reminder ({@link BookingStatus#DECLINED}). */
    DC(BookingStatus.DECLINED);

    private final BookingStatus status;

    EhrStatusCode(BookingStatus status) {
        this.status = status;
    }

    /** @return the booking status this code means */
    public BookingStatus status() {
        return status;
    }

    /** @return the two-letter code as the EHR stores it */
    public String code() {
        return name();
    }

    /**
     * The code the EHR stores for a booking status.
     *
     * @param status not null
     * @return the code
     */
    public static EhrStatusCode of(BookingStatus status) {
        Objects.requireNonNull(status, "status");
        for (EhrStatusCode code : values()) {
            if (code.status == status) {
                return code;
            }
        }
        throw new IllegalStateException("no EHR status code for " + status);
    }

    /**
     * The code read from the EHR's column.
     *
     * @param code the column's value, not null; a CHAR(2) value, trailing blanks ignored
     * @return the code
     * @throws IllegalStateException if the EHR stored a code this mapping does not know
     */
    public static EhrStatusCode parse(String code) {
        Objects.requireNonNull(code, "code");
        String trimmed = code.strip();
        for (EhrStatusCode known : values()) {
            if (known.name().equals(trimmed)) {
                return known;
            }
        }
        throw new IllegalStateException("unknown EHR status code '" + trimmed + "'");
    }
}
