package dev.parley.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.api.FloorHeldException;
import dev.parley.api.InvalidParamsException;
import dev.parley.api.NotLoggedInException;
import dev.parley.api.ParleyRpcException;
import dev.parley.api.RateLimitedException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Error data typed from each error's declared shape, made by the server and read by a client. */
class TypedErrorsTest {
  private final ObjectMapper json = Json.mapper();

  @Test
  void anErrorIsMadeFromItsPropertiesAndWritesTheDeclaredData() {
    RateLimitedException limited =
        new RateLimitedException(250L, RateLimitedException.Reason.MENTION_WAKES);
    assertThat(limited.retryAfterMs()).isEqualTo(250L);
    assertThat(json.valueToTree(limited.data()).toString())
        .isEqualTo("{\"retry_after_ms\":250,\"reason\":\"mention_wakes\"}");

    // Required but nullable: the holder is written as null, not left out.
    JsonNode nobody = json.valueToTree(new FloorHeldException(null).data());
    assertThat(nobody.has("holder")).isTrue();
    assertThat(nobody.get("holder").isNull()).isTrue();

    JsonNode invalid =
        json.valueToTree(new InvalidParamsException("/room", "not a room name", null).data());
    assertThat(invalid.toString())
        .isEqualTo("{\"pointer\":\"/room\",\"detail\":\"not a room name\"}");
  }

  @Test
  void aReceivedErrorIsReadThroughTheSameAccessors() {
    ParleyRpcException limited =
        ParleyRpcException.forCode(40003, "Rate limit exceeded", Map.of("retry_after_ms", 7));
    assertThat(limited).isInstanceOf(RateLimitedException.class);
    assertThat(((RateLimitedException) limited).retryAfterMs()).isEqualTo(7L);

    ParleyRpcException expired =
        ParleyRpcException.forCode(
            40010, "Not logged in", Map.of("reason", "expired", "detail", "the session ended"));
    assertThat(((NotLoggedInException) expired).reason())
        .isEqualTo(NotLoggedInException.Reason.EXPIRED);
    assertThat(expired.detail()).isEqualTo("the session ended");

    ParleyRpcException params =
        ParleyRpcException.forCode(
            -32602,
            "Invalid params",
            Map.of(
                "pointer",
                "/text",
                "detail",
                "must be a string",
                "errors",
                List.of(Map.of("pointer", "/text", "detail", "must be a string"))));
    assertThat(((InvalidParamsException) params).errors())
        .containsExactly(new InvalidParamsException.ErrorsItem("/text", "must be a string"));

    // Data of another shape than declared reads as absent, never as an exception.
    ParleyRpcException odd = ParleyRpcException.forCode(40003, "Rate limit exceeded", "soon");
    assertThat(((RateLimitedException) odd).retryAfterMs()).isNull();
    assertThat(odd.detail()).isNull();
  }
}
