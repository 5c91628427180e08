package dev.parley.codegen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.TypeVariableName;
import com.palantir.javapoet.WildcardTypeName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.Modifier;

/**
 * Generates what a door needs to serve or call every method without code of its own per method: a
 * params record per method, the method table (an enum: wire name, whether a session is needed,
 * params and result types, summary and description), a handler interface that takes the caller as
 * an argument, and a dispatcher from a table entry and its params to the handler, or to the service
 * interface that clients proxy.
 */
final class DispatchGenerator {
  private static final ClassName OBJECT_MAPPER =
      ClassName.get("com.fasterxml.jackson.databind", "ObjectMapper");
  private static final ClassName JSON_PROCESSING =
      ClassName.get("com.fasterxml.jackson.core", "JsonProcessingException");
  private static final TypeName ANY_CLASS =
      ParameterizedTypeName.get(
          ClassName.get(Class.class), WildcardTypeName.subtypeOf(Object.class));

  private final String pkg;
  private final TypeMapper types;
  private final ModelGenerator models;
  private final ClassName service;
  private final ClassName table;
  private final ClassName handler;
  private final ClassName dispatcher;

  /**
   * @param service the service interface's name, such as {@code ParleyApi}; the other names take
   *     its stem ({@code Parley}): {@code ParleyMethod}, {@code ParleyHandler}, {@code
   *     ParleyDispatcher}
   */
  DispatchGenerator(String pkg, TypeMapper types, ModelGenerator models, String service) {
    this.pkg = pkg;
    this.types = types;
    this.models = models;
    String stem =
        service.endsWith("Api") && service.length() > 3
            ? service.substring(0, service.length() - 3)
            : service;
    this.service = ClassName.get(pkg, service);
    this.table = ClassName.get(pkg, stem + "Method");
    this.handler = ClassName.get(pkg, stem + "Handler");
    this.dispatcher = ClassName.get(pkg, stem + "Dispatcher");
  }

  /** The name of a method's params record: {@code talking_stick} to {@code TalkingStickParams}. */
  static String paramsName(OpenRpcDocument.Method m) {
    return Names.pascal(m.name()) + "Params";
  }

  List<JavaFile> generate(OpenRpcDocument doc) {
    List<OpenRpcDocument.Method> methods = doc.methods();
    Map<String, JsonNode> schemas = doc.schemas();
    List<JavaFile> files = new ArrayList<>();
    for (OpenRpcDocument.Method m : methods) {
      if (schemas.containsKey(paramsName(m))) {
        throw new IllegalArgumentException(
            "the schema " + paramsName(m) + " has the name of the params of " + m.name());
      }
      files.add(file(paramsRecord(m)));
    }
    files.add(file(table(methods)));
    files.add(file(handler(doc, methods)));
    files.add(file(dispatcher(methods)));
    return files;
  }

  private JavaFile file(TypeSpec type) {
    return JavaFile.builder(pkg, type).skipJavaLangImports(true).build();
  }

  /**
   * The params as one object schema, each property the param's schema with the param's description,
   * so that the record is made as every other record is.
   */
  private TypeSpec paramsRecord(OpenRpcDocument.Method m) {
    ObjectNode schema = JsonNodeFactory.instance.objectNode();
    schema.put(
        "description",
        "The params of {@code "
            + m.name()
            + "}"
            + (m.summary().isEmpty() ? "." : ": " + m.summary()));
    ObjectNode properties = schema.putObject("properties");
    var required = schema.putArray("required");
    for (OpenRpcDocument.Param p : m.params()) {
      ObjectNode property = p.schema().deepCopy();
      if (!p.description().isEmpty()) {
        property.put("description", p.description());
      }
      properties.set(p.name(), property);
      if (p.required()) {
        required.add(p.name());
      }
    }
    // Strict, unlike the result records: a param the method does not declare is refused.
    return models.record(
        paramsName(m), schema, (property, s, isRequired) -> types.typeOf(s, isRequired), false);
  }

