package dev.parley.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.RpcClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The viewer page of a daemon with access control, in a real headless browser: refused with 401, it
 * asks for a key, keeps it for the tab and connects with it.
 */
@Tag("browser")
class ViewerKeyBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void thePageAsksForAKeyAndWatchesWithIt() throws Exception {
    assertThat(CHROMIUM)
        .as("Debian's chromium (apt-get install chromium chromium-driver)")
        .isExecutable();
    Path keys = dir.resolve("keys.json");
    String watcher = AccessKeys.add(keys, "watcher", List.of("e2e"), true, false);
    String speaker = AccessKeys.add(keys, "speaker", List.of("e2e"), false, false);
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
        "--user-data-dir=" + dir.resolve("profile").toAbsolutePath());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    try (ParleyServer server =
        new ParleyServer(
                ServerConfig.ephemeral().withDataDir(dir.resolve("data")), AccessKeys.open(keys))
            .start()) {
      WebDriver browser = new ChromeDriver(service, options);
      try {
        WebDriverWait wait = new WebDriverWait(browser, BOUND);
        browser.get(server.uri() + "/?room=e2e");
        Alert prompt = wait.until(ExpectedConditions.alertIsPresent());
        assertThat(prompt.getText()).contains("access key");
        prompt.sendKeys(watcher);
        prompt.accept();
        wait.until(b -> b.findElement(By.id("connection")).getAttribute("class").contains("open"));

        RpcClient client = RpcClient.at(server.uri());
        RpcClient speaking =
            client.withSession(
                client
                    .call("login", Map.of("username", "speaker", "room", "e2e", "key", speaker))
                    .get("session")
                    .asText());
        speaking.call("append", Map.of("text", "seen with a key"));
        speaking.call("push");
        wait.until(
            b ->
                b
                    .findElements(By.cssSelector("#transcript .turn.msg[data-user='speaker']"))
                    .stream()
                    .anyMatch(e -> e.getText().contains("seen with a key")));

        // Kept for the tab: a reload connects without asking again.
        browser.navigate().refresh();
        wait.until(b -> b.findElement(By.id("connection")).getAttribute("class").contains("open"));
      } finally {
        browser.quit();
      }
    }
  }
}
