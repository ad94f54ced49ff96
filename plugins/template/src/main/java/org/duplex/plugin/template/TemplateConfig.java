package org.duplex.plugin.template;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The plug-in's configuration (PID {@value TemplateMonitor#PID}, file etc/org.duplex.plugin.template.cfg). Metatype
 * names and describes every key, so config:edit and the web console can show them; a key {@code max.age.seconds}
 * in the file is the method {@code max_age_seconds()} here (DS maps dots to underscores).
 */
@ObjectClassDefinition(name = "Duplex plug-in template",
        description = "Defaults of the 'template' resource monitor (a file exists and was touched recently)")
public @interface TemplateConfig {

    @AttributeDefinition(name = "Max age (s)", description = "A file last modified longer ago is stale "
            + "(UNHEALTHY) unless the check names its own max-age; 0 = any age is fine", min = "0")
    long max_age_seconds() default 0;

    @AttributeDefinition(name = "Verbose", description = "HEALTHY results name the file's age")
    boolean verbose() default true;
}
