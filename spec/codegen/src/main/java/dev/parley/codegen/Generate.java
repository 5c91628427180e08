package dev.parley.codegen;

import com.palantir.javapoet.JavaFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The generator's command line: an OpenRPC document in, Java sources out. */
@Command(
    name = "parley-codegen",
    mixinStandardHelpOptions = true,
    description =
        "Generates Java records, enums, typed errors, a service interface, params records, a method"
            + " table, a handler interface, its dispatcher and a notification table from an OpenRPC"
            + " document.")
public final class Generate implements Callable<Integer> {
  @Option(names = "--spec", required = true, description = "The OpenRPC document.")
  Path spec;

  @Option(names = "--out", required = true, description = "The source root to write into.")
  Path out;

  @Option(
      names = "--package",
      required = true,
      description = "The Java package of the generated code.")
  String pkg;

  @Option(
      names = "--service",
      defaultValue = "ParleyApi",
      description =
          "The interface's name (default: ${DEFAULT-VALUE}); the method table, handler and"
              + " dispatcher take its stem: ParleyMethod, ParleyHandler, ParleyDispatcher.")
  String service;

  /**
   * Runs the generator.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new Generate()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    OpenRpcDocument doc = OpenRpcDocument.read(spec);
    Path packageDir = out.resolve(pkg.replace('.', '/'));
    deleteTree(packageDir);
    for (JavaFile file : generate(doc, pkg, service)) {
      file.writeTo(out);
    }
    return 0;
  }

  /** Every source file the document yields. */
  static List<JavaFile> generate(OpenRpcDocument doc, String pkg, String service) {
    TypeMapper types = new TypeMapper(pkg, doc.schemas());
    List<JavaFile> files = new ArrayList<>(new ModelGenerator(pkg, types).generate(doc.schemas()));
    files.addAll(
        new ErrorGenerator(pkg, types, new ModelGenerator(pkg, types))
            .generate(doc.errors(), doc.errorData()));
    files.add(new ServiceGenerator(pkg, types).generate(doc, service));
    files.addAll(
        new DispatchGenerator(pkg, types, new ModelGenerator(pkg, types), service).generate(doc));
    List<OpenRpcDocument.Notification> notifications = doc.notifications();
    if (!notifications.isEmpty()) {
      files.add(new NotificationGenerator(pkg, service).generate(notifications));
    }
    return files;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
