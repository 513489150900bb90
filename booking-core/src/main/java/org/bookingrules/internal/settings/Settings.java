package org.bookingrules.internal.settings;

import java.time.Duration;
import java.util.Objects;

/**
 * Not API. The checks the library's builders share, so every setting fails the same way: at once,
 * naming the setting and the value. Stateless.
 */
public final class Settings {

    private Settings() {
    }

    /**
     * A duration setting that must be positive and at most {@code max}.
     *
     * @param name the setting's name, for the message, not null
     * @param value the value; null fails naming the setting
     * @param max the largest allowed value, not null
     * @return the value
     * @throws NullPointerException if the value is null
     * @throws IllegalArgumentException if it is zero, negative or above {@code max}
     */
    public static Duration positiveAtMost(String name, Duration value, Duration max) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative() || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be positive and at most " + max + ", was " + value);
        }
        return value;
    }
}
