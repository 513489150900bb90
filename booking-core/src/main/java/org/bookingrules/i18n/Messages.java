package org.bookingrules.i18n;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.text.MessageFormat;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.Objects;
import java.util.Optional;
import java.util.PropertyResourceBundle;
import java.util.ResourceBundle;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Localized texts of the library: refusal messages and notification subjects, English (the base
 * bundle) and Spanish, in {@code org/bookingrules/i18n/messages*.properties}. A language without
 * a bundle gets English; the JVM's default locale is never consulted. The same on the class path
 * and on the module path. Thread-safe; the bundles read are kept.
 */
public final class Messages {

    /** The bundle's base name, for integrators who add languages. */
    public static final String BUNDLE = "org.bookingrules.i18n.messages";

    /**
     * Only asked for candidate locales and file names: {@code ResourceBundle.getBundle} refuses a
     * Control in a named module, so the files are read here, with the lookup it would have made.
     */
    private static final ResourceBundle.Control NO_DEFAULT_LOCALE =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    /** At most this many languages without a file are remembered; others are looked up each time. */
    private static final int MAX_REMEMBERED_MISSES = 256;

    /** The bundle of each candidate locale looked up, empty when there is no such file. */
    private static final ConcurrentMap<Locale, Optional<ResourceBundle>> BUNDLES = new ConcurrentHashMap<>();

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
        String pattern = Chain.of(locale).pattern(key);
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
        Locale bundleLocale = Chain.of(locale).locale();
        // The base bundle is English; its locale is ROOT.
        String language = bundleLocale.equals(Locale.ROOT) ? "en" : bundleLocale.getLanguage();
        return language.equals(locale.getLanguage()) ? locale : Locale.forLanguageTag(language);
    }

    /**
     * The bundles for a requested locale, most specific first, as {@code ResourceBundle.getBundle}
     * would chain them: the candidates of {@code es-MX} are {@code es_MX}, {@code es} and the base.
     *
     * @param locale the locale of the first bundle found (ROOT for the base)
     * @param chain the bundles found, most specific first; the base is always last
     */
    private record Chain(Locale locale, List<ResourceBundle> chain) {

        static Chain of(Locale requested) {
            Locale found = null;
            List<ResourceBundle> chain = new ArrayList<>(3);
            for (Locale candidate : NO_DEFAULT_LOCALE.getCandidateLocales(BUNDLE, requested)) {
                Optional<ResourceBundle> bundle = bundle(candidate);
                if (bundle.isPresent()) {
                    if (found == null) {
                        found = candidate;
                    }
                    chain.add(bundle.get());
                }
            }
            if (found == null) {
                throw new MissingResourceException("no " + BUNDLE + " bundle", BUNDLE, "");
            }
            return new Chain(found, chain);
        }

        String pattern(String key) {
            for (ResourceBundle bundle : chain) {
                if (bundle.containsKey(key)) {
                    return bundle.getString(key);
                }
            }
            throw new MissingResourceException("no text " + key + " in " + BUNDLE, BUNDLE, key);
        }
    }

    private static Optional<ResourceBundle> bundle(Locale candidate) {
        Optional<ResourceBundle> known = BUNDLES.get(candidate);
        if (known != null) {
            return known;
        }
        Optional<ResourceBundle> read = read(candidate);
        if (read.isPresent() || BUNDLES.size() < MAX_REMEMBERED_MISSES) {
            Optional<ResourceBundle> raced = BUNDLES.putIfAbsent(candidate, read);
            return raced != null ? raced : read;
        }
        // Too many languages without a file are remembered already: this one is looked up again next time.
        return Optional.empty();
    }

    /**
     * Reads one properties file through this class: in a named module that finds the module's own
     * files whatever it opens; on the class path it asks the class loader, as getBundle did. UTF-8,
     * or ISO-8859-1 for a file that is not valid UTF-8, like getBundle.
     */
    private static Optional<ResourceBundle> read(Locale candidate) {
        String resource = "/" + NO_DEFAULT_LOCALE.toResourceName(
                NO_DEFAULT_LOCALE.toBundleName(BUNDLE, candidate), "properties");
        try (InputStream in = Messages.class.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(new PropertyResourceBundle(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
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
