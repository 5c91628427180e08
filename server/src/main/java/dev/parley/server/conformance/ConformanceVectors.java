package dev.parley.server.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The conformance vectors of {@code spec/conformance}, as packaged with the spec module (one JSON
 * file per scenario), in file-name order: the names start with a number so that the order is the
 * one to run them in (the rate limit, which throttles the caller's address, comes last).
 */
public final class ConformanceVectors {
  private static final String PACKAGED = "/dev/parley/spec/conformance";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ConformanceVectors() {}

  /** The vectors packaged with this build. */
  public static List<Scenario> packaged() {
    URL url = ConformanceVectors.class.getResource(PACKAGED);
    if (url == null) {
      throw new IllegalStateException(PACKAGED + " is missing from the classpath");
    }
    try {
      URI uri = url.toURI();
      if (!"jar".equals(uri.getScheme())) {
        return in(Path.of(uri));
      }
      try {
        return in(FileSystems.getFileSystem(uri).getPath(PACKAGED));
      } catch (FileSystemNotFoundException notOpen) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          return in(jar.getPath(PACKAGED));
        }
      }
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The vectors in {@code dir}, each {@code *.json} file one scenario, by file name. */
  public static List<Scenario> in(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> listed = Files.list(dir)) {
      files =
          listed
              .filter(p -> p.getFileName().toString().endsWith(".json"))
              .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
              .toList();
    }
    List<Scenario> scenarios = new ArrayList<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      JsonNode vector = JSON.readTree(Files.readAllBytes(file));
      if (!vector.path("steps").isArray() || vector.path("steps").isEmpty()) {
        throw new IllegalArgumentException(name + ": a vector needs a non-empty \"steps\" array");
      }
      scenarios.add(
          new Scenario(
              name.substring(0, name.length() - ".json".length()),
              vector.path("description").asText(""),
              vector.path("steps")));
    }
    return scenarios;
  }
}
