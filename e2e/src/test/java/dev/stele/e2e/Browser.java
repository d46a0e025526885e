package dev.stele.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium, driven through Debian's chromedriver. Both are found at fixed
 * paths (or -Dstele.chromium / -Dstele.chromedriver) and handed to Selenium explicitly, so that
 * Selenium Manager, which would download a browser or a driver, is never consulted. A missing
 * program fails the test with how to install it.
 */
final class Browser implements AutoCloseable {
  static final String INSTALL = "apt-get install -y --no-install-recommends chromium chromium-driver";
  private static final Dimension WINDOW = new Dimension(1280, 1000);

  private final ChromeDriver driver;
  private final Path downloads;
  private final Path screenshots;

  private Browser(ChromeDriver driver, Path downloads, Path screenshots) {
    this.driver = driver;
    this.downloads = downloads;
    this.screenshots = screenshots;
  }

  /**
   * Starts a browser with a fresh profile in {@code work}; downloads go to {@code
   * work/downloads}, screenshots to {@code screenshots}.
   */
  static Browser start(Path work, Path screenshots) throws IOException {
    Path chromium = require(System.getProperty("stele.chromium", "/usr/bin/chromium"), "chromium");
    Path chromedriver = require(System.getProperty("stele.chromedriver", "/usr/bin/chromedriver"), "chromium-driver");
    // The driver path given to the service makes Selenium skip Selenium Manager; the property
    // says the same to any code path that looks there instead.
    System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, chromedriver.toString());
    Path downloads = Files.createDirectories(work.resolve("downloads"));
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--user-data-dir=" + work.resolve("profile"),
        "--window-size=" + WINDOW.width + "," + WINDOW.height);
    options.setExperimentalOption("prefs", Map.of(
        "download.default_directory", downloads.toString(),
        "download.prompt_for_download", false,
        "safebrowsing.enabled", false));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(chromedriver.toFile())
        .usingAnyFreePort()
        .withLogOutput(java.io.OutputStream.nullOutputStream())
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return new Browser(driver, downloads, Files.createDirectories(screenshots));
  }

  private static Path require(String path, String debianPackage) {
    Path p = Path.of(path);
    if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
      throw new IllegalStateException(path + " is not installed (Debian package " + debianPackage + "); the log"
          + " explorer's tests drive the system's Chromium and never download one. Install both with: " + INSTALL
          + " (or point -Dstele.chromium and -Dstele.chromedriver at a matching browser and driver)");
    }
    return p;
  }

  WebDriver driver() {
    return driver;
  }

  void open(String url) {
    driver.get(url);
  }

  Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  List<WebElement> findAll(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Waits up to 30 s for the condition to hold (non-null, non-false); fails with what it waited for. */
  <T> T await(String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(30)).withMessage(what).until(condition);
  }

  /** Waits for the element to exist and for its data-state to leave "running"; returns the element. */
  WebElement settled(String css) {
    return await(css + " settled", d -> {
      List<WebElement> found = d.findElements(By.cssSelector(css));
      if (found.isEmpty()) return null;
      String state = found.get(0).getAttribute("data-state");
      return state != null && !state.equals("running") ? found.get(0) : null;
    });
  }

  /** The file named {@code name} once the browser has finished downloading it. */
  Path downloaded(String name) {
    Path file = downloads.resolve(name);
    await("download of " + name, d -> Files.exists(file) && !Files.exists(downloads.resolve(name + ".crdownload")) ? file : null);
    return file;
  }

  /** Saves the whole page (not only the window) as {@code <name>.png}. */
  Path screenshot(String name) throws IOException {
    // The height of what is on the page (not of the window, which may be taller), plus what the
    // window itself takes from its size.
    long height = ((Number) script("return Math.ceil(document.querySelector('footer').getBoundingClientRect().bottom"
        + " + window.scrollY + window.outerHeight - window.innerHeight + 8)")).longValue();
    driver.manage().window().setSize(new Dimension(WINDOW.width, (int) Math.min(Math.max(height, 400), 4000)));
    try {
      Path file = screenshots.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } finally {
      driver.manage().window().setSize(WINDOW);
    }
  }

  /** The browser console's messages since the last call (errors, CSP and Trusted Types reports). */
  List<String> consoleMessages() {
    List<String> out = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) out.add(e.getLevel() + " " + e.getMessage());
    return out;
  }

  @Override
  public void close() {
    driver.quit();
  }
}
