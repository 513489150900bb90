package org.bookingrules.i18n;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.text.MessageFormat;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.Properties;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.NotificationKind;
import org.bookingrules.spi.RecipientRole;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Messages: English and Spanish texts for every refusal and notification (R9, R14)")
class MessagesTest {

    private static final String ENGLISH_BUNDLE = "org/bookingrules/i18n/messages.properties";
    private static final String SPANISH_BUNDLE = "org/bookingrules/i18n/messages_es.properties";
    private static final Properties ENGLISH = load(ENGLISH_BUNDLE);
    private static final Properties SPANISH = load(SPANISH_BUNDLE);
    private static final Locale SPANISH_LOCALE = Locale.forLanguageTag("es");
    private static final String ENGLISH_SLOT_IN_PAST = "The time you chose is in the past.";
    private static final String ESPERANTO_SLOT_IN_PAST = "La elektita horo jam pasis.";
    /** Variants no other test asks for: Messages keeps what it read for as long as the JVM runs. */
    private static final AtomicInteger VARIANTS = new AtomicInteger(new SecureRandom().nextInt(5_000_000));

    private static Properties load(String resource) {
        Properties properties = new Properties();
        try (InputStream in = MessagesTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource + " on the classpath").isNotNull();
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
        return properties;
    }

    @ParameterizedTest
    @EnumSource(RefusalReason.class)
    @DisplayName("R9 every refusal reason has a non-blank text in the English base bundle and in the Spanish bundle")
    void everyRefusalReasonHasTexts(RefusalReason reason) {
        assertThat(ENGLISH.getProperty(reason.messageKey())).as("English " + reason).isNotBlank();
        assertThat(SPANISH.getProperty(reason.messageKey())).as("Spanish " + reason).isNotBlank();
    }

    static Stream<Arguments> everyNotification() {
        return Arrays.stream(NotificationKind.values())
                .flatMap(kind -> Arrays.stream(RecipientRole.values()).map(role -> arguments(kind, role)));
    }

    @ParameterizedTest(name = "{0} to {1}")
    @MethodSource("everyNotification")
    @DisplayName("R14 every notification kind has a subject for every recipient role, in English and Spanish, with "
            + "the service {0} and the time {1}")
    void everyNotificationHasTexts(NotificationKind kind, RecipientRole role) {
        String key = "notification." + kind + "." + role;

        assertThat(ENGLISH.getProperty(key)).as("English " + key).isNotBlank().contains("{0}", "{1}");
        assertThat(SPANISH.getProperty(key)).as("Spanish " + key).isNotBlank().contains("{0}", "{1}");
    }

    @Test
    @DisplayName("the English and Spanish bundles have exactly the same keys, so no text silently falls back")
    void sameKeys() {
        assertThat(SPANISH.stringPropertyNames()).containsExactlyInAnyOrderElementsOf(ENGLISH.stringPropertyNames());
    }

    @Test
    @DisplayName("R9 every refusal text is translated: no Spanish refusal text equals its English one")
    void refusalsAreTranslated() {
        List<String> refusalKeys = ENGLISH.stringPropertyNames().stream()
                .filter(key -> key.startsWith("refusal."))
                .sorted()
                .toList();

        assertThat(refusalKeys).hasSize(RefusalReason.values().length + 2);
        for (String key : refusalKeys) {
            assertThat(SPANISH.getProperty(key)).as(key).isNotEqualTo(ENGLISH.getProperty(key));
        }
    }

    @Test
    @DisplayName("the Spanish bundle is read as UTF-8 by Messages: accented letters arrive intact")
    void spanishAccentsSurvive() {
        assertThat(Messages.text(SPANISH_LOCALE, "refusal.NOT_ACTIVE"))
                .isEqualTo("Esta reserva ya no está activa, por lo que no se puede modificar.")
                .isEqualTo(SPANISH.getProperty("refusal.NOT_ACTIVE"));
    }

