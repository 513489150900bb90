package org.bookingrules.i18n;

import java.text.MessageFormat;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.Objects;
import java.util.ResourceBundle;

/**
 * Localized texts of the library: refusal messages and notification subjects, English (the base
 * bundle) and Spanish, in {@code org/bookingrules/i18n/messages*.properties}. A language without
 * a bundle gets English; the JVM's default locale is never consulted. Stateless and thread-safe.
 */
public final class Messages {

    /** The bundle's base name, for integrators who add languages. */
    public static final String BUNDLE = "org.bookingrules.i18n.messages";

    private static final ResourceBundle.Control NO_DEFAULT_LOCALE =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    private Messages() {
    }

    /**
     * The text for {@code key} in {@code locale}, with {@link MessageFormat} arguments.
     *
     * @param locale the language, not null
     * @param key the message key, not null
     * @param args the arguments
     * @return the text
     * @throws MissingResourceException if the key is unknown (a bug)
     */
    public static String text(Locale locale, String key, Object... args) {
        Objects.requireNonNull(locale, "locale");
        Objects.requireNonNull(key, "key");
        ResourceBundle bundle = ResourceBundle.getBundle(BUNDLE, locale, Messages.class.getClassLoader(),
                NO_DEFAULT_LOCALE);
        String pattern = bundle.getString(key);
        return args.length == 0 ? pattern : new MessageFormat(pattern, locale).format(args);
    }

    /**
     * An instant as a medium date and short time in a zone and language, for example
     * "29 mar 2026, 10:00" in Spanish.
     *
     * @param instant not null
     * @param zone not null
     * @param locale not null
     * @return the formatted date-time
     */
    public static String dateTime(Instant instant, ZoneId zone, Locale locale) {
        return DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT)
                .withLocale(locale)
                .format(instant.atZone(zone));
    }
}
