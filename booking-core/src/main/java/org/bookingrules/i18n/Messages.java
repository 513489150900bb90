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
        String pattern = bundle(locale).getString(key);
        // Always through MessageFormat, so a doubled apostrophe reads as one with or without args.
        return new MessageFormat(pattern, resolvedLocale(locale)).format(args);
    }

    /**
     * The language the library actually speaks for a requested one: the requested locale when a
     * bundle has its language (so {@code es-CL} keeps its regional formats), otherwise English. Dates and numbers in a message use it too, so a German
     * reader gets an English sentence with an English date, never a mix.
     *
     * @param locale the requested language, not null
     * @return the language of the texts, never {@link Locale#ROOT}
     */
    public static Locale resolvedLocale(Locale locale) {
        Objects.requireNonNull(locale, "locale");
        Locale bundleLocale = bundle(locale).getLocale();
        // The base bundle is English; its locale is ROOT.
        String language = bundleLocale.equals(Locale.ROOT) ? "en" : bundleLocale.getLanguage();
        return language.equals(locale.getLanguage()) ? locale : Locale.forLanguageTag(language);
    }

    private static ResourceBundle bundle(Locale locale) {
        return ResourceBundle.getBundle(BUNDLE, locale, Messages.class.getClassLoader(), NO_DEFAULT_LOCALE);
    }

    /**
     * An instant as a medium date and short time in a zone, in the {@linkplain #resolvedLocale
     * language the library speaks} for {@code locale}, for example "29 mar 2026, 10:00" in Spanish.
     *
     * @param instant not null
     * @param zone not null
     * @param locale not null
     * @return the formatted date-time
     */
    public static String dateTime(Instant instant, ZoneId zone, Locale locale) {
        return DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT)
                .withLocale(resolvedLocale(locale))
                .format(instant.atZone(zone));
    }
}
