package dev.parley.agent.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.spec.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the OpenAI chat-completions protocol, which OpenAI, OpenRouter, Ollama, vLLM, LM
 * Studio and llama.cpp all speak: {@code POST {base}/chat/completions} with messages and tools, one
 * assistant message back. Timeouts, refused connections, 429 and 5xx answers are retried with
 * exponential backoff and reported in the log; the API key is sent, never logged.
 */
public final class ChatCompletions {
  private static final Logger LOG = LoggerFactory.getLogger(ChatCompletions.class);
  private static final ObjectMapper JSON = Json.mapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final Settings settings;

  /**
   * How to reach and use the model.
   *
   * @param baseUrl the endpoint's base, such as {@code https://api.openai.com/v1} or {@code
   *     http://localhost:11434/v1}
   * @param model the model's name at that endpoint
   * @param apiKey the bearer key, or null for endpoints that need none (Ollama, llama.cpp)
   * @param temperature the sampling temperature
   * @param maxTokens the most tokens one answer may have
   * @param timeout how long one request may take
   * @param retries how many times a failed request is tried again
   * @param backoff the first wait before a retry; it doubles each time
   */
  public record Settings(
      URI baseUrl,
      String model,
      String apiKey,
      double temperature,
      int maxTokens,
      Duration timeout,
      int retries,
      Duration backoff) {

    /** Never shows the key. */
    @Override
    public String toString() {
      return "Settings["
          + baseUrl
          + ", model "
          + model
          + (apiKey == null ? ", no key" : ", key set")
          + "]";
    }
  }

  /**
   * @param settings how to reach and use the model
   */
  public ChatCompletions(Settings settings) {
    this.settings = settings;
  }

  /**
   * Asks the model for its next message.
   *
   * @param messages the conversation, system prompt first
   * @param tools the functions the model may call
   * @return the assistant message: {@code content} and/or {@code tool_calls}
   * @throws EndpointException when every try failed
   */
  public ObjectNode complete(List<ObjectNode> messages, ArrayNode tools)
      throws InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", settings.model());
    body.set("messages", JSON.valueToTree(messages));
    if (!tools.isEmpty()) {
      body.set("tools", tools);
      body.put("tool_choice", "auto");
    }
    body.put("temperature", settings.temperature());
    body.put("max_tokens", settings.maxTokens());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint())
            .timeout(settings.timeout())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (settings.apiKey() != null && !settings.apiKey().isBlank()) {
      request.header("Authorization", "Bearer " + settings.apiKey());
    }

    Duration wait = settings.backoff();
    String last = "";
    Throwable cause = null;
    for (int attempt = 0; attempt <= settings.retries(); attempt++) {
      if (attempt > 0) {
        LOG.warn(
            "{} at {}: {}; retry {}/{} in {} ms",
            settings.model(),
            settings.baseUrl(),
            last,
            attempt,
            settings.retries(),
            wait.toMillis());
        Thread.sleep(wait.toMillis());
        wait = wait.multipliedBy(2);
      }
      try {
        HttpResponse<String> response =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status == 429 || status >= 500) {
          last = "HTTP " + status;
          continue;
        }
        if (status != 200) {
          throw new EndpointException(
              settings.model()
                  + " at "
                  + settings.baseUrl()
                  + " answered HTTP "
                  + status
                  + ": "
                  + shorten(response.body()),
              null);
        }
        JsonNode message = JSON.readTree(response.body()).path("choices").path(0).path("message");
        if (!message.isObject()) {
          throw new EndpointException(
              "the endpoint's answer has no choices[0].message: " + shorten(response.body()), null);
        }
        return (ObjectNode) message;
      } catch (HttpTimeoutException e) {
        last = "no answer within " + settings.timeout().toSeconds() + " s";
        cause = e;
      } catch (ConnectException e) {
        // The JDK's message is empty here: say where nothing listens.
        last = "nothing answers at " + endpoint() + " (connection refused)";
        cause = e;
      } catch (IOException e) {
        last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        cause = e;
      }
    }
    throw new EndpointException(
        settings.model()
            + " at "
            + settings.baseUrl()
            + " failed "
            + (settings.retries() + 1)
            + " times; last: "
            + last,
        cause);
  }

  private URI endpoint() {
    String base = settings.baseUrl().toString();
    return URI.create(base.endsWith("/") ? base + "chat/completions" : base + "/chat/completions");
  }

  private static String shorten(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "…";
  }
}
