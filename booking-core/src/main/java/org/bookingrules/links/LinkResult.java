package org.bookingrules.links;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.bookingrules.i18n.Messages;

/**
 * The answer of a {@link SelfService} call: {@link Ok} with a value, or {@link Denied} when the link
 * or the identity check did not get the holder in. Immutable.
 *
 * @param <T> the value's type
 */
public sealed interface LinkResult<T> permits LinkResult.Ok, LinkResult.Denied {

    /**
     * The value, if the holder got in.
     *
     * @return the value or empty
     */
    Optional<T> toOptional();

    /**
     * The value.
     *
     * @return the value
     * @throws IllegalStateException if denied (the message is the denial code)
     */
    default T orElseThrow() {
        return toOptional().orElseThrow(() -> new IllegalStateException("link denied: " + ((Denied<T>) this).denial()));
    }

    /**
     * Got in.
     *
     * @param value the value, not null
     * @param <T> its type
     */
    record Ok<T>(T value) implements LinkResult<T> {
        /**
         * Checks the field.
         *
         * @param value the value, not null
         */
        public Ok {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public Optional<T> toOptional() {
            return Optional.of(value);
        }
    }

    /**
     * Not in.
     *
     * @param denial why
     * @param lockedUntil until when the link is locked, or null
     * @param attemptsLeft wrong answers left before the lock, or -1 when it does not apply
     * @param <T> the type the value would have had
     */
    record Denied<T>(LinkDenial denial, Instant lockedUntil, int attemptsLeft) implements LinkResult<T> {
        /**
         * Checks the fields.
         *
         * @param denial why
         * @param lockedUntil until when the link is locked, or null
         * @param attemptsLeft wrong answers left, or -1
         */
        public Denied {
            Objects.requireNonNull(denial, "denial");
        }

        @Override
        public Optional<T> toOptional() {
            return Optional.empty();
        }

        /** @return the wrong answers left before the lock, when it applies */
        public OptionalInt attempts() {
            return attemptsLeft < 0 ? OptionalInt.empty() : OptionalInt.of(attemptsLeft);
        }

        /**
         * The denial as a sentence for the holder.
         *
         * @param locale the language; without a bundle, English
         * @return the message
         */
        public String message(Locale locale) {
            return Messages.text(locale, denial.messageKey());
        }
    }
}
