package org.bookingrules;

import java.util.List;

/**
 * A request to the facade was malformed: a null or blank id, an end before its start, an
 * over-long reason. The message names every bad field; it never repeats the value. Nothing was
 * written. This is a caller bug, not an expected refusal (those are
 * {@link Outcome.Refused} values).
 */
public final class InvalidRequestException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** The paths of the bad fields. */
    private final List<String> fields;

    /**
     * @param fields the bad fields' paths, for example {@code reason} or {@code customer.email}
     * @param message the message naming them
     */
    public InvalidRequestException(List<String> fields, String message) {
        super(message);
        this.fields = List.copyOf(fields);
    }

    /** @return the paths of the bad fields, in message order */
    public List<String> fields() {
        return fields;
    }
}
