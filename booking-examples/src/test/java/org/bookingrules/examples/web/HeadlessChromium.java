package org.bookingrules.examples.web;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
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

/**
 * A real browser for the page's tests: Debian's headless Chromium driven through its own
 * ChromeDriver ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver}; never downloaded, Selenium
 * Manager is not asked), with a fresh profile in a temporary folder. Registered as an extension on
 * a test's instance field, it skips each test when the two programs are missing, with how to install
 * them, except in CI ({@code CI=true}), where it fails; and after each test it quits the browser and
 * deletes the profile. Screenshots are kept under the build folder ({@code screenshots/}).
 * Not thread-safe: one per test instance.
 */
final class HeadlessChromium implements BeforeEachCallback, AfterEachCallback {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final String profilePrefix;
    private Path profile;
    private ChromeDriverService driverService;
    private WebDriver browser;

    /** @param profilePrefix how the temporary profile folder's name starts */
    HeadlessChromium(String profilePrefix) {
        this.profilePrefix = profilePrefix;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String message = "headless Chromium needs " + CHROMIUM + " and " + CHROMEDRIVER
                + ": apt-get install chromium chromium-driver (.ci/run installs them)";
        if (!installed && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("in CI the browser test must not skip: " + message);
        }
        assumeTrue(installed, message);
    }

    /**
     * Starts the browser in a language.
     *
     * @param lang the browser's language, as {@code --lang} takes it
     * @param acceptLanguages what it sends as {@code Accept-Language}, most wanted first
     * @return the browser, quit after the test
     * @throws IOException when the profile folder cannot be made
     */
    WebDriver open(String lang, String acceptLanguages) throws IOException {
        profile = Files.createTempDirectory(profilePrefix);
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
        return browser;
    }

    /**
     * Waits until an element shows.
     *
     * @param locator the element
     * @return it, once visible
     */
    WebElement visible(By locator) {
        return new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    /**
     * Keeps what the browser shows under {@code <build folder>/screenshots/}.
     *
     * @param name the file's name
     * @return the file
     */
    Path screenshot(String name) throws IOException, URISyntaxException {
        Path screenshot = buildFolder().resolve("screenshots").resolve(name);
        Files.createDirectories(screenshot.getParent());
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
        return screenshot;
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            if (browser != null) {
                browser.quit();
            }
            if (driverService != null) {
                driverService.stop();
            }
        } finally {
            deleteRecursively(profile);
        }
    }

    /** The module's build folder ({@code target}, or what {@code -Dbuild.dirName} names): where test classes are. */
    private static Path buildFolder() throws URISyntaxException {
        return Path.of(HeadlessChromium.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
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
