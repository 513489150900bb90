package org.bookingrules.internal;

/**
 * Checks for the identifiers the library stores (tenant, booking, resource, service, customer,
 * staff ids). An id is 1 to {@value #MAX_LENGTH} characters with no control characters and no
 * leading or trailing whitespace. Stateless and thread-safe.
 */
public final class Ids {

    /** Longest id accepted, in characters. */
    public static final int MAX_LENGTH = 64;

    private Ids() {
    }

    /**
     * Returns {@code value} if it is a valid id.
     *
     * @param value the id to check
     * @param field the field name for the error message
     * @return {@code value}
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if {@code value} is blank, too long, padded or has control
     *     characters; the message names {@code field}
     */
    public static String require(String value, String field) {
        if (value == null) {
            throw new NullPointerException(field + " must not be null");
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        if (value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    field + " must be at most " + MAX_LENGTH + " characters, was " + value.length());
        }
        if (!value.strip().equals(value) || hasControl(value)) {
            throw new IllegalArgumentException(
                    field + " must not have leading/trailing whitespace or control characters");
        }
        return value;
    }

    /** Whether any character is a control character; a loop, as it runs for every id of every booking built. */
    private static boolean hasControl(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