  private TypeSpec table(List<OpenRpcDocument.Method> methods) {
    TypeSpec.Builder spec =
        TypeSpec.enumBuilder(table)
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "The method table: every method of the OpenRPC document, in its order, with what a door needs"
                    + " to know to serve or call it. Generated: change the document, not this file.\n");
    CodeBlock.Builder lookup =
        CodeBlock.builder()
            .beginControlFlow("if (wireName == null)")
            .addStatement("return $T.empty()", Optional.class)
            .endControlFlow()
            .beginControlFlow("return switch (wireName)");
    for (OpenRpcDocument.Method m : methods) {
      String constant = Names.constant(m.name());
      spec.addEnumConstant(
          constant,
          TypeSpec.anonymousClassBuilder(
                  "$S, $L, $T.class, $T.class, $S, $S",
                  m.name(),
                  m.requiresSession(),
                  ClassName.get(pkg, paramsName(m)),
                  rawClass(resultType(m)),
                  m.summary(),
                  m.description())
              .addJavadoc("{@code $L}: $L\n", m.name(), Names.doc(m.summary()))
              .build());
      lookup.addStatement("case $S -> $T.of($L)", m.name(), Optional.class, constant);
    }
    lookup.addStatement("default -> $T.empty()", Optional.class).endControlFlow("");
    String[][] fields = {
      {"wireName", "the method's name on the wire"},
      {"summary", "the method's summary in the document"},
      {"description", "the method's description in the document, or an empty string"}
    };
    spec.addField(String.class, "wireName", Modifier.PRIVATE, Modifier.FINAL)
        .addField(boolean.class, "requiresSession", Modifier.PRIVATE, Modifier.FINAL)
        .addField(ANY_CLASS, "paramsType", Modifier.PRIVATE, Modifier.FINAL)
        .addField(ANY_CLASS, "resultType", Modifier.PRIVATE, Modifier.FINAL)
        .addField(String.class, "summary", Modifier.PRIVATE, Modifier.FINAL)
        .addField(String.class, "description", Modifier.PRIVATE, Modifier.FINAL)
        .addMethod(
            MethodSpec.constructorBuilder()
                .addParameter(String.class, "wireName")
                .addParameter(boolean.class, "requiresSession")
                .addParameter(ANY_CLASS, "paramsType")
                .addParameter(ANY_CLASS, "resultType")
                .addParameter(String.class, "summary")
                .addParameter(String.class, "description")
                .addStatement("this.wireName = wireName")
                .addStatement("this.requiresSession = requiresSession")
                .addStatement("this.paramsType = paramsType")
                .addStatement("this.resultType = resultType")
                .addStatement("this.summary = summary")
                .addStatement("this.description = description")
                .build());
    for (String[] f : fields) {
      spec.addMethod(
          MethodSpec.methodBuilder(f[0])
              .addModifiers(Modifier.PUBLIC)
              .returns(String.class)
              .addJavadoc("@return $L\n", f[1])
              .addStatement("return $L", f[0])
              .build());
    }
    return spec.addMethod(
            MethodSpec.methodBuilder("requiresSession")
                .addModifiers(Modifier.PUBLIC)
                .returns(boolean.class)
                .addJavadoc(
                    "@return whether a call needs a session (the method's {@code x-requires-session})\n")
                .addStatement("return requiresSession")
                .build())
        .addMethod(
            MethodSpec.methodBuilder("paramsType")
                .addModifiers(Modifier.PUBLIC)
                .returns(ANY_CLASS)
                .addJavadoc("@return the record of the method's params\n")
                .addStatement("return paramsType")
                .build())
        .addMethod(
            MethodSpec.methodBuilder("resultType")
                .addModifiers(Modifier.PUBLIC)
                .returns(ANY_CLASS)
                .addJavadoc("@return the type of the method's result\n")
                .addStatement("return resultType")
                .build())
        .addMethod(
            MethodSpec.methodBuilder("readParams")
                .addModifiers(Modifier.PUBLIC)
                .returns(Object.class)
                .addParameter(OBJECT_MAPPER, "mapper")
                .addParameter(TypeMapper.JSON_NODE, "params")
                .addJavadoc(
                    "Reads params given by name into the method's params record.\n\n"
                        + "@param mapper the mapper that reads them\n@param params an object of params by name\n"
                        + "@return an instance of {@link #paramsType()}\n"
                        + "@throws IllegalArgumentException when they do not make one\n")
                .beginControlFlow("try")
                .addStatement("return mapper.treeToValue(params, paramsType)")
                .nextControlFlow("catch ($T e)", JSON_PROCESSING)
                .addStatement("throw new IllegalArgumentException(e.getOriginalMessage(), e)")
                .endControlFlow()
                .build())
        .addMethod(
            MethodSpec.methodBuilder("byWireName")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(ParameterizedTypeName.get(ClassName.get(Optional.class), table))
                .addParameter(String.class, "wireName")
                .addJavadoc(
                    "@param wireName a method's name on the wire, exactly as the document spells it; null for none\n"
                        + "@return the method of that name, or empty when the document has none\n")
                .addCode(lookup.build())
                .build())
        .build();
  }

  private TypeSpec handler(OpenRpcDocument doc, List<OpenRpcDocument.Method> methods) {
    TypeVariableName c = TypeVariableName.get("C");
    TypeSpec.Builder spec =
        TypeSpec.interfaceBuilder(handler)
            .addModifiers(Modifier.PUBLIC)
            .addTypeVariable(c)
            .addJavadoc(
                "The methods of the $L OpenRPC document as a server serves them: each takes the caller, as the"
                    + " transport knows it, and the method's params record. {@link $T} calls them.\nGenerated: change the"
                    + " document, not this file.\n\n@param <C> what the server knows of the caller\n",
                doc.title(),
                dispatcher);
    for (OpenRpcDocument.Method m : methods) {
      StringBuilder javadoc = new StringBuilder(Names.doc(m.summary()));
      javadoc
          .append(
              m.requiresSession()
                  ? "\n\n<p>Needs a session (bearer token)."
                  : "\n\n<p>Needs no session.")
          .append("\n\n")
          .append("@param caller the caller\n@param params the params, validated\n")
          .append("@return the result\n");
      spec.addMethod(
          MethodSpec.methodBuilder(Names.camel(m.name()))
              .addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT)
              .returns(resultType(m))
              .addParameter(c, "caller")
              .addParameter(ClassName.get(pkg, paramsName(m)), "params")
              .addJavadoc(javadoc.toString())
              .build());
    }
    return spec.build();
  }

  private TypeSpec dispatcher(List<OpenRpcDocument.Method> methods) {
    TypeVariableName c = TypeVariableName.get("C");
    CodeBlock.Builder toHandler = CodeBlock.builder().beginControlFlow("return switch (method)");
    CodeBlock.Builder toService = CodeBlock.builder().beginControlFlow("return switch (method)");
    for (OpenRpcDocument.Method m : methods) {
      String constant = Names.constant(m.name());
      ClassName params = ClassName.get(pkg, paramsName(m));
      toHandler.addStatement(
          "case $L -> handler.$L(caller, ($T) params)", constant, Names.camel(m.name()), params);
      if (m.params().isEmpty()) {
        toService.addStatement("case $L -> service.$L()", constant, Names.camel(m.name()));
      } else {
        List<String> args = new ArrayList<>();
        m.params().forEach(p -> args.add("p." + Names.camel(p.name()) + "()"));
        toService
            .beginControlFlow("case $L ->", constant)
            .addStatement("$T p = ($T) params", params, params)
            .addStatement("yield service.$L($L)", Names.camel(m.name()), String.join(", ", args))
            .endControlFlow();
      }
    }
    toHandler.endControlFlow("");
    toService.endControlFlow("");
    MethodSpec check =
        MethodSpec.methodBuilder("checkParams")
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
            .addParameter(table, "method")
            .addParameter(Object.class, "params")
            .beginControlFlow("if (!method.paramsType().isInstance(params))")
            .addStatement(
                "throw new IllegalArgumentException(method.wireName() + \" takes \" + method.paramsType()"
                    + ".getSimpleName() + \", not \" + (params == null ? \"null\" : params.getClass().getSimpleName()))")
            .endControlFlow()
            .build();
    return TypeSpec.classBuilder(dispatcher)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addJavadoc(
            "From an entry of {@link $T} and its params to the method that serves it: one switch over the"
                + " table, so that no door has code of its own per method. Generated: change the document, not this"
                + " file.\n",
            table)
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
        .addMethod(
            MethodSpec.methodBuilder("dispatch")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addTypeVariable(c)
                .returns(Object.class)
                .addParameter(ParameterizedTypeName.get(handler, c), "handler")
                .addParameter(c, "caller")
                .addParameter(table, "method")
                .addParameter(Object.class, "params")
                .addJavadoc(
                    "Calls the handler's method of {@code method}.\n\n@param handler the server's methods\n"
                        + "@param caller the caller, passed on as it is\n@param method the method called\n"
                        + "@param params an instance of {@code method.paramsType()}\n@param <C> what the server knows of"
                        + " the caller\n@return the result, an instance of {@code method.resultType()}\n"
                        + "@throws IllegalArgumentException when {@code params} is not of the method's params type\n")
                .addStatement("$N(method, params)", check)
                .addCode(toHandler.build())
                .build())
        .addMethod(
            MethodSpec.methodBuilder("invoke")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(Object.class)
                .addParameter(service, "service")
                .addParameter(table, "method")
                .addParameter(Object.class, "params")
                .addJavadoc(
                    "Calls the service interface's method of {@code method}, each param from the record: the"
                        + " generic path from a table entry to a client that proxies {@link $T}.\n\n"
                        + "@param service the service, such as a client's proxy\n@param method the method called\n"
                        + "@param params an instance of {@code method.paramsType()}; a null param is sent as absent\n"
                        + "@return the result, an instance of {@code method.resultType()}\n"
                        + "@throws IllegalArgumentException when {@code params} is not of the method's params type\n",
                    service)
                .addStatement("$N(method, params)", check)
                .addCode(toService.build())
                .build())
        .addMethod(check)
        .build();
  }

  private TypeName resultType(OpenRpcDocument.Method m) {
    return types.typeOf(m.resultSchema(), true);
  }

  /**
   * The class literal's type of {@code type}: a parameterized type's raw type, a primitive boxed.
   */
  private static TypeName rawClass(TypeName type) {
    if (type instanceof ParameterizedTypeName p) {
      return p.rawType();
    }
    return type.isPrimitive() ? type.box() : type;
  }
}
