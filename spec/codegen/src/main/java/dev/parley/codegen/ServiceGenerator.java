package dev.parley.codegen;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeSpec;
import javax.lang.model.element.Modifier;

/**
 * Generates the service interface: one method per OpenRPC method, params by name through
 * jsonrpc4j's annotations, so that the server implements it and clients proxy it.
 */
final class ServiceGenerator {
  private static final ClassName RPC_PARAM =
      ClassName.get("com.googlecode.jsonrpc4j", "JsonRpcParam");
  private static final ClassName RPC_METHOD =
      ClassName.get("com.googlecode.jsonrpc4j", "JsonRpcMethod");

  private final String pkg;
  private final TypeMapper types;

  ServiceGenerator(String pkg, TypeMapper types) {
    this.pkg = pkg;
    this.types = types;
  }

  JavaFile generate(OpenRpcDocument doc, String interfaceName) {
    TypeSpec.Builder api =
        TypeSpec.interfaceBuilder(interfaceName)
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "The methods of the $L OpenRPC document. Generated: change the document, not this file.\n",
                doc.title());
    for (OpenRpcDocument.Method m : doc.methods()) {
      StringBuilder javadoc = new StringBuilder(Names.doc(m.summary()));
      if (!m.description().isEmpty()) {
        javadoc.append("\n\n<p>").append(Names.doc(m.description()));
      }
      javadoc
          .append(
              m.requiresSession()
                  ? "\n\n<p>Needs a session (bearer token)."
                  : "\n\n<p>Needs no session.")
          .append('\n');
      MethodSpec.Builder method =
          MethodSpec.methodBuilder(Names.camel(m.name()))
              .addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT)
              .addAnnotation(
                  AnnotationSpec.builder(RPC_METHOD).addMember("value", "$S", m.name()).build())
              .returns(types.typeOf(m.resultSchema(), true));
      for (OpenRpcDocument.Param p : m.params()) {
        // Optional params are boxed: null means absent (the validator fills in declared defaults).
        method.addParameter(
            ParameterSpec.builder(types.typeOf(p.schema(), p.required()), Names.camel(p.name()))
                .addAnnotation(
                    AnnotationSpec.builder(RPC_PARAM).addMember("value", "$S", p.name()).build())
                .build());
        javadoc
            .append("@param ")
            .append(Names.camel(p.name()))
            .append(' ')
            .append(Names.doc(p.description().isEmpty() ? p.name() : p.description()))
            .append(p.required() ? "" : " (optional)")
            .append('\n');
      }
      String resultName = OpenRpcDocument.schemaRefName(m.resultSchema());
      javadoc
          .append("@return the ")
          .append(resultName == null ? "result" : "{@link " + resultName + "}")
          .append('\n');
      method.addJavadoc(javadoc.toString());
      api.addMethod(method.build());
    }
    return JavaFile.builder(pkg, api.build()).skipJavaLangImports(true).build();
  }
}
