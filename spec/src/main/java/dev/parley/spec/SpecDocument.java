package dev.parley.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The OpenRPC document, {@code spec/openrpc.json}, as it was packaged with this build. */
public final class SpecDocument {
  private static final String RESOURCE = "/dev/parley/spec/openrpc.json";
  private static final SpecDocument INSTANCE = load();

  private final byte[] bytes;
  private final JsonNode tree;

  private SpecDocument(byte[] bytes, JsonNode tree) {
    this.bytes = bytes;
    this.tree = tree;
  }

  /** The packaged document. */
  public static SpecDocument get() {
    return INSTANCE;
  }

  /** The document's bytes, exactly as written in {@code spec/openrpc.json}. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The parsed document (shared: do not modify). */
  public JsonNode tree() {
    return tree;
  }

  /**
   * The document as a server reached at {@code rpcUrl} serves it: its {@code servers} is that one
   * URL, so that a tool that reads the document calls the server it read it from (the file's own
   * entry names only the default address).
   *
   * @param rpcUrl the URL of the JSON-RPC endpoint the client reached
   * @return a copy of the document, free to modify
   */
  public ObjectNode servedAt(String rpcUrl) {
    ObjectNode served = (ObjectNode) tree.deepCopy();
    ArrayNode servers = served.putArray("servers");
    servers.addObject().put("name", "this server").put("url", rpcUrl);
    return served;
  }

  /** {@link #servedAt} as JSON text. */
  public byte[] bytesServedAt(String rpcUrl) {
    try {
      return Json.mapper().writeValueAsBytes(servedAt(rpcUrl));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The method named {@code name}, or a missing node. */
  public JsonNode method(String name) {
    for (JsonNode m : tree.path("methods")) {
      if (m.path("name").asText().equals(name)) {
        return m;
      }
    }
    return tree.path("methods").path(-1);
  }

  /** The {@code pattern} of a named schema of {@code components.schemas}, compiled. */
  public java.util.regex.Pattern pattern(String schema) {
    String regex =
        tree.path("components").path("schemas").path(schema).path("pattern").asText(null);
    if (regex == null) {
      throw new IllegalArgumentException("the spec's schema " + schema + " has no pattern");
    }
    // The spec's patterns are anchored ECMA-262 expressions; "$" must not pass a final line break.
    return java.util.regex.Pattern.compile(
        regex.endsWith("$") ? regex.substring(0, regex.length() - 1) + "\\z" : regex);
  }

  /** The declared default of a method's param, or a missing node. */
  public JsonNode paramDefault(String method, String param) {
    for (JsonNode p : method(method).path("params")) {
      if (p.path("name").asText().equals(param)) {
        return p.path("schema").path("default");
      }
    }
    return method(method).path("params").path(-1);
  }

  private static SpecDocument load() {
    try (InputStream in = SpecDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      byte[] bytes = in.readAllBytes();
      return new SpecDocument(bytes, Json.mapper().readTree(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
