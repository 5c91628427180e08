package dev.parley.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The viewer in a real headless browser (Debian's chromium through chromedriver; .ci/run installs
 * both): two participants converse over HTTP and the page shows their columns, their messages, and
 * the drafting indicator while one drafts, gone once it pushes.
 */
@Tag("browser")
class ViewerBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path profile;

  @Test
  void theConversationAndTheDraftingIndicatorShowInTheBrowser() throws Exception {
    assertThat(CHROMIUM)
        .as("Debian's chromium (apt-get install chromium chromium-driver)")
        .isExecutable();
    assertThat(CHROMEDRIVER)
        .as("Debian's chromedriver (apt-get install chromium-driver)")
        .isExecutable();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,800",
        "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();

    try (RunningServer server = RunningServer.start()) {
      WebDriver browser = new ChromeDriver(service, options);
      try {
        WebDriverWait wait = new WebDriverWait(browser, BOUND);
        browser.get(server.uri() + "/?room=e2e");
        wait.until(b -> b.findElement(By.id("connection")).getAttribute("class").contains("open"));

        RpcClient alice = server.login("alice", "e2e");
        RpcClient bob = server.login("bob", "e2e");
        wait.until(
            b ->
                !b.findElements(By.cssSelector(".column[data-user='alice']")).isEmpty()
                    && !b.findElements(By.cssSelector(".column[data-user='bob']")).isEmpty());

        alice.call("append", Map.of("text", "hello bob, how is the release going?"));
        WebElement aliceColumn = browser.findElement(By.cssSelector(".column[data-user='alice']"));
        wait.until(b -> aliceColumn.getAttribute("class").contains("drafting"));
        assertThat(aliceColumn.findElement(By.cssSelector(".state")).getText())
            .isEqualTo("drafting…");
        assertThat(aliceColumn.findElement(By.cssSelector(".draft")).getText())
            .contains("how is the release going?");

        alice.call("push");
        wait.until(b -> !aliceColumn.getAttribute("class").contains("drafting"));
        wait.until(
            b ->
                aliceColumn.findElements(By.cssSelector(".entry.chat")).stream()
                    .anyMatch(e -> e.getText().contains("hello bob, how is the release going?")));

        bob.call("append", Map.of("text", "shipping on Friday"));
        bob.call("push");
        WebElement bobColumn = browser.findElement(By.cssSelector(".column[data-user='bob']"));
        wait.until(
            b ->
                bobColumn.findElements(By.cssSelector(".entry.chat")).stream()
                    .anyMatch(e -> e.getText().contains("shipping on Friday")));
        assertThat(bobColumn.findElements(By.cssSelector(".entry.tool_call"))).isNotEmpty();
        assertThat(bobColumn.getCssValue("border-top-color"))
            .isNotEqualTo(aliceColumn.getCssValue("border-top-color"));

        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path saved = Path.of("target", "viewer-e2e.png");
        Files.copy(shot.toPath(), saved, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(saved)).isPositive();
      } finally {
        browser.quit();
      }
    }
  }
}
