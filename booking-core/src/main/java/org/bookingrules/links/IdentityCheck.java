package org.bookingrules.links;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.Normalizer;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.bookingrules.model.Booking;
import org.bookingrules.model.CustomerDetails;

/**
 * Port: the check a link holder must pass before a manage link acts (R8): they type something
 * only the booking's customer knows. Implementations must be thread-safe, must not log the answer,
 * and should compare in constant time ({@link #sameText}). Built-in: {@link #email()} (the
 * default), {@link #confirmationCode()} and {@link #dateOfBirth(DateOfBirthLookup)}.
 */
@FunctionalInterface
public interface IdentityCheck {

    /** Longest answer looked at; a longer one fails. */
    int MAX_ANSWER_LENGTH = 320;

    /**
     * Whether the answer proves the holder is the booking's customer.
     *
     * @param booking the booking, not null
     * @param answer what the holder typed, may be null (then it fails)
     * @return true if it passes
     */
    boolean passes(Booking booking, String answer);

    /**
     * The e-mail address stored on the booking, compared after {@link #normalize normalising} both
     * (spaces of any kind around it ignored, case-insensitive) [004].
     *
     * @return the check
     */
    static IdentityCheck email() {
        return (booking, answer) -> booking.customer().map(CustomerDetails::email)
                .map(email -> sameText(normalize(email), normalize(answer)))
                .orElse(false);
    }

    /**
     * The booking's confirmation code, compared after {@link #normalize normalising} both [003].
     *
     * @return the check
     */
    static IdentityCheck confirmationCode() {
        return (booking, answer) -> sameText(normalize(booking.confirmationCode()), normalize(answer));
    }

    /**
     * The customer's date of birth, typed as ISO {@code yyyy-MM-dd} ({@link #normalize normalised}
     * first), looked up in the embedding product (the booking does not store it).
     *
     * @param lookup finds a customer's date of birth, not null
     * @return the check
     */
    static IdentityCheck dateOfBirth(DateOfBirthLookup lookup) {
        Objects.requireNonNull(lookup, "lookup");
        return (booking, answer) -> {
            Optional<LocalDate> stored = booking.customer()
                    .flatMap(c -> lookup.dateOfBirth(booking.tenantId(), c.id()));
            String typed = normalize(answer);
            if (stored.isEmpty() || typed == null) {
                return false;
            }
            try {
                return sameText(stored.get().toString(), LocalDate.parse(typed).toString());
            } catch (DateTimeParseException e) {
                return false;
            }
        };
    }

    /**
     * Compares two texts in time that does not depend on where they differ.
     *
     * @param expected the stored value, may be null (then false)
     * @param given the answer, may be null (then false)
     * @return true if equal
     */
    static boolean sameText(String expected, String given) {
        if (expected == null || given == null || expected.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * How answers and stored values are compared by the built-in checks: Unicode NFKC (so a
     * full-width {@code ＠} is {@code @} and a no-break space is a space), then every space,
     * whitespace and invisible format character (zero-width space, byte-order mark, direction
     * marks) removed from both ends, then lower case ({@link Locale#ROOT}). Characters inside the
     * text are kept as they are.
     *
     * @param text the text, may be null
     * @return the normalised text, or null if the text is null or longer than
     *     {@link #MAX_ANSWER_LENGTH}
     */
    static String normalize(String text) {
        if (text == null || text.length() > MAX_ANSWER_LENGTH) {
            return null;
        }
        String n = Normalizer.normalize(text, Normalizer.Form.NFKC);
        int start = 0;
        int end = n.length();
        while (start < end && invisibleAtEdge(n.codePointAt(start))) {
            start += Character.charCount(n.codePointAt(start));
        }
        while (end > start && invisibleAtEdge(n.codePointBefore(end))) {
            end -= Character.charCount(n.codePointBefore(end));
        }
        return n.substring(start, end).toLowerCase(Locale.ROOT);
    }

    private static boolean invisibleAtEdge(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint)
                || Character.getType(codePoint) == Character.FORMAT;
    }

    /** Finds a customer's date of birth in the embedding product. Must be thread-safe. */
    @FunctionalInterface
    interface DateOfBirthLookup {
        /**
         * @param tenantId the tenant, not null
         * @param customerId the customer, not null
         * @return the date of birth, or empty if unknown
         */
        Optional<LocalDate> dateOfBirth(String tenantId, String customerId);
    }
}
