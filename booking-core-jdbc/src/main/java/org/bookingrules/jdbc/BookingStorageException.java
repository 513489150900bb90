package org.bookingrules.jdbc;

/**
 * A storage fault: the database is unreachable, a statement failed, the schema is missing. Not an
 * expected refusal (those are values). The message names the operation and the SQLState, never the
 * values of a row, so it carries no personal data; the cause is the driver's exception, whose
 * message may quote row values and should be logged with care.
 */
public final class BookingStorageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the operation and SQLState
     * @param cause the driver's exception
     */
    public BookingStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
