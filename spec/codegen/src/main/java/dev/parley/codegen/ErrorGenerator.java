package dev.parley.codegen;

import com.fasterxml.jackson.databind.JsonNode;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * Generates one exception class per declared error code, under a common base class that
 * carries the code, the message and the {@code data} member, and maps a code back to its class.
 */
final class ErrorGenerator {
  static final String BASE = "ParleyRpcException";

  private final String pkg;

  ErrorGenerator(String pkg) {
    this.pkg = pkg;
  }

  List<JavaFile> generate(Map<String, JsonNode> errors) {
    ClassName base = ClassName.get(pkg, BASE);
    List<JavaFile> files = new ArrayList<>();
    CodeBlock.Builder lookup = CodeBlock.builder().beginControlFlow("return switch (code)");
    errors.forEach((name, error) -> {
      ClassName type = ClassName.get(pkg, name + "Exception");
      int code = error.path("code").asInt();
      String message = error.path("message").asText();
      files.add(JavaFile.builder(pkg, TypeSpec.classBuilder(type)
          .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
          .superclass(base)
          .addJavadoc("Error $L, $S.\n", code, message)
          .addField(FieldSpec.builder(int.class, "CODE", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
              .addJavadoc("The error code.\n").initializer("$L", code).build())
          .addField(FieldSpec.builder(String.class, "MESSAGE", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
              .addJavadoc("The error message.\n").initializer("$S", message).build())
          .addMethod(MethodSpec.constructorBuilder()
              .addModifiers(Modifier.PUBLIC)
              .addJavadoc("@param data the error's {@code data} member, as its declared schema says\n")
              .addParameter(Object.class, "data")
              .addStatement("super(CODE, MESSAGE, data)")
              .build())
          .build()).skipJavaLangImports(true).build());
      lookup.addStatement("case $L -> new $T(data)", code, type);
    });
    lookup.addStatement("default -> new $T(code, message, data)", base).endControlFlow("");
    files.add(JavaFile.builder(pkg, baseClass(base, lookup.build())).skipJavaLangImports(true).build());
    return files;
  }

  private static TypeSpec baseClass(ClassName base, CodeBlock lookup) {
    return TypeSpec.classBuilder(base)
        .addModifiers(Modifier.PUBLIC)
        .superclass(RuntimeException.class)
        .addJavadoc("A JSON-RPC error: its code, its message and its {@code data} member.\n")
        .addField(int.class, "code", Modifier.PRIVATE, Modifier.FINAL)
        .addField(String.class, "rpcMessage", Modifier.PRIVATE, Modifier.FINAL)
        .addField(Object.class, "data", Modifier.PRIVATE, Modifier.FINAL)
        .addMethod(MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc("@param code the error code\n@param message the error message\n@param data the {@code data} member, or null\n")
            .addParameter(int.class, "code")
            .addParameter(String.class, "message")
            .addParameter(Object.class, "data")
            .addStatement("super(data == null ? message + \" (\" + code + \")\" : message + \" (\" + code + \"): \" + data)")
            .addStatement("this.code = code")
            .addStatement("this.rpcMessage = message")
            .addStatement("this.data = data")
            .build())
        .addMethod(MethodSpec.methodBuilder("code").addModifiers(Modifier.PUBLIC).returns(int.class)
            .addJavadoc("@return the error code\n").addStatement("return code").build())
        .addMethod(MethodSpec.methodBuilder("rpcMessage").addModifiers(Modifier.PUBLIC).returns(String.class)
            .addJavadoc("@return the error message as sent on the wire\n").addStatement("return rpcMessage").build())
        .addMethod(MethodSpec.methodBuilder("data").addModifiers(Modifier.PUBLIC).returns(Object.class)
            .addJavadoc("@return the {@code data} member, or null\n").addStatement("return data").build())
        .addMethod(MethodSpec.methodBuilder("forCode")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(base)
            .addJavadoc("The typed exception for a received error.\n\n@param code the error code\n"
                + "@param message the received message\n@param data the received {@code data} member\n"
                + "@return an instance of the class declared for {@code code}, else of this class\n")
            .addParameter(int.class, "code")
            .addParameter(String.class, "message")
            .addParameter(Object.class, "data")
            .addCode(lookup)
            .build())
        .build();
  }
}
