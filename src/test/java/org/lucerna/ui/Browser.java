package org.lucerna.ui;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Debian Chromium driven by its chromedriver, both by explicit path (Selenium Manager is
 * never asked), with a fresh profile that is deleted on close. Pages are addressed by their hash
 * route.
 */
public final class Browser implements AutoCloseable {
  static final String CHROMIUM = System.getProperty("lucerna.ui.chromium", "/usr/bin/chromium");
  static final String CHROMEDRIVER =
      System.getProperty("lucerna.ui.chromedriver", "/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final ChromeDriver driver;
  private final Path profile;
  private final String base;

  private Browser(ChromeDriver driver, Path profile, String base) {
    this.driver = driver;
    this.profile = profile;
    this.base = base;
  }

  /** Opens Chromium on the service at {@code root} with a window of that size. */
  public static Browser open(URL root, int width, int height) {
    Path profile;
    try {
      profile = Files.createTempDirectory("lucerna-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--user-data-dir=" + profile,
        "--window-size=" + width + "," + height);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(width, height));
    String base = root.toString().replaceAll("/+$", "");
    return new Browser(driver, profile, base);
  }

  public static Browser open(URL root) {
    return open(root, 1280, 900);
  }

  public WebDriver driver() {
    return driver;
  }

  public String base() {
    return base;
  }

  /** Loads the page at a hash route such as {@code #/m/tiny_cnn}. */
  public Browser go(String hash) {
    driver.get(base + "/" + hash);
    return this;
  }

  /** Follows a hash route inside the loaded page, as a link would. */
  public Browser navigate(String hash) {
    js("location.hash = arguments[0]", hash);
    return this;
  }

  public String hash() {
    return (String) js("return location.hash");
  }

  public WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  public List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  public WebElement await(String css) {
    return until(
        d -> {
          List<WebElement> found = d.findElements(By.cssSelector(css));
          return found.isEmpty() ? null : found.get(0);
        });
  }

  public <T> T until(Function<WebDriver, T> condition) {
    return until(Duration.ofSeconds(30), condition);
  }

  public <T> T until(Duration timeout, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, timeout, Duration.ofMillis(50)).until(condition);
  }

  public Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Runs a script that ends by calling its last argument with the answer. */
  public Object asyncJs(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
  }

  /** The paths of the resources the page has requested so far, from the Resource Timing entries. */
  @SuppressWarnings("unchecked")
  public List<String> requested() {
    return (List<String>)
        js(
            "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname"
                + " + new URL(e.name).search)");
  }

  /** The text of the page's alert region. */
  public String alert() {
    return find("#alert").getText();
  }

  /**
   * Runs axe-core (vendored from npm) on the page and answers its violations of impact serious or
   * critical.
   */
  @SuppressWarnings("unchecked")
  public List<String> seriousA11yViolations() {
    String axe;
    try (var in = Browser.class.getResourceAsStream("axe.min.js")) {
      axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    js(axe);
    return (List<String>)
        ((JavascriptExecutor) driver)
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "axe.run(document).then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
                    + ".map(v => v.id + ': ' + v.help + ' ' + v.nodes.map(n => n.target.join(' ')).join(', '))))"
                    + ".catch(e => done(['axe failed: ' + e]));");
  }

  /** Saves a screenshot of the window as {@code target/screenshots/{name}.png}. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary directory; the system cleans it eventually
      }
    }
  }
}
