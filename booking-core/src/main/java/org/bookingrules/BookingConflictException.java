package org.bookingrules;

/**
 * A command kept losing races: every attempt found the booking changed by someone else between
 * its load and its save, more times than the configured number of attempts. A fault, not a
 * refusal: retrying later usually works. The message names the booking id only.
 */
public final class BookingConflictException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the booking and the number of attempts
     */
    public BookingConflictException(String message) {
        super(message);
    }
}
