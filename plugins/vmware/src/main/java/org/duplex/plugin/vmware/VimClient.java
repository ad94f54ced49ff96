package org.duplex.plugin.vmware;

import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import org.duplex.plugin.support.Credentials;
import org.duplex.plugin.support.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

/**
 * The dozen vim25 calls Duplex needs, over one endpoint, with one session reused by every caller: log in on first
 * use (and again, once, when the server answers NotAuthenticated: an expired or terminated session), find objects
 * by inventory path, read properties through the property collector, power a VM on or off, ask its guest to shut
 * down, wait for a task. Every call takes a {@link Deadline} and returns or throws within it. Thread-safe.
 */
public final class VimClient {

    private static final Logger LOG = LoggerFactory.getLogger(VimClient.class);
    private static final MoRef SERVICE_INSTANCE = new MoRef("ServiceInstance", "ServiceInstance");

    /** The service content's references this client uses. */
    record Content(MoRef rootFolder, MoRef propertyCollector, MoRef searchIndex, MoRef sessionManager,
                   String apiType, String version) {
    }

    private final Endpoint endpoint;
    private final Soap soap;
    private final Object loginLock = new Object();
    private volatile Content content;
    private volatile String cookie;
    private volatile int logins;

    public VimClient(Endpoint endpoint) {
        this.endpoint = endpoint;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER);
        if ("https".equalsIgnoreCase(endpoint.url().getScheme())
                && (endpoint.thumbprint().isPresent() || endpoint.insecure())) {
            try {
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[] {Thumbprint.trustManager(endpoint.thumbprint().orElse(null))},
                        null);
                b.sslContext(ctx);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no TLS context: " + e.getMessage(), e);
            }
        }
        this.soap = new Soap(b.build(), endpoint.url());
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** How many times this client logged in (1 after the first call; one more per expired session). */
    public int logins() {
        return logins;
    }

    /** The session manager (for tests that end a session from another one). */
    MoRef sessionManager(Deadline d) throws VimException, InterruptedException {
        return content(d).sessionManager();
    }

    /** Logs in now unless a session is open. */
    public void connect(Deadline d) throws VimException, InterruptedException {
        if (cookie == null) {
            login(null, d);
        }
    }

    private Content content(Deadline d) throws VimException, InterruptedException {
        Content c = content;
        if (c == null) {
            Element r = soap.call("RetrieveServiceContent", SERVICE_INSTANCE, w -> { }, null, d).response();
            Element rv = Soap.child(r, null, "returnval").orElseThrow(() -> new VimException(
                    VimException.Kind.PROTOCOL, "RetrieveServiceContent: no returnval"));
            Element about = Soap.child(rv, null, "about").orElse(rv);
            c = new Content(ref(rv, "rootFolder"), ref(rv, "propertyCollector"), ref(rv, "searchIndex"),
                    ref(rv, "sessionManager"), Soap.childText(about, "apiType"), Soap.childText(about, "version"));
            content = c;
        }
        return c;
    }

    private static MoRef ref(Element parent, String name) throws VimException {
        Optional<Element> e = Soap.child(parent, null, name);
        if (e.isEmpty()) {
            throw new VimException(VimException.Kind.PROTOCOL, "service content without " + name);
        }
        return Soap.moRef(e.get());
    }

    /** Logs in unless another thread already replaced {@code stale} with a fresh session. */
    private void login(String stale, Deadline d) throws VimException, InterruptedException {
        synchronized (loginLock) {
            if (cookie != null && !cookie.equals(stale)) {
                return;
            }
            Content c = content(d);
            char[] password;
            try {
                password = Credentials.readPassword(endpoint.passwordFile());
            } catch (Credentials.RefusedException e) {
                throw new VimException(VimException.Kind.CONFIG, e.getMessage());
            }
            if (endpoint.insecure()) {
                LOG.warn("vSphere endpoint {}: insecure = true, its TLS certificate is NOT verified (lab use only;"
                        + " set thumbprint = its SHA-256 thumbprint instead)", endpoint.where());
            }
            try {
                Soap.Answer a = soap.call("Login", c.sessionManager(), w -> {
                    Soap.text(w, "userName", endpoint.user());
                    w.writeStartElement(Soap.VIM, "password");
                    w.writeCharacters(password, 0, password.length);
                    w.writeEndElement();
                }, null, d);
                cookie = a.cookie().orElseThrow(() -> new VimException(VimException.Kind.PROTOCOL,
                        "Login on " + endpoint.where() + ": no session cookie in the answer"));
                logins++;
                LOG.info("vSphere endpoint {}: logged in as {} ({} {})", endpoint.where(), endpoint.user(),
                        c.apiType(), c.version());
            } catch (VimException e) {
                if (e.kind() == VimException.Kind.LOGIN_FAILED) {
                    throw new VimException(VimException.Kind.LOGIN_FAILED, e.faultType(), "login to "
                            + endpoint.where() + " as " + endpoint.user() + " refused: wrong user name or password"
                            + " (password-file " + endpoint.passwordFile() + ")", e);
                }
                throw e;
            } finally {
                Arrays.fill(password, '\0');
            }
        }
    }

    /** Checks an answer; may throw NOT_AUTHENTICATED for a session the server no longer knows. */
    @FunctionalInterface
    interface Check {
        void check(Element response) throws VimException;
    }

    /** One call in the session; logs in first if needed, and once more if the session had expired. */
    Element invoke(String method, MoRef self, Soap.Body body, Deadline d) throws VimException, InterruptedException {
        return invoke(method, self, body, d, r -> { });
    }

    Element invoke(String method, MoRef self, Soap.Body body, Deadline d, Check check)
            throws VimException, InterruptedException {
        connect(d);
        String used = cookie;
        try {
            Element r = soap.call(method, self, body, used, d).response();
            check.check(r);
            return r;
        } catch (VimException e) {
            if (e.kind() != VimException.Kind.NOT_AUTHENTICATED) {
                throw e;
            }
            LOG.info("vSphere endpoint {}: session expired ({}), logging in again", endpoint.where(), e.getMessage());
            login(used, d);
            Element r = soap.call(method, self, body, cookie, d).response();
            check.check(r);
            return r;
        }
    }

    /**
     * The property collector answers a call without a valid session with "missing" properties whose fault is
     * NotAuthenticated (vCenter and vcsim alike), not with a SOAP fault; any other missing property is an error.
     */
    private static void missingSet(Element response) throws VimException {
        for (Element rv : Soap.children(response, "returnval")) {
            for (Element ms : Soap.children(rv, "missingSet")) {
                String path = Soap.childText(ms, "path");
                String type = Soap.child(ms, null, "fault").flatMap(f -> Soap.child(f, null, "fault"))
                        .map(f -> f.getAttributeNS(Soap.XSI, "type")).map(t -> t.contains(":")
                                ? t.substring(t.indexOf(':') + 1) : t).orElse("");
                if (type.equals("NotAuthenticated")) {
                    throw new VimException(VimException.Kind.NOT_AUTHENTICATED, type,
                            "RetrieveProperties: not authenticated", null);
                }
                throw new VimException(VimException.Kind.FAULT, type, "cannot read property " + path + ": "
                        + (type.isEmpty() ? "missing" : type), null);
            }
        }
    }

    /** Ends the session (best effort: a failure is only logged). */
    public void logout(Deadline d) throws InterruptedException {
        String c = cookie;
        Content ct = content;
        if (c == null || ct == null) {
            return;
        }
        try {
            soap.call("Logout", ct.sessionManager(), w -> { }, c, d);
        } catch (VimException e) {
            LOG.debug("vSphere endpoint {}: logout: {}", endpoint.where(), e.getMessage());
        }
        cookie = null;
    }

    /** The object at an inventory path ("DC1/vm/web01"; a leading slash is ignored), if it exists. */
    public Optional<MoRef> findByInventoryPath(String path, Deadline d) throws VimException, InterruptedException {
        String p = path.startsWith("/") ? path.substring(1) : path;
        Content c = content(d);
        Element r = invoke("FindByInventoryPath", c.searchIndex(), w -> Soap.text(w, "inventoryPath", p), d);
        Optional<Element> rv = Soap.child(r, null, "returnval");
        return rv.isEmpty() ? Optional.empty() : Optional.of(Soap.moRef(rv.get()));
    }

    /** Like {@link #findByInventoryPath} but absent is an error of kind NOT_FOUND naming the path and the type. */
    public MoRef require(String path, String type, Deadline d) throws VimException, InterruptedException {
        MoRef ref = findByInventoryPath(path, d).orElseThrow(() -> new VimException(VimException.Kind.NOT_FOUND,
                "no " + type + " at inventory path '" + path + "' on " + endpoint.where()));
        if (!ref.type().equals(type)) {
            throw new VimException(VimException.Kind.NOT_FOUND, "inventory path '" + path + "' on "
                    + endpoint.where() + " is a " + ref.type() + ", not a " + type);
        }
        return ref;
    }

    /**
     * Reads properties of one object; a property the server leaves unset is absent from the map. Values are the
     * {@code val} elements (read their text for simple types).
     */
    public Map<String, Element> properties(MoRef obj, List<String> paths, Deadline d)
            throws VimException, InterruptedException {
        Content c = content(d);
        Element r = invoke("RetrieveProperties", c.propertyCollector(), w -> {
            w.writeStartElement(Soap.VIM, "specSet");
            w.writeStartElement(Soap.VIM, "propSet");
            Soap.text(w, "type", obj.type());
            for (String p : paths) {
                Soap.text(w, "pathSet", p);
            }
            w.writeEndElement();
            w.writeStartElement(Soap.VIM, "objectSet");
            Soap.moRef(w, "obj", obj);
            Soap.text(w, "skip", "false");
            w.writeEndElement();
            w.writeEndElement();
        }, d, VimClient::missingSet);
        Map<String, Element> out = new LinkedHashMap<>();
        for (Element rv : Soap.children(r, "returnval")) {
            for (Element ps : Soap.children(rv, "propSet")) {
                Soap.child(ps, null, "val").ifPresent(v -> out.put(Soap.childText(ps, "name"), v));
            }
        }
        return out;
    }

    /** Simple-typed properties as text ("poweredOn"); unset ones absent. */
    public Map<String, String> textProperties(MoRef obj, List<String> paths, Deadline d)
            throws VimException, InterruptedException {
        Map<String, String> out = new LinkedHashMap<>();
        properties(obj, paths, d).forEach((k, v) -> out.put(k, v.getTextContent().trim()));
        return out;
    }

    public void powerOn(MoRef vm, Deadline d) throws VimException, InterruptedException {
        waitForTask(Soap.moRef(returnval(invoke("PowerOnVM_Task", vm, w -> { }, d), "PowerOnVM_Task")),
                "power on " + vm, d);
    }

    public void powerOff(MoRef vm, Deadline d) throws VimException, InterruptedException {
        waitForTask(Soap.moRef(returnval(invoke("PowerOffVM_Task", vm, w -> { }, d), "PowerOffVM_Task")),
                "power off " + vm, d);
    }

    /** Asks VMware Tools in the guest to shut the guest down; returns at once (the power-off comes later). */
    public void shutdownGuest(MoRef vm, Deadline d) throws VimException, InterruptedException {
        invoke("ShutdownGuest", vm, w -> { }, d);
    }

    private static Element returnval(Element r, String method) throws VimException {
        return Soap.child(r, null, "returnval").orElseThrow(() -> new VimException(VimException.Kind.PROTOCOL,
                method + ": no task in the answer"));
    }

    /**
     * Waits for a task to end. A task that ends in error throws {@link VimException.Kind#FAULT} with the task's
     * fault type and message; one still running at the deadline throws {@link VimException.Kind#TIMEOUT}.
     */
    public void waitForTask(MoRef task, String what, Deadline d) throws VimException, InterruptedException {
        long pause = 20;
        while (true) {
            Map<String, Element> p = properties(task, List.of("info.state", "info.error"), d);
            String state = p.containsKey("info.state") ? p.get("info.state").getTextContent().trim() : "";
            if (state.equals("success")) {
                return;
            }
            if (state.equals("error")) {
                Element err = p.get("info.error");
                String msg = err == null ? "" : Soap.childText(err, "localizedMessage");
                String type = err == null ? "" : Soap.child(err, null, "fault")
                        .map(f -> f.getAttributeNS(Soap.XSI, "type")).map(t -> t.contains(":")
                                ? t.substring(t.indexOf(':') + 1) : t).orElse("");
                throw new VimException(VimException.Kind.FAULT, type, what + " on " + endpoint.where()
                        + " failed: " + (type.isEmpty() ? "" : type + (msg.isEmpty() ? "" : ": ")) + msg, null);
            }
            Duration left = d.remaining();
            if (left.isZero()) {
                throw new VimException(VimException.Kind.TIMEOUT, what + " on " + endpoint.where()
                        + ": task " + task.value() + " still " + (state.isEmpty() ? "pending" : state)
                        + " after " + d.budgetText());
            }
            Thread.sleep(Math.min(pause, left.toMillis()));
            pause = Math.min(pause * 2, 500);
        }
    }
}
