package org.bookingrules.internal;

import java.util.Objects;

/**
 * Checks for free texts: optional ones (reasons, personal messages) and required display names.
 * Stateless and thread-safe.
 */
public final class Texts {

    /** Longest reason accepted, in characters. */
    public static final int MAX_REASON_LENGTH = 500;

    /** Longest personal message accepted, in characters. */
    public static final int MAX_MESSAGE_LENGTH = 2000;

    private Texts() {
    }

    /**
     * Returns {@code value} stripped, or null if it is null or blank, after checking its length.
     *
     * @param value the text, may be null
     * @param field the field name for the error message
     * @param maxLength the longest text accepted
     * @return the stripped text, or null
     * @throws IllegalArgumentException if the text is longer than {@code maxLength} or holds a
     *     control character other than tab, line feed and carriage return; the message names
     *     {@code field}, never the text
     */
    public static String optional(String value, String field, int maxLength) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > maxLength) {
            throw new IllegalArgumentException(
                    field + " must be at most " + maxLength + " characters, was " + value.length());
        }
        if (hasForbiddenControl(value)) {
            throw new IllegalArgumentException(field + " must not contain control characters");
        }
        return value.strip();
    }

    /**
     * Returns a required display name (of a service, a resource) unchanged, after checking it.
     *
     * @param value the name
     * @param field the field name for the error message
     * @return {@code value}
     * @throws NullPointerException if the name is null
     * @throws IllegalArgumentException if the name is blank, longer than 200 characters or holds a
     *     control character; the message names {@code field}, never the text
     */
    public static String requiredName(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isBlank() || value.length() > 200) {
            throw new IllegalArgumentException(field + " must be 1 to 200 characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(field + " must not contain control characters");
        }
        return value;
    }

    /**
     * Whether a free text holds a control character other than tab, line feed and carriage
     * return (NUL, escape, ...): such characters corrupt logs and some databases refuse them.
     *
     * @param value the text, not null
     * @return true if it does
     */
    public static boolean hasForbiddenControl(String value) {
        // A loop, not a stream: it runs for every text of every request and booking built.
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
                return true;
            }
        }
        return false;
    }
}