    @Test
    @DisplayName("R9 a language without a bundle (German) gets English even when the JVM's default is Spanish")
    void germanFallsBackToEnglishNotToTheDefaultLocale() {
        underASpanishDefault(() -> {
            assertThat(Messages.text(Locale.GERMAN, "refusal.CANCELLATION_NOTICE_PASSED"))
                    .isEqualTo("It is too late to cancel this booking online.");
            assertThat(Messages.text(Locale.GERMANY, "refusal.contact", "+49 30 000000"))
                    .isEqualTo("Please contact +49 30 000000.");
        });
    }

    @Test
    @DisplayName("R9 a regional Spanish (es-MX) gets the Spanish bundle; English stays English under a Spanish default")
    void regionalSpanishAndEnglishUnderASpanishDefault() {
        underASpanishDefault(() -> {
            assertThat(Messages.text(Locale.forLanguageTag("es-MX"), "refusal.SLOT_IN_PAST"))
                    .isEqualTo("El horario elegido ya pasó.");
            assertThat(Messages.text(Locale.ENGLISH, "refusal.SLOT_IN_PAST")).isEqualTo(ENGLISH_SLOT_IN_PAST);
        });
    }

    /** Runs the checks with the JVM's default locale Spanish, and restores the default after them. */
    private static void underASpanishDefault(Runnable checks) {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(SPANISH_LOCALE);
            checks.run();
        } finally {
            Locale.setDefault(saved);
        }
    }

    /** Esperanto with a variant of its own: a language Messages has never looked up. */
    private static Locale unseenLanguage() {
        return Locale.forLanguageTag(String.format(Locale.ROOT, "eo-v%07d", VARIANTS.incrementAndGet()));
    }

    /** Adds a bundle for the language on the class path, as an integrator would, with one text translated. */
    private static Path addBundle(Locale language) throws IOException, URISyntaxException {
        ResourceBundle.Control names = ResourceBundle.Control.getNoFallbackControl(
                ResourceBundle.Control.FORMAT_PROPERTIES);
        Path classPath = Path.of(MessagesTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path file = classPath.resolve(
                names.toResourceName(names.toBundleName(Messages.BUNDLE, language), "properties"));
        return Files.writeString(file, "refusal.SLOT_IN_PAST=" + ESPERANTO_SLOT_IN_PAST + "\n");
    }

    @Test
    @DisplayName("R9 a language an integrator adds on the class path is spoken from its very first text, with "
            + "English for what it does not translate")
    void anAddedLanguageIsSpokenFromTheFirstText() throws Exception {
        Locale esperanto = unseenLanguage();
        Path bundle = addBundle(esperanto);
        try {
            assertThat(Messages.text(esperanto, "refusal.SLOT_IN_PAST")).isEqualTo(ESPERANTO_SLOT_IN_PAST);
            assertThat(Messages.text(esperanto, "refusal.SLOT_IN_PAST")).isEqualTo(ESPERANTO_SLOT_IN_PAST);
            assertThat(Messages.text(esperanto, "refusal.NOT_ACTIVE"))
                    .isEqualTo(ENGLISH.getProperty("refusal.NOT_ACTIVE"));
            assertThat(Messages.resolvedLocale(esperanto)).isEqualTo(esperanto);
        } finally {
            Files.delete(bundle);
        }
    }

    @Test
    @DisplayName("R9 a flood of languages without a bundle (from request headers, say) gets English, and memory "
            + "stays bounded: past 256 a missing language is not remembered, so a bundle added for it later is read")
    void missingLanguagesAreRememberedOnlyUpToALimit() throws Exception {
        for (int i = 0; i < 300; i++) {
            assertThat(Messages.text(unseenLanguage(), "refusal.SLOT_IN_PAST")).isEqualTo(ENGLISH_SLOT_IN_PAST);
        }
        Locale late = unseenLanguage();
        assertThat(Messages.text(late, "refusal.SLOT_IN_PAST")).as("before its bundle")
                .isEqualTo(ENGLISH_SLOT_IN_PAST);

        Path bundle = addBundle(late);
        try {
            assertThat(Messages.text(late, "refusal.SLOT_IN_PAST")).as("after").isEqualTo(ESPERANTO_SLOT_IN_PAST);
        } finally {
            Files.delete(bundle);
        }
    }

    @Test
    @DisplayName("R9 the language spoken: a bundle's language keeps the requested region; any other gets English, "
            + "whatever the JVM's default")
    void resolvedLocale() {
        underASpanishDefault(() -> {
            assertThat(Messages.resolvedLocale(Locale.GERMAN)).isEqualTo(Locale.forLanguageTag("en"));
            assertThat(Messages.resolvedLocale(Locale.forLanguageTag("es-CL"))).isEqualTo(Locale.forLanguageTag("es-CL"));
            assertThat(Messages.resolvedLocale(SPANISH_LOCALE)).isEqualTo(SPANISH_LOCALE);
            assertThat(Messages.resolvedLocale(Locale.UK)).isEqualTo(Locale.UK);
        });
    }

    @Test
    @DisplayName("R9 a German reader gets an English date with the English sentence, never a mix")
    void germanDatesAreEnglish() {
        Instant tenUtc = Instant.parse("2026-03-10T10:00:00Z");
        ZoneId madrid = ZoneId.of("Europe/Madrid");

        assertThat(Messages.dateTime(tenUtc, madrid, Locale.GERMAN))
                .isEqualTo(Messages.dateTime(tenUtc, madrid, Locale.ENGLISH));
    }

    @Test
    @DisplayName("R14 arguments are formatted into the pattern")
    void formatsArguments() {
        assertThat(Messages.text(Locale.ENGLISH, "notification.CANCELLED.RESOURCE", "Consultation", "Mar 10"))
                .isEqualTo("Cancelled: Consultation on Mar 10");
        assertThat(Messages.text(SPANISH_LOCALE, "notification.CANCELLED.CUSTOMER", "Consulta", "10 mar"))
                .isEqualTo("Tu cita de Consulta el 10 mar fue anulada");
    }

    static Stream<Arguments> everyText() {
        return Stream.concat(textsOf("en", ENGLISH), textsOf("es", SPANISH));
    }

    /** Each text of a bundle, by key, labelled with the language. */
    private static Stream<Arguments> textsOf(String language, Properties bundle) {
        return bundle.stringPropertyNames().stream().sorted()
                .map(key -> arguments(language + " " + key, bundle.getProperty(key)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyText")
    @DisplayName("every text is a valid MessageFormat pattern; one without arguments has no apostrophe, because "
            + "Messages.text returns such a text unformatted and a doubled '' would show as is")
    void everyTextIsAValidPattern(String label, String pattern) {
        MessageFormat format = new MessageFormat(pattern, Locale.ROOT);

        if (format.getFormatsByArgumentIndex().length == 0) {
            assertThat(pattern).doesNotContain("'");
        }
    }

    @Test
    @DisplayName("an unknown key is a bug and throws MissingResourceException")
    void unknownKeyThrows() {
        assertThatThrownBy(() -> Messages.text(Locale.ENGLISH, "refusal.NO_SUCH_REASON"))
                .isInstanceOf(MissingResourceException.class);
    }

    @Test
    @DisplayName("R9 dates are shown in the booking's zone, not UTC and not the JVM's zone")
    void dateTimeUsesTheGivenZone() {
        Instant tenUtc = Instant.parse("2026-03-10T10:00:00Z");

        assertThat(Messages.dateTime(tenUtc, ZoneId.of("Asia/Tokyo"), SPANISH_LOCALE)).contains("19:00");
        assertThat(Messages.dateTime(tenUtc, ZoneId.of("Europe/Madrid"), SPANISH_LOCALE)).contains("11:00");
    }
}
