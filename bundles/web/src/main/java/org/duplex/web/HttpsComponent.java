package org.duplex.web;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Map;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin DS wiring: at start (and on every change of etc/org.duplex.web.cfg) makes sure the keystore exists
 * ({@link Keystores}) and that pax-web serves HTTPS only, with it, on the configured port ({@link HttpsSettings}).
 * pax-web restarts its Jetty connector when its configuration changes.
 */
@Component(configurationPid = WebConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
public class HttpsComponent {

    private static final Logger LOG = LoggerFactory.getLogger(HttpsComponent.class);
    private static final Duration KEYTOOL_TIMEOUT = Duration.ofSeconds(60);

    @Reference
    ConfigurationAdmin configurationAdmin;

    @Activate
    @Modified
    void apply(Map<String, Object> properties) throws Exception {
        WebConfig c = WebConfig.of(properties, Path.of(System.getProperty("karaf.etc", "etc")));
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        if (Keystores.ensure(c.keystore(), host, KEYTOOL_TIMEOUT)) {
            LOG.info("generated a self-signed certificate for {} in {} (password in {}); replace both to use your own",
                    host, c.keystore(), Keystores.passwordFile(c.keystore()));
        }
        Configuration pax = configurationAdmin.getConfiguration(HttpsSettings.PAX_WEB_PID, null);
        Dictionary<String, Object> merged = HttpsSettings.merge(pax.getProperties(),
                HttpsSettings.wanted(c, Keystores.password(c)));
        if (merged != null) {
            pax.update(merged);
            LOG.info("REST API: HTTPS on {}:{} (plain HTTP off)", c.listenAddress(), c.httpsPort());
        }
    }
}
