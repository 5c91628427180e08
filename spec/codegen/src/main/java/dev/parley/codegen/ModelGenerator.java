package dev.parley.codegen;

import com.fasterxml.jackson.databind.JsonNode;
import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;

/** Generates a record for each object schema and an enum for each string enum schema. */
final class ModelGenerator {
  private static final ClassName JSON_PROPERTY =
      ClassName.get("com.fasterxml.jackson.annotation", "JsonProperty");
  private static final ClassName JSON_VALUE =
      ClassName.get("com.fasterxml.jackson.annotation", "JsonValue");
  private static final ClassName JSON_INCLUDE =
      ClassName.get("com.fasterxml.jackson.annotation", "JsonInclude");
  private static final ClassName JSON_IGNORE_PROPERTIES =
      ClassName.get("com.fasterxml.jackson.annotation", "JsonIgnoreProperties");

  private final String pkg;
  private final TypeMapper types;

  ModelGenerator(String pkg, TypeMapper types) {
    this.pkg = pkg;
    this.types = types;
  }

  List<JavaFile> generate(Map<String, JsonNode> schemas) {
    List<JavaFile> files = new ArrayList<>();
    schemas.forEach(
        (name, schema) -> {
          TypeSpec spec =
              switch (types.kindOf(schema)) {
                case RECORD -> record(name, schema);
                case ENUM -> enumeration(name, schema);
                case ALIAS -> null;
              };
          if (spec != null) {
            files.add(JavaFile.builder(pkg, spec).skipJavaLangImports(true).build());
          }
        });
    return files;
  }

  private TypeSpec record(String name, JsonNode schema) {
    return record(name, schema, (property, prop, isRequired) -> types.typeOf(prop, isRequired));
  }

  /** How the type of one property is chosen: its name, its schema, whether it is required. */
  @FunctionalInterface
  interface PropertyTypes {
    TypeName of(String property, JsonNode schema, boolean required);
  }

  /**
   * A record for the object {@code schema}, each property typed by {@code propertyTypes}, that
   * ignores unknown properties when read.
   */
  TypeSpec record(String name, JsonNode schema, PropertyTypes propertyTypes) {
    return record(name, schema, propertyTypes, true);
  }

  /**
   * A record for the object {@code schema}, each property typed by {@code propertyTypes}.
   *
   * @param lenient whether reading ignores unknown properties (results, which a newer server may
   *     extend) or refuses them (params, which the document closes)
   */
  TypeSpec record(String name, JsonNode schema, PropertyTypes propertyTypes, boolean lenient) {
    Set<String> required = new HashSet<>();
    schema.path("required").forEach(r -> required.add(r.asText()));
    MethodSpec.Builder ctor = MethodSpec.constructorBuilder();
    StringBuilder doc =
        new StringBuilder(Names.doc(schema.path("description").asText(name))).append("\n\n");
    schema
        .path("properties")
        .properties()
        .forEach(
            e -> {
              String json = e.getKey();
              JsonNode prop = e.getValue();
              boolean isRequired = required.contains(json);
              ParameterSpec.Builder param =
                  ParameterSpec.builder(propertyTypes.of(json, prop, isRequired), Names.camel(json))
                      .addAnnotation(
                          AnnotationSpec.builder(JSON_PROPERTY)
                              .addMember("value", "$S", json)
                              .build());
              if (isRequired && OpenRpcDocument.unwrap(prop).path("type").isArray()) {
                // Required but nullable: written as null, where an optional one is left out.
                param.addAnnotation(
                    AnnotationSpec.builder(JSON_INCLUDE)
                        .addMember("value", "$T.Include.ALWAYS", JSON_INCLUDE)
                        .build());
              }
              ctor.addParameter(param.build());
              String description = describe(prop);
              doc.append("@param ")
                  .append(Names.camel(json))
                  .append(' ')
                  .append(Names.doc(description.isEmpty() ? "{@code " + json + "}" : description))
                  .append(isRequired ? "" : " (optional: null when absent)")
                  .append('\n');
            });
    TypeSpec.Builder record =
        TypeSpec.recordBuilder(name)
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(doc.toString().stripTrailing() + "\n")
            .addAnnotation(
                AnnotationSpec.builder(JSON_INCLUDE)
                    .addMember("value", "$T.Include.NON_NULL", JSON_INCLUDE)
                    .build());
    if (lenient) {
      record.addAnnotation(
          AnnotationSpec.builder(JSON_IGNORE_PROPERTIES)
              .addMember("ignoreUnknown", "true")
              .build());
    }
    return record.recordConstructor(ctor.build()).build();
  }

  /** An enum of the string enum {@code schema}, each constant knowing its wire name. */
  TypeSpec enumeration(String name, JsonNode schema) {
    TypeSpec.Builder spec =
        TypeSpec.enumBuilder(name)
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(Names.doc(schema.path("description").asText(name)) + "\n");
    for (JsonNode value : schema.path("enum")) {
      spec.addEnumConstant(
          Names.constant(value.asText()),
          TypeSpec.anonymousClassBuilder("$S", value.asText()).build());
    }
    spec.addField(String.class, "wireName", Modifier.PRIVATE, Modifier.FINAL);
    spec.addMethod(
        MethodSpec.constructorBuilder()
            .addParameter(String.class, "wireName")
            .addStatement("this.wireName = wireName")
            .build());
    spec.addMethod(
        MethodSpec.methodBuilder("wireName")
            .addModifiers(Modifier.PUBLIC)
            .addAnnotation(JSON_VALUE)
            .returns(String.class)
            .addJavadoc("The value as it appears on the wire.\n")
            .addStatement("return wireName")
            .build());
    return spec.build();
  }

  private static String describe(JsonNode prop) {
    return prop.path("description")
        .asText(OpenRpcDocument.unwrap(prop).path("description").asText(""));
  }
}
