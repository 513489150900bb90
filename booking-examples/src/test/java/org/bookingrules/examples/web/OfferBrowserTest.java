package org.bookingrules.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.stream.Stream;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.threeten.extra.Interval;

/**
 * The offer page of the cancellation list in a real browser ({@link HeadlessChromium}), as
 * {@link SelfServiceBrowserTest}: the waiting patient opens the offer link of their notice, sees the
 * freed slot and until when it is theirs, in English and in Spanish, and clicks accept; the slot is
 * booked for them. Screenshots are kept under the build folder ({@code screenshots/offer-en.png},
 * {@code offer-es.png} and the result pages {@code offer-en-booked.png}, {@code offer-es-booked.png}).
 *
 * <p>Without the two programs the test is skipped ({@link HeadlessChromium}).
 */
@DisplayName("Offer page in headless Chromium")
class OfferBrowserTest extends RunningPage {

    private static final int HOUR = 12;

    @RegisterExtension
    final HeadlessChromium chromium = new HeadlessChromium("offer-chromium-");

    /**
     * What a browser in one language sends and is shown.
     *
     * @param lang the browser's language
     * @param acceptLanguages its {@code Accept-Language}
     * @param shot the screenshots' name, before {@code .png} and {@code -booked.png}
     * @param title the offer page's title
     * @param offerText how the offer's text starts (its deadline's time follows)
     * @param accept the accept button
     * @param decline the decline button
     * @param doneTitle the title of the page after accepting
     * @param bookedWhen the booked slot on that page
     */
    record Language(String lang, String acceptLanguages, String shot, String title, String offerText, String accept,
            String decline, String doneTitle, String bookedWhen) {
    }

    static Stream<Named<Language>> languages() {
        return Stream.of(
                Named.of("English: open the offer link, see the slot and its deadline, accept, see \"The time is "
                        + "yours\"; the slot is booked for the waiting patient", new Language("en-US", "en-US,en",
                        "offer-en", "A time has opened up for you · Demo Clinic", "A 12:00 PM slot opened with Dr. "
                        + "Marta Ruiz on Thursday, March 5, 2026; it is yours if you accept by Mar 2, 2026",
                        "Yes, book this time", "No thanks", "The time is yours",
                        "Thursday, March 5, 2026, 12:00 PM – 12:30 PM")),
                Named.of("Spanish: the same offer in Spanish for a Spanish-speaking browser; accept, see \"La hora es "
                        + "suya\"", new Language("es-ES", "es-ES,es", "offer-es",
                        "Se ha liberado una hora para usted · Clínica Demo", "Se liberó una hora a las 12:00 con Dr. "
                        + "Marta Ruiz el jueves, 5 de marzo de 2026; es suya si la acepta hasta el ",
                        "Sí, reservar esta hora", "No, gracias", "La hora es suya",
                        "jueves, 5 de marzo de 2026, 12:00 – 12:30")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("languages")
    @DisplayName("Accepting an offer in the browser's language")
    void accept(Language language) throws IOException, URISyntaxException {
        WebDriver browser = chromium.open(language.lang(), language.acceptLanguages());
        String token = clinic.freeSlotForWaitingPatient(HOUR);

        browser.get(server.manageUrl(token));
        WebElement text = chromium.visible(By.id("offer-text"));

        assertThat(browser.getTitle()).isEqualTo(language.title());
        assertThat(browser.getCurrentUrl()).isEqualTo(server.baseUrl() + SelfServiceServer.OFFER);
        assertThat(plain(text.getText())).startsWith(language.offerText());
        assertThat(browser.findElement(By.id("offer-accept")).getText()).isEqualTo(language.accept());
        assertThat(browser.findElement(By.id("offer-decline")).getText()).isEqualTo(language.decline());
        assertThat(browser.getPageSource()).doesNotContain(token.substring(0, token.indexOf('.')))
                .doesNotContain(DemoClinic.WAITING_PATIENT.name()).doesNotContain(DemoClinic.WAITING_PATIENT.email());
        chromium.screenshot(language.shot() + ".png");

        browser.findElement(By.id("offer-accept")).click();
        WebElement title = chromium.visible(By.id("done-title"));

        assertThat(title.getText()).isEqualTo(language.doneTitle());
        assertThat(plain(browser.findElement(By.id("booked-when")).getText())).isEqualTo(language.bookedWhen());
        assertThat(browser.findElement(By.cssSelector(".message.success")).getCssValue("background-color"))
                .isEqualTo("rgba(231, 246, 238, 1)");
        assertBookedForTheWaitingPatient();
        assertThat(Files.size(chromium.screenshot(language.shot() + "-booked.png"))).isGreaterThan(1_000);
    }

    private void assertBookedForTheWaitingPatient() {
        ZonedDateTime slot = NOW.atZone(DemoClinic.ZONE).toLocalDate().plusDays(3).atTime(HOUR, 0).atZone(DemoClinic.ZONE);
        List<Booking> booked = clinic.repository().calendar(DemoClinic.TENANT, DemoClinic.DOCTOR.id(),
                Interval.of(slot.toInstant(), slot.plusMinutes(30).toInstant())).stream()
                .filter(Booking::isActive).toList();
        assertThat(booked).singleElement().satisfies(b -> {
            assertThat(b.customer()).hasValueSatisfying(c -> assertThat(c.id())
                    .isEqualTo(DemoClinic.WAITING_PATIENT.id()));
            assertThat(b.status()).isEqualTo(BookingStatus.PENDING);
        });
    }

    /** Newer JDKs put a narrow no-break space before AM and PM: compare with a plain one. */
    private static String plain(String text) {
        return text.replace('\u202f', ' ');
    }
}
