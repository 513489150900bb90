package org.bookingrules.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bookingrules.model.BookingEvent;
import org.bookingrules.model.BookingStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

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
 * <p>Without the two programs the test is skipped ({@link HeadlessChromium}).
 */
@DisplayName("Self-service page in headless Chromium")
class SelfServiceBrowserTest extends RunningPage {

    @RegisterExtension
    final HeadlessChromium chromium = new HeadlessChromium("selfservice-chromium-");
    private WebDriver browser;

    @BeforeEach
    void openBrowser() throws IOException {
        browser = chromium.open("en-US", "en-US,en");
    }

    @Test
    @DisplayName("R8 R11: open the link, type the e-mail, cancel, confirm the step, see \"Cancellation successful\"; "
            + "the booking is cancelled with the reason")
    void patientCancelsThroughThePage() throws IOException, URISyntaxException {
        browser.get(link(upcoming));
        assertThat(browser.getTitle()).startsWith("Your appointment");
        assertThat(browser.getCurrentUrl()).isEqualTo(server.baseUrl() + "/manage");
        chromium.screenshot("selfservice-1-link.png");

        browser.findElement(By.id("email")).sendKeys(DemoClinic.PATIENT.email());
        browser.findElement(By.id("identity-submit")).click();
        chromium.visible(By.id("cancel-start"));
        chromium.screenshot("selfservice-2-session.png");
        browser.findElement(By.id("cancel-start")).click();
        chromium.visible(By.id("cancel-reason")).sendKeys("I have to travel");
        chromium.screenshot("selfservice-3-cancel-step.png");
        browser.findElement(By.id("cancel-submit")).click();
        WebElement title = chromium.visible(By.id("done-title"));

        assertThat(title.getText()).isEqualTo("Cancellation successful");
        assertThat(browser.getCurrentUrl()).isEqualTo(server.baseUrl() + "/session/done");
        assertThat(clinic.booking(upcoming).status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(clinic.history(upcoming)).last().isInstanceOfSatisfying(BookingEvent.Cancelled.class,
                event -> assertThat(event.reason()).isEqualTo("I have to travel"));
        // The style sheet loaded under the CSP: the success box has its green background.
        assertThat(browser.findElement(By.cssSelector(".message.success")).getCssValue("background-color"))
                .isEqualTo("rgba(231, 246, 238, 1)");

        Path screenshot = chromium.screenshot("selfservice-success.png");
        assertThat(Files.size(screenshot)).isGreaterThan(1_000);
    }

    @Test
    @DisplayName("R8: after opening a link the address bar holds no token (only /manage), and Back does not lead "
            + "back to it")
    void openedLinkLeavesNoTokenInTheAddressOrHistory() throws IOException, URISyntaxException {
        // Attack: token leakage through the address bar and the history, where anyone at the device can reopen it.
        String token = clinic.manageToken(upcoming);
        String payload = token.substring(0, token.indexOf('.'));
        String signature = token.substring(token.indexOf('.') + 1);
        browser.get(server.manageUrl(token));
        chromium.visible(By.id("email"));

        String address = browser.getCurrentUrl();
        assertThat(address).isEqualTo(server.baseUrl() + "/manage").doesNotContain(payload).doesNotContain(signature);
        chromium.screenshot("selfservice-opened-link.png");
        browser.navigate().back();
        assertThat(browser.getCurrentUrl()).doesNotContain(payload).doesNotContain(signature);
        browser.navigate().forward();
        chromium.visible(By.id("email"));
        assertThat(browser.getCurrentUrl()).isEqualTo(server.baseUrl() + "/manage");
    }

    @Test
    @DisplayName("R8: a link clicked on a page of another site (a webmail) opens the appointment and lets the patient "
            + "in, although its cookie is SameSite=Strict and the link redirects")
    void linkClickedOnAnotherSiteOpens() throws IOException, URISyntaxException {
        // The usual way in: the link in a webmail, another site. A cross-site navigation must still get the page.
        String link = link(upcoming);
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
            chromium.visible(By.id("email"));
            assertThat(browser.getTitle()).startsWith("Your appointment");
            // The redirected request from the other site came without the Strict cookie, so the page moved on
            // by itself to /manage/continue, a same-origin navigation that carries it: the path this test is for.
            assertThat(browser.getCurrentUrl()).isEqualTo(server.baseUrl() + SelfServiceServer.CONTINUE);
            chromium.screenshot("selfservice-from-webmail.png");

            browser.findElement(By.id("email")).sendKeys(DemoClinic.PATIENT.email());
            browser.findElement(By.id("identity-submit")).click();
            chromium.visible(By.id("cancel-start"));
        } finally {
            webmail.stop(0);
        }
    }

    @Test
    @DisplayName("R8: a wrong e-mail shows the error and the form again, and opens nothing")
    void wrongEmailShowsTheError() throws IOException, URISyntaxException {
        browser.get(link(upcoming));

        browser.findElement(By.id("email")).sendKeys("someone.else@example.org");
        browser.findElement(By.id("identity-submit")).click();
        WebElement error = chromium.visible(By.id("identity-error"));

        assertThat(error.getText()).contains("That does not match our records. Please try again.",
                "Attempts left before this link is locked for a while: 4.");
        assertThat(browser.findElement(By.id("email")).getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.findElements(By.id("cancel-start"))).isEmpty();
        assertThat(clinic.booking(upcoming).status()).isEqualTo(BookingStatus.PENDING);
        chromium.screenshot("selfservice-wrong-email.png");
    }
}
