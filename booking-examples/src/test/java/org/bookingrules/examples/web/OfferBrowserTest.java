package org.bookingrules.examples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.threeten.extra.Interval;
import org.threeten.extra.MutableClock;

/**
 * The offer page of the cancellation list in a real browser, Debian's headless Chromium through its
 * own ChromeDriver, as {@link SelfServiceBrowserTest}: the waiting patient opens the offer link of
 * their notice, sees the freed slot and until when it is theirs, in English and in Spanish, and
 * clicks accept; the slot is booked for them. Screenshots are kept under the build folder
 * ({@code screenshots/offer-en.png}, {@code offer-es.png} and the result pages
 * {@code offer-en-booked.png}, {@code offer-es-booked.png}).
 *
 * <p>Without the two programs the test is skipped with how to install them, except in CI
 * ({@code CI=true}), where it fails.
 */
@DisplayName("Offer page in headless Chromium")
class OfferBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final int HOUR = 12;

    private DemoClinic clinic;
    private SelfServiceServer server;
    private Path profile;
    private ChromeDriverService driverService;
    private WebDriver browser;

    @BeforeAll
    static void chromiumIsInstalled() {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String message = "headless Chromium needs " + CHROMIUM + " and " + CHROMEDRIVER
                + ": apt-get install chromium chromium-driver (.ci/run installs them)";
        if (!installed && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("in CI the browser test must not skip: " + message);
        }
        assumeTrue(installed, message);
    }

    @BeforeEach
    void start() throws IOException {
        clinic = DemoClinic.open(MutableClock.of(NOW, DemoClinic.ZONE), "");
        server = SelfServiceServer.builder(clinic.selfService())
                .clock(clinic.links().clock())
                .port(0)
                .build()
                .start();
        profile = Files.createTempDirectory("offer-chromium-");
    }

    @AfterEach
    void stop() throws IOException {
        try {
            if (browser != null) {
                browser.quit();
            }
            if (driverService != null) {
                driverService.stop();
            }
        } finally {
            server.stop();
            clinic.close();
            deleteRecursively(profile);
        }
    }

    @Test
    @DisplayName("English: open the offer link, see the slot and its deadline, accept, see \"The time is yours\"; the "
            + "slot is booked for the waiting patient")
    void acceptInEnglish() throws IOException, URISyntaxException {
        startBrowser("en-US", "en-US,en");
        String token = clinic.freeSlotForWaitingPatient(HOUR);

        browser.get(server.manageUrl(token));
        WebElement text = visible(By.id("offer-text"));

        assertThat(browser.getTitle()).isEqualTo("A time has opened up for you · Demo Clinic");
        assertThat(browser.getCurrentUrl()).isEqualTo(server.baseUrl() + SelfServiceServer.OFFER);
        assertThat(plain(text.getText())).startsWith("A 12:00 PM slot opened with Dr. Marta Ruiz on Thursday, March 5, "
                + "2026; it is yours if you accept by Mar 2, 2026");
        assertThat(browser.findElement(By.id("offer-decline")).getText()).isEqualTo("No thanks");
        assertThat(browser.getPageSource()).doesNotContain(token.substring(0, token.indexOf('.')))
                .doesNotContain(DemoClinic.WAITING_PATIENT.name()).doesNotContain(DemoClinic.WAITING_PATIENT.email());
        screenshot("offer-en.png");

        browser.findElement(By.id("offer-accept")).click();
        WebElement title = visible(By.id("done-title"));

        assertThat(title.getText()).isEqualTo("The time is yours");
        assertThat(plain(browser.findElement(By.id("booked-when")).getText()))
                .isEqualTo("Thursday, March 5, 2026, 12:00 PM – 12:30 PM");
        assertThat(browser.findElement(By.cssSelector(".message.success")).getCssValue("background-color"))
                .isEqualTo("rgba(231, 246, 238, 1)");
        assertBookedForTheWaitingPatient();
        assertThat(Files.size(screenshot("offer-en-booked.png"))).isGreaterThan(1_000);
    }

    @Test
    @DisplayName("Spanish: the same offer in Spanish for a Spanish-speaking browser; accept, see \"La hora es suya\"")
    void acceptInSpanish() throws IOException, URISyntaxException {
        startBrowser("es-ES", "es-ES,es");
        String token = clinic.freeSlotForWaitingPatient(HOUR);

        browser.get(server.manageUrl(token));
        WebElement text = visible(By.id("offer-text"));

        assertThat(browser.getTitle()).isEqualTo("Se ha liberado una hora para usted · Clínica Demo");
        assertThat(text.getText()).startsWith("Se liberó una hora a las 12:00 con Dr. Marta Ruiz el jueves, 5 de marzo "
                + "de 2026; es suya si la acepta hasta el ");
        assertThat(browser.findElement(By.id("offer-accept")).getText()).isEqualTo("Sí, reservar esta hora");
        assertThat(browser.findElement(By.id("offer-decline")).getText()).isEqualTo("No, gracias");
        screenshot("offer-es.png");

        browser.findElement(By.id("offer-accept")).click();
        WebElement title = visible(By.id("done-title"));

        assertThat(title.getText()).isEqualTo("La hora es suya");
        assertThat(browser.findElement(By.id("booked-when")).getText()).startsWith("jueves, 5 de marzo de 2026, 12:00");
        assertBookedForTheWaitingPatient();
        assertThat(Files.size(screenshot("offer-es-booked.png"))).isGreaterThan(1_000);
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

    private void startBrowser(String lang, String acceptLanguages) {
        // The driver is named twice, so no code path of Selenium looks for (or downloads) another.
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--window-size=1000,1000", "--lang=" + lang);
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", acceptLanguages));
        browser = new ChromeDriver(driverService, options);
    }

    /** Newer JDKs put a narrow no-break space before AM and PM: compare with a plain one. */
    private static String plain(String text) {
        return text.replace('\u202f', ' ');
    }

    /** Keeps what the browser shows under {@code <build folder>/screenshots/}. */
    private Path screenshot(String name) throws IOException, URISyntaxException {
        Path screenshot = buildFolder().resolve("screenshots").resolve(name);
        Files.createDirectories(screenshot.getParent());
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
        return screenshot;
    }

    private WebElement visible(By locator) {
        return new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    /** The module's build folder ({@code target}, or what {@code -Dbuild.dirName} names): where test classes are. */
    private static Path buildFolder() throws URISyntaxException {
        Path testClasses = Path.of(OfferBrowserTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return testClasses.getParent();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
