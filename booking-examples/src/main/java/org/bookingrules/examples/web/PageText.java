package org.bookingrules.examples.web;

import java.text.MessageFormat;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ResourceBundle;
import org.bookingrules.i18n.Messages;

/**
 * The page's own texts in one language, from {@code web/pages*.properties} (English base, Spanish),
 * and the date formats that go with them. The library's texts (refusals, link denials) come from
 * {@link Messages} in the same language. Immutable and thread-safe.
 */
final class PageText {

    /** The languages the page speaks; English first, the fallback. */
    static final List<Locale> SUPPORTED = List.of(Locale.ENGLISH, Locale.forLanguageTag("es"));

    private static final String BUNDLE = "web.pages";
    private static final int MAX_ACCEPT_LANGUAGE = 512;
    private static final ResourceBundle.Control NO_DEFAULT_LOCALE =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    private final Locale locale;
    private final ResourceBundle bundle;

    private PageText(Locale locale) {
        this.locale = locale;
        this.bundle = ResourceBundle.getBundle(BUNDLE, locale, PageText.class.getClassLoader(), NO_DEFAULT_LOCALE);
    }

    /**
     * The texts for a request's {@code Accept-Language}: Spanish when the client prefers it to
     * English, otherwise English (also for a missing or malformed header). The JVM's default locale
     * is never consulted.
     *
     * @param acceptLanguage the header, may be null
     * @return the texts
     */
    static PageText forAcceptLanguage(String acceptLanguage) {
        Locale chosen = null;
        if (acceptLanguage != null && !acceptLanguage.isBlank() && acceptLanguage.length() <= MAX_ACCEPT_LANGUAGE) {
            try {
                chosen = Locale.lookup(Locale.LanguageRange.parse(acceptLanguage), SUPPORTED);
            } catch (IllegalArgumentException e) {
                // A malformed header is the client's problem: answer in English.
                chosen = null;
            }
        }
        return new PageText(chosen == null ? Locale.ENGLISH : chosen);
    }

    /** @return the language of these texts */
    Locale locale() {
        return locale;
    }

    /** @return the language tag for {@code <html lang>} */
    String lang() {
        return locale.toLanguageTag();
    }

    /**
     * @param key a key, not null
     * @return whether this language (or the English base) has a text for it
     */
    boolean has(String key) {
        return bundle.containsKey(Objects.requireNonNull(key, "key"));
    }

    /**
     * A text, with {@link MessageFormat} arguments.
     *
     * @param key the key, not null
     * @param args the arguments
     * @return the text
     */
    String get(String key, Object... args) {
        return new MessageFormat(bundle.getString(Objects.requireNonNull(key, "key")), locale).format(args);
    }

    /**
     * An instant as the library formats deadlines, so a page's dates read like its refusal messages.
     *
     * @param instant not null
     * @param zone the booking's zone, not null
     * @return the date and time
     */
    String dateTime(Instant instant, ZoneId zone) {
        return Messages.dateTime(instant, zone, locale);
    }

    /**
     * An appointment's date and times in its zone, for example "Thursday, March 5, 2026, 10:00 AM – 10:30 AM".
     *
     * @param start not null
     * @param end not null, same zone
     * @return the text
     */
    String appointment(ZonedDateTime start, ZonedDateTime end) {
        String day = day(start.toLocalDate());
        if (!end.toLocalDate().equals(start.toLocalDate())) {
            return day + ", " + time(start) + " – " + day(end.toLocalDate()) + ", " + time(end);
        }
        return day + ", " + time(start) + " – " + time(end);
    }

    /**
     * A day in full, for example "Thursday, March 5, 2026".
     *
     * @param date not null
     * @return the text
     */
    String day(LocalDate date) {
        return DateTimeFormatter.ofLocalizedDate(FormatStyle.FULL).withLocale(locale).format(date);
    }

    /**
     * A time of day, short.
     *
     * @param time not null
     * @return the text
     */
    String time(ZonedDateTime time) {
        return DateTimeFormatter.ofLocalizedTime(FormatStyle.SHORT).withLocale(locale).format(time);
    }
}
