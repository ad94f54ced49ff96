package org.duplex.shell.users;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.security.auth.login.AppConfigurationEntry;

import org.apache.karaf.jaas.config.JaasRealm;
import org.apache.karaf.jaas.modules.BackingEngine;
import org.apache.karaf.jaas.modules.BackingEngineFactory;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Thin DS wiring: {@link Users} over the BackingEngine of the {@code karaf} realm's properties login module (the
 * realm the console, SSH, bin/client and the REST API log in through), for the {@code ha:user-*} commands.
 */
@Component(service = UserAdminComponent.class)
public class UserAdminComponent {

    /** The realm the console and the REST API use. */
    static final String REALM = "karaf";

    private final List<JaasRealm> realms = new CopyOnWriteArrayList<>();
    private final List<BackingEngineFactory> factories = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addRealm(JaasRealm realm) {
        realms.add(realm);
    }

    void removeRealm(JaasRealm realm) {
        realms.remove(realm);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addFactory(BackingEngineFactory factory) {
        factories.add(factory);
    }

    void removeFactory(BackingEngineFactory factory) {
        factories.remove(factory);
    }

    public Users users() {
        return new Users(new JaasUserStore(this::engine));
    }

    private BackingEngine engine() {
        JaasRealm realm = realms.stream().filter(r -> REALM.equals(r.getName()))
                .max(Comparator.comparingInt(JaasRealm::getRank))
                .orElseThrow(() -> new IllegalStateException("no JAAS realm '" + REALM + "' is registered"));
        AppConfigurationEntry entry = Arrays.stream(realm.getEntries())
                .filter(e -> moduleClass(e).endsWith(".PropertiesLoginModule")).findFirst()
                .orElseThrow(() -> new IllegalStateException("realm '" + REALM + "' has no properties login module "
                        + "(users are managed elsewhere, e.g. LDAP): " + Arrays.stream(realm.getEntries())
                        .map(UserAdminComponent::moduleClass).toList()));
        BackingEngineFactory f = factories.stream().filter(x -> x.getModuleClass().equals(moduleClass(entry)))
                .findFirst().orElseThrow(() -> new IllegalStateException("no backing engine for "
                        + moduleClass(entry)));
        return f.build(entry.getOptions());
    }

    /**
     * The login module behind an entry: Karaf registers its modules behind its ProxyLoginModule, naming the real
     * class in the option {@code org.apache.karaf.jaas.module} (what Karaf's own jaas: commands look at).
     */
    static String moduleClass(AppConfigurationEntry e) {
        Object real = e.getOptions().get("org.apache.karaf.jaas.module");
        return real != null ? real.toString() : e.getLoginModuleName();
    }
}
