package dev.parley.server.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.parley.api.Message;
import dev.parley.spec.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Each message's JSON, written once: when a push wakes a thousand checks, they all deliver the same
 * message objects from the room's tail, and each answer reuses the JSON the first one wrote. The
 * engine also reads its size here, to keep an answer within its byte limit, and so writes a message
 * before it moves a cursor past it: a message that cannot be written fails the call and leaves the
 * cursor where it was. An entry lives as long as its message is held (by the tail, or by an answer
 * in flight).
 */
public final class MessageJson extends StdSerializer<Message> {
  private static final ObjectMapper PLAIN = Json.mapper();
  private static final Map<Message, Written> WRITTEN =
      Collections.synchronizedMap(new WeakHashMap<>());

  private MessageJson() {
    super(Message.class);
  }

  /** The JSON of a message and its length in UTF-8 bytes. */
  private record Written(String json, int bytes) {}

  /** A module that makes a mapper write messages through the shared cache. */
  public static SimpleModule module() {
    return new SimpleModule("parley-message-json").addSerializer(Message.class, new MessageJson());
  }

  /** How many bytes {@code m} takes in an answer, written now if it was not yet. */
  public static int bytes(Message m) {
    return written(m).bytes();
  }

  @Override
  public void serialize(Message m, JsonGenerator gen, SerializerProvider provider)
      throws IOException {
    gen.writeRawValue(written(m).json());
  }

  private static Written written(Message m) {
    Written w = WRITTEN.get(m);
    if (w == null) {
      try {
        String json = PLAIN.writeValueAsString(m);
        w = new Written(json, json.getBytes(StandardCharsets.UTF_8).length);
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
      WRITTEN.put(m, w);
    }
    return w;
  }
}
