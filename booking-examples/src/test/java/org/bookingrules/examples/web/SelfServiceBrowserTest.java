package org.bookingrules.examples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.bookingrules.model.BookingEvent;
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
import org.threeten.extra.MutableClock;

/**
 * The self-service page in a real browser: Debian's headless Chromium driven through its own
 * ChromeDriver ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver}; never downloaded, Selenium
 * Manager is not asked). A patient opens the link, types the e-mail, cancels through the
 * confirmation step and sees the success page, kept as a screenshot under the build folder
 * ({@code screenshots/selfservice-success.png}); a wrong e-mail shows the error (R8, R11). After
 * opening a link the address bar and the history hold no token, and a link clicked on another
 * site (a stand-in webmail on {@code localhost}, while the page is on {@code 127.0.0.1}) still lets
 * the patient in: the real browser is where {@code SameSite} and {@code Origin} behave as they do
 * for patients.
 *
 * <p>Without the two programs the test is skipped with how to install them, except in CI
 * ({@code CI=true}), where it fails.
 */
@DisplayName("Self-service page in headless Chromium")
class SelfServiceBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(15);

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
        profile = Files.createTempDirectory("selfservice-chromium-");

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
                "--disable-sync", "--user-data-dir=" + profile, "--window-size=1000,1000", "--lang=en-US");
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "en-US,en"));
        browser = new ChromeDriver(driverService, options);
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
    @DisplayName("R8 R11: open the link, type the e-mail, cancel, confirm the step, see \"Cancellation successful\"; "
            + "the booking is cancelled with the reason")
    void patientCancelsThroughThePage() throws IOException, URISyntaxException {
        String id = clinic.upcomingId();
        browser.get(server.manageUrl(clinic.manageToken(id)));
        assertThat(browser.getTitle()).startsWith("Your appointment");
        assertThat(browser.getCurrentUrl()).isEqualTo(server.baseUrl() + "/manage");
        screenshot("selfservice-1-link.png");

        browser.findElement(By.id("email")).sendKeys(DemoClinic.PATIENT.email());
        browser.findElement(By.id("identity-submit")).click();
        visible(By.id("cancel-start"));
        screenshot("selfservice-2-session.png");
        browser.findElement(By.id("cancel-start")).click();
        visible(By.id("cancel-reason")).sendKeys("I have to travel");
        screenshot("selfservice-3-cancel-step.png");
        browser.findElement(By.id("cancel-submit")).click();
        WebElement title = visible(By.id("done-title"));

        assertThat(title.getText()).isEqualTo("Cancellation successful");
        assertThat(browser.getCurrentUrl()).isEqualTo(server.baseUrl() + "/session/done");
        assertThat(clinic.booking(id).status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(clinic.history(id)).last().isInstanceOfSatisfying(BookingEvent.Cancelled.class,
                event -> assertThat(event.reason()).isEqualTo("I have to travel"));
        // The style sheet loaded under the CSP: the success box has its green background.
        assertThat(browser.findElement(By.cssSelector(".message.success")).getCssValue("background-color"))
                .isEqualTo("rgba(231, 246, 238, 1)");

        Path screenshot = screenshot("selfservice-success.png");
        assertThat(Files.size(screenshot)).isGreaterThan(1_000);
    }

    @Test
    @DisplayName("R8: after opening a link the address bar holds no token (only /manage), and Back does not lead "
            + "back to it")
    void openedLinkLeavesNoTokenInTheAddressOrHistory() throws IOException, URISyntaxException {
        // Attack: token leakage through the address bar and the history, where anyone at the device can reopen it.
        String token = clinic.manageToken(clinic.upcomingId());
        String payload = token.substring(0, token.indexOf('.'));
        String signature = token.substring(token.indexOf('.') + 1);
        browser.get(server.manageUrl(token));
        visible(By.id("email"));

        String address = browser.getCurrentUrl();
        assertThat(address).isEqualTo(server.baseUrl() + "/manage").doesNotContain(payload).doesNotContain(signature);
        screenshot("selfservice-opened-link.png");
        browser.navigate().back();
        assertThat(browser.getCurrentUrl()).doesNotContain(payload).doesNotContain(signature);
        browser.navigate().forward();
        visible(By.id("email"));
        assertThat(browser.getCurrentUrl()).isEqualTo(server.baseUrl() + "/manage");
    }

    @Test
    @DisplayName("R8: a link clicked on a page of another site (a webmail) opens the appointment and lets the patient "
            + "in, although its cookie is SameSite=Strict and the link redirects")
    void linkClickedOnAnotherSiteOpens() throws IOException, URISyntaxException {
        // The usual way in: the link in a webmail, another site. A cross-site navigation must still get the page.
        String link = server.manageUrl(clinic.manageToken(clinic.upcomingId()));
        HttpServer webmail = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] inbox = ("<!DOCTYPE html><html><head><title>Inbox</title></head><body><p>Your appointment: "
                + "<a id=\"mail-link\" href=\"" + link + "\">manage it</a></p></body></html>")
                .getBytes(StandardCharsets.UTF_8);
        webmail.createContext("/inbox", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, inbox.length);
            exchange.getResponseBody().write(inbox);
            exchange.close();
        });
        webmail.start();
        try {
            // "localhost" is another site than "127.0.0.1", where the page is.
            browser.get("http://localhost:" + webmail.getAddress().getPort() + "/inbox");
            browser.findElement(By.id("mail-link")).click();
            visible(By.id("email"));
            assertThat(browser.getTitle()).startsWith("Your appointment");
            // The redirected request from the other site came without the Strict cookie, so the page moved on
            // by itself to /manage/continue, a same-origin navigation that carries it: the path this test is for.
            assertThat(browser.getCurrentUrl()).isEqualTo(server.baseUrl() + SelfServiceServer.CONTINUE);
            screenshot("selfservice-from-webmail.png");

            browser.findElement(By.id("email")).sendKeys(DemoClinic.PATIENT.email());
            browser.findElement(By.id("identity-submit")).click();
            visible(By.id("cancel-start"));
        } finally {
            webmail.stop(0);
        }
    }

    @Test
    @DisplayName("R8: a wrong e-mail shows the error and the form again, and opens nothing")
    void wrongEmailShowsTheError() throws IOException, URISyntaxException {
        String id = clinic.upcomingId();
        browser.get(server.manageUrl(clinic.manageToken(id)));

        browser.findElement(By.id("email")).sendKeys("someone.else@example.org");
        browser.findElement(By.id("identity-submit")).click();
        WebElement error = visible(By.id("identity-error"));

        assertThat(error.getText()).contains("That does not match our records. Please try again.",
                "Attempts left before this link is locked for a while: 4.");
        assertThat(browser.findElement(By.id("email")).getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.findElements(By.id("cancel-start"))).isEmpty();
        assertThat(clinic.booking(id).status()).isEqualTo(BookingStatus.PENDING);
        screenshot("selfservice-wrong-email.png");
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
        Path testClasses = Path.of(SelfServiceBrowserTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
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
