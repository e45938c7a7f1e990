package org.sparecycles.server.web.ui;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.Map;

/**
 * The page templates under {@code src/main/jte}, compiled to classes at build time by the jte-maven-plugin, so
 * the server needs no compiler at run time. HTML content type: every {@code ${...}} is escaped for where it
 * appears (text, attribute, script). Thread-safe.
 */
final class Templates {
    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    /** Renders {@code name} (e.g. {@code "login.jte"}) with the named parameters. */
    String render(String name, Map<String, Object> parameters) {
        StringOutput out = new StringOutput(8192);
        engine.render(name, parameters, out);
        return out.toString();
    }
}
