package dev.parley.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
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
 * both), with participants conversing over HTTP: the conversation view (the transcript in order,
 * the drafting indicator, folded actions), the columns view, history on a page opened afterwards,
 * older messages loaded when the conversation is scrolled to the top, the all-rooms view's labels,
 * room links, the layout's width, the favicon and the colors. The screenshots go to target/.
 */
@Tag("browser")
class ViewerBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path profile;

  @TempDir Path data;

  /** A headless chromium, for one test: the caller quits it. */
  private WebDriver browser() {
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

    return new ChromeDriver(service, options);
  }

  @Test
  void theConversationAndTheDraftingIndicatorShowInTheBrowser() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      WebDriver browser = browser();
      try {
        WebDriverWait wait = new WebDriverWait(browser, BOUND);
        browser.get(server.uri() + "/?room=e2e&view=columns");
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

  @Test
  void theFaviconIsServedAndNamesGetColorsFarApart() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      HttpResponse<byte[]> icon =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(server.uri() + "/favicon.ico")).build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertThat(icon.statusCode()).isEqualTo(200);
      assertThat(icon.headers().firstValue("Content-Type")).hasValue("image/svg+xml");
      assertThat(new String(icon.body(), StandardCharsets.UTF_8)).contains("<svg");

      WebDriver browser = browser();
      try {
        browser.get(server.uri() + "/?room=e2e");
        WebDriverWait wait = new WebDriverWait(browser, BOUND);
        wait.until(b -> b.findElement(By.id("connection")).getAttribute("class").contains("open"));
        JavascriptExecutor js = (JavascriptExecutor) browser;
        @SuppressWarnings("unchecked")
        List<String> palette =
            (List<String>) js.executeScript("return window.parleyViewer.palette");
        for (int i = 0; i < palette.size(); i++) {
          for (int j = i + 1; j < palette.size(); j++) {
            assertThat(deltaE(palette.get(i), palette.get(j)))
                .as("%s against %s", palette.get(i), palette.get(j))
                .isGreaterThan(30);
          }
        }
        // The names whose hues were 157°, 169° and 155° before: now as far apart as the palette.
        @SuppressWarnings("unchecked")
        List<String> chosen =
            (List<String>)
                js.executeScript(
                    "return ['bob', 'carol', 'ChatGPT', 'alice', 'dave']"
                        + ".map(n => window.parleyViewer.colorOf(n))");
        assertThat(chosen).doesNotHaveDuplicates();
        assertThat(
                js.executeScript("return window.parleyViewer.colorOf('bob')").equals(chosen.get(0)))
            .as("a name keeps its color")
            .isTrue();
      } finally {
        browser.quit();
      }
    }
  }

  @Test
  void columnsFitTheWindowAndARoomLinkOpensOnThatRoom() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      WebDriver browser = browser();
      try {
        WebDriverWait wait = new WebDriverWait(browser, BOUND);
        browser.get(server.uri() + "/?view=columns");
        wait.until(b -> b.findElement(By.id("connection")).getAttribute("class").contains("open"));
        for (String name : List.of("ann", "ben", "cy", "dee", "eve", "fay")) {
          server.login(name, "wide").call("append", Map.of("text", "hello from " + name));
        }
        server.login("zed", "other").call("append", Map.of("text", "elsewhere"));
        wait.until(b -> b.findElements(By.cssSelector(".column")).size() == 7);
        JavascriptExecutor js = (JavascriptExecutor) browser;
        String overflow =
            "return document.documentElement.scrollWidth > document.documentElement.clientWidth";
        assertThat(js.executeScript(overflow)).as("spills off-screen at 1280 px").isEqualTo(false);
        browser.manage().window().setSize(new Dimension(480, 800));
        wait.until(b -> js.executeScript(overflow).equals(false));

        WebElement link =
            browser.findElement(By.cssSelector(".column[data-user='zed'] header a.room"));
        assertThat(link.getText()).isEqualTo("other");
        link.click();
        wait.until(b -> b.getCurrentUrl().endsWith("/?room=other"));
        wait.until(b -> b.findElement(By.id("connection")).getAttribute("class").contains("open"));
        assertThat(browser.findElement(By.id("room-label")).getText()).isEqualTo("room other");
        assertThat(browser.findElement(By.id("room-label")).getAttribute("href"))
            .endsWith("/?room=other");
        server.login("ann", "other").call("append", Map.of("text", "me too"));
        wait.until(b -> !b.findElements(By.cssSelector(".column[data-user='ann']")).isEmpty());
        assertThat(browser.findElements(By.cssSelector(".column[data-user='ben']"))).isEmpty();
      } finally {
        browser.quit();
      }
    }
  }

  @Test
  void theAllRoomsViewLabelsRoomsAndKeepsSameNamesApart() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      WebDriver browser = browser();
      try {
        WebDriverWait wait = new WebDriverWait(browser, BOUND);
        browser.get(server.uri() + "/?view=columns");
        wait.until(b -> b.findElement(By.id("connection")).getAttribute("class").contains("open"));
        RpcClient bobInAtrium = server.login("bob", "atrium");
        RpcClient bobInCellar = server.login("bob", "cellar");
        bobInAtrium.call("append", Map.of("text", "up here"));
        bobInAtrium.call("push");
        bobInCellar.call("append", Map.of("text", "down here"));
        bobInCellar.call("push");
        By atrium = By.cssSelector(".column[data-user='bob'][data-room='atrium']");
        By cellar = By.cssSelector(".column[data-user='bob'][data-room='cellar']");
        wait.until(
            b ->
                b.findElement(atrium).getText().contains("up here")
                    && b.findElement(cellar).getText().contains("down here"));
        assertThat(browser.findElement(atrium).getText()).doesNotContain("down here");
        assertThat(browser.findElement(cellar).getText()).doesNotContain("up here");
        for (WebElement entry : browser.findElements(By.cssSelector(".entry"))) {
          WebElement column = entry.findElement(By.xpath("ancestor::section[1]"));
          assertThat(entry.findElement(By.cssSelector(".meta a.room")).getText())
              .isEqualTo(column.getAttribute("data-room"));
        }
        assertThat(browser.findElement(atrium).getCssValue("border-top-color"))
            .isNotEqualTo(browser.findElement(cellar).getCssValue("border-top-color"));
      } finally {
        browser.quit();
      }
    }
  }

  @Test
  void aPageOpenedAfterTheConversationShowsIt() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient alice = server.login("alice", "before");
      RpcClient bob = server.login("bob", "before");
      alice.call("append", Map.of("text", "did anyone watch?"));
      alice.call("push");
      bob.call("append", Map.of("text", "nobody yet"));
      bob.call("push");

      WebDriver browser = browser();
      try {
        WebDriverWait wait = new WebDriverWait(browser, BOUND);
        for (String page : List.of("/?room=before", "/")) {
          browser.get(server.uri() + page);
          wait.until(b -> b.findElements(By.cssSelector("#transcript .turn.msg")).size() == 2);
          assertThat(browser.findElements(By.cssSelector("#transcript .turn.msg .text")))
              .as("each message once, in order, on %s", page)
              .extracting(WebElement::getText)
              .containsExactly("did anyone watch?", "nobody yet");
        }
      } finally {
        browser.quit();
      }
    }
  }

  @Test
  void scrollingToTheTopLoadsOlderMessagesOnceEachUntilTheStart() throws Exception {
    // A daemon restarted over its data keeps the log but none of the frames kept for viewers:
    // what was said before is only in the store, behind what is said since.
    ServerConfig config = ServerConfig.ephemeral().withDataDir(data);
    try (RunningServer before =
        RunningServer.start(config.withRoomDefaults(RunningServer.AGENTS_ONLY))) {
      RpcClient alice = before.login("alice", "long");
      RpcClient bob = before.login("bob", "long");
      for (int i = 1; i <= 60; i++) {
        (i % 2 == 0 ? bob : alice).call("append", Map.of("text", "old " + i));
        (i % 2 == 0 ? bob : alice).call("push");
      }
    }
    try (RunningServer server = RunningServer.start(config)) {
      RpcClient carol = server.login("carol", "long");
      for (int i = 1; i <= 3; i++) {
        carol.call("append", Map.of("text", "new " + i));
        carol.call("push");
      }
      WebDriver browser = browser();
      try {
        WebDriverWait wait = new WebDriverWait(browser, BOUND);
        JavascriptExecutor js = (JavascriptExecutor) browser;
        By turns = By.cssSelector("#transcript .turn.msg");
        browser.get(server.uri() + "/?room=long");
        // The kept frames, then at the top of a short page the newest older page at once.
        wait.until(b -> b.findElements(turns).size() > 3);
        wait.until(
            b -> !"loading".equals(b.findElement(By.id("older")).getAttribute("data-state")));
        int shown = browser.findElements(turns).size();
        assertThat(shown).as("one page, not the whole log").isLessThan(63);
        assertThat(
                (Boolean)
                    js.executeScript(
                        "return document.documentElement.scrollHeight > window.innerHeight"))
            .as("the page fills the window before it stops loading")
            .isTrue();

        // Scrolled to the top: the rest comes above, and what was on screen stays in place.
        WebElement oldest = browser.findElements(turns).get(0);
        Number top =
            (Number)
                js.executeScript(
                    "window.scrollTo(0, 0); return arguments[0].getBoundingClientRect().top;",
                    oldest);
        wait.until(b -> "done".equals(b.findElement(By.id("older")).getAttribute("data-state")));
        assertThat(browser.findElements(turns).size()).isGreaterThan(shown);
        Number after =
            (Number) js.executeScript("return arguments[0].getBoundingClientRect().top;", oldest);
        assertThat(Math.abs(after.doubleValue() - top.doubleValue()))
            .as("the message that was at the top has not moved on screen")
            .isLessThan(2.0);
        assertThat(browser.findElement(By.id("older")).getText())
            .isEqualTo("the start of the conversation");
        // The pages loaded by scrolling say who saw their messages too, and nothing moves for it.
        By first = By.cssSelector("#transcript .turn.msg .seen");
        wait.until(b -> b.findElement(first).getText().equals("seen by bob · not seen by carol"));
        Number settled =
            (Number) js.executeScript("return arguments[0].getBoundingClientRect().top;", oldest);
        assertThat(Math.abs(settled.doubleValue() - top.doubleValue()))
            .as("the message that was at the top has not moved for the seen lines")
            .isLessThan(2.0);

        carol.call("append", Map.of("text", "new 4"));
        carol.call("push");
        wait.until(
            b ->
                b.findElements(turns).stream()
                    .anyMatch(t -> t.getAttribute("textContent").contains("new 4")));
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
          expected.add("old " + i);
        }
        expected.addAll(List.of("new 1", "new 2", "new 3", "new 4"));
        assertThat(browser.findElements(By.cssSelector("#transcript .turn.msg .text")))
            .as("every message once, in order: the loaded ones, the kept ones, the live one")
            .extracting(e -> e.getAttribute("textContent"))
            .containsExactlyElementsOf(expected);
        assertThat(browser.findElements(By.cssSelector("#transcript .turn.system")))
            .extracting(e -> e.getAttribute("textContent"))
            .as("the joins before the first message, loaded too")
            .anySatisfy(t -> assertThat(t).contains("alice"));
        screenshot(browser, "viewer-older.png");
      } finally {
        browser.quit();
      }
    }
  }

  @Test
  void aStaleMessageIsMarkedWithWhoseItMissedAndAPersonIsMarkedAsOne() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      WebDriver browser = browser();
      try {
        WebDriverWait wait = new WebDriverWait(browser, BOUND);
        browser.get(server.uri() + "/?room=stale");
        wait.until(b -> b.findElement(By.id("connection")).getAttribute("class").contains("open"));
        RpcClient alice = server.login("alice", "stale");
        RpcClient bob = server.login("bob", "stale");
        alice.call("check", Map.of("timeout_ms", 0));
        alice.call("append", Map.of("text", "my plan stands"));
        bob.call("append", Map.of("text", "the plan changed"));
        bob.call("push");
        alice.call("push", Map.of("force", true));
        bob.call("append", Map.of("text", "noted"));
        bob.call("push", Map.of("force", true));

        By turns = By.cssSelector("#transcript .turn.msg");
        wait.until(b -> b.findElements(turns).size() == 3);
        List<WebElement> shown = browser.findElements(turns);
        assertThat(shown.get(0).findElements(By.cssSelector(".stale"))).isEmpty();
        assertThat(shown.get(1).findElement(By.cssSelector(".text")).getText())
            .isEqualTo("my plan stands");
        assertThat(shown.get(1).findElement(By.cssSelector(".stale")).getText())
            .endsWith("answered without seeing bob's message");
        // bob had been delivered alice's message by his append: not stale.
        assertThat(shown.get(2).findElements(By.cssSelector(".stale"))).isEmpty();

        // A person among them is marked as one; the agents are not.
        server.client().call("login", Map.of("username", "ann", "room", "stale", "kind", "human"));
        By ann = By.cssSelector("#people .person[data-user='ann']");
        wait.until(b -> b.findElement(ann).getAttribute("class").contains("human"));
        assertThat(browser.findElement(ann).findElement(By.cssSelector(".kind")).getText())
            .isEqualTo("person");
        WebElement aliceChip =
            browser.findElement(By.cssSelector("#people .person[data-user='alice']"));
        assertThat(aliceChip.getAttribute("class")).doesNotContain("human");
        assertThat(aliceChip.findElement(By.cssSelector(".kind")).isDisplayed()).isFalse();
      } finally {
        browser.quit();
      }
    }
  }

  @Test
  void aMessageShowsWhoSawItAndOpensItsTimelineWithTheJsonlExport() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      WebDriver browser = browser();
      try {
        WebDriverWait wait = new WebDriverWait(browser, BOUND);
        browser.get(server.uri() + "/?room=seen");
        wait.until(b -> b.findElement(By.id("connection")).getAttribute("class").contains("open"));
        RpcClient alice = server.login("alice", "seen");
        RpcClient bob = server.login("bob", "seen");
        server.login("cat", "seen");
        alice.call("append", Map.of("text", "ship it?"));
        alice.call("push");

        By seen = By.cssSelector("#transcript .turn.msg .seen");
        wait.until(
            b -> b.findElement(seen).getText().equals("seen by nobody yet · not seen by bob, cat"));
        bob.call("append", Map.of("text", "shipped"));
        wait.until(b -> b.findElement(seen).getText().equals("seen by bob · not seen by cat"));
        bob.call("push");

        browser.findElement(By.cssSelector("#transcript .turn.msg .text")).click();
        By bobs = By.cssSelector("#transcript .turn.msg .timeline li[data-user='bob']");
        wait.until(b -> b.findElements(bobs).size() == 1);
        assertThat(browser.findElement(bobs).getText())
            .startsWith("bob: saw it at ")
            .contains("started a draft")
            .endsWith("sent msg-5");
        assertThat(
                browser
                    .findElement(
                        By.cssSelector("#transcript .turn.msg .timeline li[data-user='cat']"))
                    .getText())
            .isEqualTo("cat: has not seen it · did nothing since");
        String download =
            browser
                .findElement(By.cssSelector("#transcript .turn.msg .timeline a.download"))
                .getAttribute("href");
        assertThat(download).endsWith("/observe/timeline.jsonl?room=seen");

        HttpResponse<String> jsonl =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(download)).build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(jsonl.statusCode()).isEqualTo(200);
        assertThat(jsonl.headers().firstValue("content-disposition").orElse(""))
            .contains("timeline-seen.jsonl");
        List<JsonNode> lines = new java.util.ArrayList<>();
        for (String line : jsonl.body().split("\n")) {
          lines.add(RpcClient.JSON.readTree(line));
        }
        assertThat(lines)
            .extracting(l -> l.get("user").asText() + " " + l.get("type").asText())
            .contains("bob draft_started", "bob pushed");
      } finally {
        browser.quit();
      }
    }
  }

  @Test
  void theConversationViewIsOneTranscriptWithLiveStateAndFoldedActions() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      WebDriver browser = browser();
      try {
        WebDriverWait wait = new WebDriverWait(browser, BOUND);
        browser.get(server.uri() + "/?room=talk");
        wait.until(b -> b.findElement(By.id("connection")).getAttribute("class").contains("open"));
        RpcClient alice = server.login("alice", "talk");
        RpcClient bob = server.login("bob", "talk");

        alice.call("append", Map.of("text", "hello bob, are we shipping on Friday?"));
        By aliceChip = By.cssSelector("#people .person[data-user='alice']");
        wait.until(b -> b.findElement(aliceChip).getAttribute("class").contains("drafting"));
        assertThat(browser.findElement(aliceChip).findElement(By.cssSelector(".state")).getText())
            .isEqualTo("drafting…");
        assertThat(browser.findElement(aliceChip).findElement(By.cssSelector(".draft")).getText())
            .contains("shipping on Friday?");
        assertThat(browser.findElements(By.cssSelector("#transcript .turn.msg"))).isEmpty();

        alice.call("push");
        wait.until(b -> !b.findElement(aliceChip).getAttribute("class").contains("drafting"));
        bob.call("append", Map.of("text", "yes, Friday"));
        bob.call("push");
        alice.call("append", Map.of("text", "great"));
        alice.call("push");

        By turns = By.cssSelector("#transcript .turn.msg");
        wait.until(b -> b.findElements(turns).size() == 3);
        assertThat(browser.findElements(turns))
            .extracting(
                t ->
                    t.getAttribute("data-user")
                        + ": "
                        + t.findElement(By.cssSelector(".text")).getText())
            .containsExactly(
                "alice: hello bob, are we shipping on Friday?", "bob: yes, Friday", "alice: great");

        // The actions that led to the first message are folded under it, collapsed.
        WebElement first = browser.findElements(turns).get(0);
        WebElement actions = first.findElement(By.cssSelector("details.actions"));
        assertThat(actions.getAttribute("open")).isNull();
        List<WebElement> lines = actions.findElements(By.cssSelector("details.action"));
        assertThat(lines).extracting(e -> e.getAttribute("class")).contains("action tool_call");
        WebElement json = lines.get(0).findElement(By.cssSelector("pre"));
        assertThat(json.isDisplayed()).isFalse();
        actions.findElement(By.cssSelector("summary")).click();
        lines.get(0).findElement(By.cssSelector("summary")).click();
        wait.until(b -> json.isDisplayed());
        assertThat(json.getText()).contains("\"name\": \"append\"").contains("\n  ");

        screenshot(browser, "viewer-conversation.png");
        browser.findElement(By.id("view")).click();
        WebElement column = browser.findElement(By.cssSelector(".column[data-user='alice']"));
        wait.until(b -> column.isDisplayed());
        assertThat(browser.findElement(By.id("transcript")).isDisplayed()).isFalse();
        assertThat(browser.getCurrentUrl()).endsWith("view=columns");
        screenshot(browser, "viewer-columns.png");
      } finally {
        browser.quit();
      }
    }
  }

  @Test
  void theRoomListShowsEachRoomsParticipantsAndActivityAndOpensARoom() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      WebDriver browser = browser();
      try {
        WebDriverWait wait = new WebDriverWait(browser, BOUND);
        browser.get(server.uri() + "/");
        wait.until(b -> b.findElement(By.id("connection")).getAttribute("class").contains("open"));
        RpcClient alice = server.login("alice", "lobby");
        server.login("bob", "lobby");
        RpcClient carol = server.login("carol", "den");
        By lobby = By.cssSelector("#rooms .room-entry[data-room='lobby']");
        By den = By.cssSelector("#rooms .room-entry[data-room='den']");
        wait.until(
            b ->
                !b.findElements(lobby).isEmpty()
                    && "2".equals(b.findElement(lobby).getAttribute("data-participants"))
                    && !b.findElements(den).isEmpty()
                    && "1".equals(b.findElement(den).getAttribute("data-participants")));
        assertThat(browser.findElement(lobby).getText()).contains("2 participants");
        assertThat(browser.findElement(lobby).getAttribute("data-recent")).isEqualTo("0");

        alice.call("append", Map.of("text", "anyone in the lobby?"));
        alice.call("push");
        wait.until(b -> "1".equals(b.findElement(lobby).getAttribute("data-recent")));
        assertThat(browser.findElement(lobby).findElement(By.cssSelector(".last")).getText())
            .startsWith("last ");
        assertThat(browser.findElement(den).getAttribute("data-recent")).isEqualTo("0");

        carol.call("logout");
        wait.until(b -> "0".equals(b.findElement(den).getAttribute("data-participants")));

        browser.findElement(lobby).findElement(By.cssSelector("a")).click();
        wait.until(b -> b.getCurrentUrl().endsWith("/?room=lobby"));
        wait.until(b -> b.findElement(By.id("connection")).getAttribute("class").contains("open"));
        wait.until(b -> !b.findElements(lobby).isEmpty());
        assertThat(browser.findElement(lobby).getAttribute("class")).contains("current");
        assertThat(browser.findElements(den)).isEmpty();
      } finally {
        browser.quit();
      }
    }
  }

  /** A screenshot of the page into the build output, to look at. */
  private static void screenshot(WebDriver browser, String name) throws Exception {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Path saved = Path.of("target", name);
    Files.copy(shot.toPath(), saved, StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.size(saved)).isPositive();
  }

  /** The CIE76 distance of two sRGB colors ({@code #rrggbb}). */
  private static double deltaE(String a, String b) {
    double[] x = lab(a);
    double[] y = lab(b);
    return Math.sqrt(
        Math.pow(x[0] - y[0], 2) + Math.pow(x[1] - y[1], 2) + Math.pow(x[2] - y[2], 2));
  }

  private static double[] lab(String hex) {
    double[] c = new double[3];
    for (int i = 0; i < 3; i++) {
      double u = Integer.parseInt(hex.substring(1 + 2 * i, 3 + 2 * i), 16) / 255.0;
      c[i] = u <= 0.04045 ? u / 12.92 : Math.pow((u + 0.055) / 1.055, 2.4);
    }
    double x = (0.4124 * c[0] + 0.3576 * c[1] + 0.1805 * c[2]) / 0.95047;
    double y = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    double z = (0.0193 * c[0] + 0.1192 * c[1] + 0.9505 * c[2]) / 1.08883;
    return new double[] {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
  }

  private static double f(double t) {
    return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16.0 / 116;
  }
}
