package org.duplex.shell.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

@Command(scope = "ha", name = "version", description = "Prints the Duplex, Karaf and Java versions of this node")
@Service
public class VersionCommand implements Action {

    @Reference
    BundleContext bundleContext;

    @Override
    public Object execute() {
        String karaf = "unknown";
        for (Bundle b : bundleContext.getBundles()) {
            if ("org.apache.karaf.shell.core".equals(b.getSymbolicName())) {
                karaf = b.getVersion().toString();
            }
        }
        VersionReport report = new VersionReport(bundleContext.getBundle().getVersion().toString(), karaf,
                System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        System.out.println(report.render());
        return null;
    }
}
