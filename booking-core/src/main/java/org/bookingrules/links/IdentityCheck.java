package org.bookingrules.links;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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
     * The e-mail address stored on the booking, trimmed and case-insensitive [004].
     *
     * @return the check
     */
    static IdentityCheck email() {
        return (booking, answer) -> booking.customer().map(CustomerDetails::email)
                .map(email -> sameText(normalize(email), normalize(answer)))
                .orElse(false);
    }

    /**
     * The booking's confirmation code, trimmed and case-insensitive [003].
     *
     * @return the check
     */
    static IdentityCheck confirmationCode() {
        return (booking, answer) -> sameText(normalize(booking.confirmationCode()), normalize(answer));
    }

    /**
     * The customer's date of birth, typed as ISO {@code yyyy-MM-dd}, looked up in the embedding
     * product (the booking does not store it).
     *
     * @param lookup finds a customer's date of birth, not null
     * @return the check
     */
    static IdentityCheck dateOfBirth(DateOfBirthLookup lookup) {
        Objects.requireNonNull(lookup, "lookup");
        return (booking, answer) -> {
            Optional<LocalDate> stored = booking.customer()
                    .flatMap(c -> lookup.dateOfBirth(booking.tenantId(), c.id()));
            if (stored.isEmpty() || answer == null || answer.length() > MAX_ANSWER_LENGTH) {
                return false;
            }
            try {
                return sameText(stored.get().toString(), LocalDate.parse(answer.strip()).toString());
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

    private static String normalize(String text) {
        return text == null || text.length() > MAX_ANSWER_LENGTH ? null : text.strip().toLowerCase(Locale.ROOT);
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
