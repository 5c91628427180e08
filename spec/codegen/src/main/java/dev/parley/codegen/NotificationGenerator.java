package dev.parley.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.WildcardTypeName;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.Modifier;

/**
 * Generates the notification table: an enum of the server's notifications ({@code
 * x-notifications}), each with its wire name and the record of its params (a component schema, so
 * generated like every other record), for the doors that send them and the clients that read them.
 */
final class NotificationGenerator {
  private static final TypeName ANY_CLASS =
      ParameterizedTypeName.get(
          ClassName.get(Class.class), WildcardTypeName.subtypeOf(Object.class));

  private final String pkg;
  private final ClassName table;

  /**
   * @param service the service interface's name, such as {@code ParleyApi}; the table takes its
   *     stem: {@code ParleyNotification}
   */
  NotificationGenerator(String pkg, String service) {
    this.pkg = pkg;
    String stem =
        service.endsWith("Api") && service.length() > 3
            ? service.substring(0, service.length() - 3)
            : service;
    this.table = ClassName.get(pkg, stem + "Notification");
  }

  /** The table of {@code notifications}, of which there is at least one. */
  JavaFile generate(List<OpenRpcDocument.Notification> notifications) {
    TypeSpec.Builder spec =
        TypeSpec.enumBuilder(table)
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "The notifications the server sends to subscribed sockets ({@code x-notifications} of the"
                    + " OpenRPC document), with the record of each one's params. Generated: change the"
                    + " document, not this file.\n");
    CodeBlock.Builder lookup =
        CodeBlock.builder()
            .beginControlFlow("if (wireName == null)")
            .addStatement("return $T.empty()", Optional.class)
            .endControlFlow()
            .beginControlFlow("return switch (wireName)");
    for (OpenRpcDocument.Notification n : notifications) {
      String constant = Names.constant(n.name());
      spec.addEnumConstant(
          constant,
          TypeSpec.anonymousClassBuilder(
                  "$S, $T.class", n.name(), ClassName.get(pkg, n.paramsSchema()))
              .addJavadoc("{@code $L}: $L\n", n.name(), Names.doc(n.summary()))
              .build());
      lookup.addStatement("case $S -> $T.of($L)", n.name(), Optional.class, constant);
    }
    lookup.addStatement("default -> $T.empty()", Optional.class).endControlFlow("");
    spec.addField(String.class, "wireName", Modifier.PRIVATE, Modifier.FINAL)
        .addField(ANY_CLASS, "paramsType", Modifier.PRIVATE, Modifier.FINAL)
        .addMethod(
            MethodSpec.constructorBuilder()
                .addParameter(String.class, "wireName")
                .addParameter(ANY_CLASS, "paramsType")
                .addStatement("this.wireName = wireName")
                .addStatement("this.paramsType = paramsType")
                .build())
        .addMethod(
            MethodSpec.methodBuilder("wireName")
                .addModifiers(Modifier.PUBLIC)
                .returns(String.class)
                .addJavadoc("@return the notification's method name on the wire\n")
                .addStatement("return wireName")
                .build())
        .addMethod(
            MethodSpec.methodBuilder("paramsType")
                .addModifiers(Modifier.PUBLIC)
                .returns(ANY_CLASS)
                .addJavadoc("@return the record of the notification's params\n")
                .addStatement("return paramsType")
                .build())
        .addMethod(
            MethodSpec.methodBuilder("byWireName")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addParameter(String.class, "wireName")
                .returns(ParameterizedTypeName.get(ClassName.get(Optional.class), table))
                .addJavadoc(
                    "@param wireName a notification's method name\n"
                        + "@return the notification of that name, or empty when the document declares"
                        + " none\n")
                .addCode(lookup.build())
                .build());
    return JavaFile.builder(pkg, spec.build()).skipJavaLangImports(true).build();
  }
}
