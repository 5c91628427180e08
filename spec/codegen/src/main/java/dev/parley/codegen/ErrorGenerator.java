package dev.parley.codegen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.TypeVariableName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * Generates one exception class per declared error code, under a common base class that carries the
 * code, the message and the {@code data} member, and maps a code back to its class. An error whose
 * {@code data} schema (in the document's {@code x-error-data}) is an object with properties gets
 * them typed: a nested {@code Data} record (with a nested enum for each string enum, a nested
 * record for the items of an array of objects), a constructor taking the properties, and an
 * accessor for each, which also reads the data of a received error.
 */
final class ErrorGenerator {
  static final String BASE = "ParleyRpcException";
  private static final ClassName OBJECT_MAPPER =
      ClassName.get("com.fasterxml.jackson.databind", "ObjectMapper");

  private final String pkg;
  private final TypeMapper types;
  private final ModelGenerator models;

  ErrorGenerator(String pkg, TypeMapper types, ModelGenerator models) {
    this.pkg = pkg;
    this.types = types;
    this.models = models;
  }

  /**
   * @param errors the declared errors, by name
   * @param dataSchemas the JSON Schema of each error's {@code data}, by the error's name
   */
  List<JavaFile> generate(Map<String, JsonNode> errors, Map<String, JsonNode> dataSchemas) {
    ClassName base = ClassName.get(pkg, BASE);
    List<JavaFile> files = new ArrayList<>();
    CodeBlock.Builder lookup = CodeBlock.builder().beginControlFlow("return switch (code)");
    errors.forEach(
        (name, error) -> {
          ClassName type = ClassName.get(pkg, name + "Exception");
          int code = error.path("code").asInt();
          String message = error.path("message").asText();
          TypeSpec.Builder exception =
              TypeSpec.classBuilder(type)
                  .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                  .superclass(base)
                  .addJavadoc("Error $L, $S.\n", code, message)
                  .addField(
                      FieldSpec.builder(
                              int.class, "CODE", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                          .addJavadoc("The error code.\n")
                          .initializer("$L", code)
                          .build())
                  .addField(
                      FieldSpec.builder(
                              String.class,
                              "MESSAGE",
                              Modifier.PUBLIC,
                              Modifier.STATIC,
                              Modifier.FINAL)
                          .addJavadoc("The error message.\n")
                          .initializer("$S", message)
                          .build());
          JsonNode data = dataSchemas.getOrDefault(name, MissingNode.getInstance());
          boolean typed =
              "object".equals(data.path("type").asText()) && data.path("properties").size() > 0;
          // Received errors come through forCode with whatever data arrived; a typed error is made
          // from its properties elsewhere.
          exception.addMethod(
              MethodSpec.constructorBuilder()
                  .addModifiers(typed ? new Modifier[0] : new Modifier[] {Modifier.PUBLIC})
                  .addJavadoc(
                      "@param data the error's {@code data} member, as its declared schema says\n")
                  .addParameter(Object.class, "data")
                  .addStatement("super(CODE, MESSAGE, data)")
                  .build());
          if (typed) {
            typedData(exception, type, data);
          }
          files.add(JavaFile.builder(pkg, exception.build()).skipJavaLangImports(true).build());
          lookup.addStatement("case $L -> new $T(data)", code, type);
        });
    lookup.addStatement("default -> new $T(code, message, data)", base).endControlFlow("");
    files.add(
        JavaFile.builder(pkg, baseClass(base, lookup.build())).skipJavaLangImports(true).build());
    return files;
  }

  /** The nested types, the constructor from the properties and an accessor per property. */
  private void typedData(TypeSpec.Builder exception, ClassName type, JsonNode data) {
    ClassName record = type.nestedClass("Data");
    // Property name to its Java type, the nested types made once on the way.
    Map<String, TypeName> typed = new LinkedHashMap<>();
    data.path("properties")
        .properties()
        .forEach(
            e -> {
              JsonNode s = OpenRpcDocument.unwrap(e.getValue());
              String nested = Names.pascal(e.getKey());
              JsonNode items = s.path("items");
              TypeName t;
              if (s.has("enum") && "string".equals(s.path("type").asText())) {
                exception.addType(models.enumeration(nested, s));
                t = type.nestedClass(nested);
              } else if ("array".equals(s.path("type").asText())
                  && items.path("properties").size() > 0) {
                exception.addType(
                    models.record(nested + "Item", items, (p, ps, r) -> types.typeOf(ps, false)));
                t =
                    ParameterizedTypeName.get(
                        ClassName.get(List.class), type.nestedClass(nested + "Item"));
              } else {
                t = types.typeOf(s, false);
              }
              typed.put(e.getKey(), t);
            });
    exception.addType(
        models.record("Data", data, (property, schema, required) -> typed.get(property)));
    MethodSpec.Builder ctor = MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC);
    StringBuilder doc = new StringBuilder("A typed error, its data made of its properties.\n\n");
    List<String> args = new ArrayList<>();
    typed.forEach(
        (property, t) -> {
          String name = Names.camel(property);
          ctor.addParameter(t, name);
          doc.append("@param ")
              .append(name)
              .append(" the data's {@code ")
              .append(property)
              .append("}\n");
          args.add(name);
          exception.addMethod(
              MethodSpec.methodBuilder(name)
                  .addModifiers(Modifier.PUBLIC)
                  .returns(t)
                  .addJavadoc(
                      "@return the data's {@code $L}, or null when the error did not carry it\n",
                      property)
                  .addStatement("$T d = typedData()", record)
                  .addStatement("return d == null ? null : d.$L()", name)
                  .build());
        });
    exception.addMethod(
        ctor.addJavadoc(doc.toString())
            .addStatement("super(CODE, MESSAGE, new $T($L))", record, String.join(", ", args))
            .build());
    exception.addMethod(
        MethodSpec.methodBuilder("typedData")
            .addModifiers(Modifier.PUBLIC)
            .returns(record)
            .addJavadoc(
                "@return the {@code data} member as its declared schema says, or null when it is not one\n")
            .addStatement("return dataAs($T.class)", record)
            .build());
  }

  private static TypeSpec baseClass(ClassName base, CodeBlock lookup) {
    return TypeSpec.classBuilder(base)
        .addModifiers(Modifier.PUBLIC)
        .superclass(RuntimeException.class)
        .addJavadoc("A JSON-RPC error: its code, its message and its {@code data} member.\n")
        .addField(int.class, "code", Modifier.PRIVATE, Modifier.FINAL)
        .addField(String.class, "rpcMessage", Modifier.PRIVATE, Modifier.FINAL)
        .addField(Object.class, "data", Modifier.PRIVATE, Modifier.FINAL)
        .addMethod(
            MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc(
                    "@param code the error code\n@param message the error message\n@param data the {@code data} member, or null\n")
                .addParameter(int.class, "code")
                .addParameter(String.class, "message")
                .addParameter(Object.class, "data")
                .addStatement(
                    "super(data == null ? message + \" (\" + code + \")\" : message + \" (\" + code + \"): \" + data)")
                .addStatement("this.code = code")
                .addStatement("this.rpcMessage = message")
                .addStatement("this.data = data")
                .build())
        .addMethod(
            MethodSpec.methodBuilder("code")
                .addModifiers(Modifier.PUBLIC)
                .returns(int.class)
                .addJavadoc("@return the error code\n")
                .addStatement("return code")
                .build())
        .addMethod(
            MethodSpec.methodBuilder("rpcMessage")
                .addModifiers(Modifier.PUBLIC)
                .returns(String.class)
                .addJavadoc("@return the error message as sent on the wire\n")
                .addStatement("return rpcMessage")
                .build())
        .addMethod(
            MethodSpec.methodBuilder("data")
                .addModifiers(Modifier.PUBLIC)
                .returns(Object.class)
                .addJavadoc("@return the {@code data} member, or null\n")
                .addStatement("return data")
                .build())
        .addField(
            FieldSpec.builder(
                    OBJECT_MAPPER, "DATA", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("new $T()", OBJECT_MAPPER)
                .build())
        .addMethod(
            MethodSpec.methodBuilder("dataAs")
                .addModifiers(Modifier.PROTECTED)
                .addTypeVariable(TypeVariableName.get("T"))
                .returns(TypeVariableName.get("T"))
                .addParameter(
                    ParameterizedTypeName.get(
                        ClassName.get(Class.class), TypeVariableName.get("T")),
                    "type")
                .addJavadoc(
                    "The {@code data} member as {@code type}: as made, or read from what was received; null when"
                        + " it is not one.\n\n@param type the declared type of the data\n@param <T> that type\n"
                        + "@return the data, or null\n")
                .beginControlFlow("if (type.isInstance(data))")
                .addStatement("return type.cast(data)")
                .endControlFlow()
                .beginControlFlow("if (data == null)")
                .addStatement("return null")
                .endControlFlow()
                .beginControlFlow("try")
                .addStatement("return DATA.convertValue(data, type)")
                .nextControlFlow("catch (IllegalArgumentException e)")
                .addStatement("return null")
                .endControlFlow()
                .build())
        .addType(
            TypeSpec.recordBuilder("Detail")
                .addModifiers(Modifier.PRIVATE)
                .addAnnotation(
                    AnnotationSpec.builder(
                            ClassName.get(
                                "com.fasterxml.jackson.annotation", "JsonIgnoreProperties"))
                        .addMember("ignoreUnknown", "true")
                        .build())
                .recordConstructor(
                    MethodSpec.constructorBuilder()
                        .addParameter(
                            ParameterSpec.builder(String.class, "detail")
                                .addAnnotation(
                                    AnnotationSpec.builder(
                                            ClassName.get(
                                                "com.fasterxml.jackson.annotation", "JsonProperty"))
                                        .addMember("value", "$S", "detail")
                                        .build())
                                .build())
                        .build())
                .build())
        .addMethod(
            MethodSpec.methodBuilder("detail")
                .addModifiers(Modifier.PUBLIC)
                .returns(String.class)
                .addJavadoc(
                    "@return the {@code detail} that most errors' data carries, or null when there is none\n")
                .addStatement("Detail d = dataAs(Detail.class)")
                .addStatement("return d == null ? null : d.detail()")
                .build())
        .addMethod(
            MethodSpec.methodBuilder("forCode")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(base)
                .addJavadoc(
                    "The typed exception for a received error.\n\n@param code the error code\n"
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
