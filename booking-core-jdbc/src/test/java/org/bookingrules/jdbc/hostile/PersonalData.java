package org.bookingrules.jdbc.hostile;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every personal value the hostile-input suite hands the library (customers' names, e-mails,
 * phones, dates of birth, and the identity answers typed), kept so the suite can check that none of
 * them appears in a log line or an exception message. Each hostile personal value carries one of the
 * {@link #MARKERS}, so even a 100 kB name is caught by a short search. Thread-safe.
 */
final class PersonalData {

    /** Substrings found in every test customer's personal data and in no id, code or reason. */
    static final List<String> MARKERS = List.of("Hostilov", "600 111 222", "7700 900 123", "1987-06-05",
            "1987-06-06", "typed-answer");

    private static final Set<String> VALUES = new LinkedHashSet<>(MARKERS);

    private PersonalData() {
    }

    /**
     * Registers a personal value (a name, an e-mail, a phone, an answer) and returns it.
     *
     * @param value the value; carries one of the {@link #MARKERS}, or is 6 to 400 characters long
     * @return the value
     */
    static synchronized String of(String value) {
        boolean marked = MARKERS.stream().anyMatch(m -> value.toLowerCase(java.util.Locale.ROOT)
                .contains(m.toLowerCase(java.util.Locale.ROOT)));
        if (!marked && (value.length() < 6 || value.length() > 400)) {
            throw new IllegalArgumentException("a personal test value must carry a marker, or be 6 to 400 "
                    + "characters to be searched for itself: " + LogCapture.abbreviate(value));
        }
        if (value.length() <= 400) {
            VALUES.add(value);
        }
        return value;
    }

    /** @return the values (and markers) that must never be logged */
    static synchronized Set<String> values() {
        return Set.copyOf(VALUES);
    }

    /**
     * The personal values found in a text.
     *
     * @param text the text, may be null
     * @return what it carries, empty if nothing
     */
    static List<String> in(String text) {
        if (text == null) {
            return List.of();
        }
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        return values().stream().filter(v -> lower.contains(v.toLowerCase(java.util.Locale.ROOT))).toList();
    }
}
