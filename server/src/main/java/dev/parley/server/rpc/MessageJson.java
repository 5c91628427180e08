package dev.parley.server.rpc;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.parley.api.Message;
import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Writes each message once: when a push wakes a thousand checks, they all deliver the same
 * message objects from the room's tail, and each answer reuses the JSON the first one wrote.
 * An entry lives as long as its message is held (by the tail, or by an answer in flight).
 */
final class MessageJson extends StdSerializer<Message> {
  private final ObjectMapper plain = new ObjectMapper();
  private final Map<Message, String> written = Collections.synchronizedMap(new WeakHashMap<>());

  private MessageJson() {
    super(Message.class);
  }

  /** A module that makes a mapper write messages through one shared cache. */
  static SimpleModule module() {
    return new SimpleModule("parley-message-json").addSerializer(Message.class, new MessageJson());
  }

  @Override
  public void serialize(Message m, JsonGenerator gen, SerializerProvider provider) throws IOException {
    String json = written.get(m);
    if (json == null) {
      json = write(m);
      written.put(m, json);
    }
    gen.writeRawValue(json);
  }

  private String write(Message m) throws JsonProcessingException {
    return plain.writeValueAsString(m);
  }
}
