package org.duplex.plugin.vmware;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import org.duplex.plugin.support.Deadline;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * One vim25 SOAP exchange: the request envelope written with StAX, posted with the JDK's {@link HttpClient}
 * within the caller's deadline, the answer parsed into DOM (no DTDs, no external entities), a SOAP fault turned
 * into a {@link VimException} of the right {@link VimException.Kind}. Stateless apart from the HTTP client; the
 * session cookie is the caller's.
 */
final class Soap {

    static final String VIM = "urn:vim25";
    static final String ENV = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String XSI = XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI;
    /** vim25 API version announced; vCenter/ESXi 6.5 and later answer it. */
    static final String SOAP_ACTION = "urn:vim25/6.5";

    /** Writes the children of the method element. */
    @FunctionalInterface
    interface Body {
        void write(XMLStreamWriter w) throws XMLStreamException;
    }

    /** The answer: the method's response element, and a session cookie if the server set one. */
    record Answer(Element response, Optional<String> cookie) {
    }

    private static final XMLOutputFactory OUT = XMLOutputFactory.newFactory();

    private final HttpClient http;
    private final URI url;

    Soap(HttpClient http, URI url) {
        this.http = http;
        this.url = url;
    }

    URI url() {
        return url;
    }

    Answer call(String method, MoRef self, Body body, String cookie, Deadline deadline)
            throws VimException, InterruptedException {
        byte[] request = envelope(method, self, body);
        Duration left = deadline.remaining();
        if (left.isZero()) {
            throw new VimException(VimException.Kind.TIMEOUT, method + " to " + url.getHost()
                    + ": no time left of " + deadline.budgetText());
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(url).timeout(left)
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("SOAPAction", SOAP_ACTION)
                .POST(HttpRequest.BodyPublishers.ofByteArray(request));
        if (cookie != null) {
            rb.header("Cookie", cookie);
        }
        CompletableFuture<HttpResponse<byte[]>> f = http.sendAsync(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> resp;
        try {
            resp = f.get(Math.max(1, deadline.remaining().toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw timeout(method, deadline, e);
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw transport(method, e.getCause());
        }
        Optional<String> setCookie = resp.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("vmware_soap_session"))
                .map(c -> c.contains(";") ? c.substring(0, c.indexOf(';')) : c).findFirst();
        Document doc = parse(method, resp);
        Element bodyEl = child(doc.getDocumentElement(), ENV, "Body").orElseThrow(() -> new VimException(
                VimException.Kind.PROTOCOL, method + " to " + url.getHost() + ": answer without a SOAP Body"));
        Element first = firstElement(bodyEl).orElseThrow(() -> new VimException(VimException.Kind.PROTOCOL,
                method + " to " + url.getHost() + ": empty SOAP Body"));
        if ("Fault".equals(first.getLocalName())) {
            throw fault(method, first);
        }
        if (resp.statusCode() != 200) {
            throw new VimException(VimException.Kind.PROTOCOL, method + " to " + url.getHost() + ": HTTP "
                    + resp.statusCode() + " without a SOAP fault");
        }
        return new Answer(first, setCookie);
    }

    private VimException timeout(String method, Deadline deadline, Exception e) {
        return new VimException(VimException.Kind.TIMEOUT, "", method + " to " + url.getHost() + ":"
                + port() + ": no answer within " + deadline.budgetText(), e);
    }

    private int port() {
        return url.getPort() > 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }

    private VimException transport(String method, Throwable t) {
        String where = url.getHost() + ":" + port();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HttpConnectTimeoutException || c instanceof HttpTimeoutException) {
                return new VimException(VimException.Kind.TIMEOUT, "", method + " to " + where
                        + ": no answer in time (" + c.getMessage() + ")", t);
            }
            if (c instanceof ConnectException || c instanceof NoRouteToHostException
                    || c instanceof UnknownHostException) {
                return new VimException(VimException.Kind.UNREACHABLE, "", method + " to " + where
                        + ": unreachable (" + describe(c) + ")", t);
            }
            if (c instanceof SSLException) {
                return new VimException(VimException.Kind.TLS, "", method + " to " + where + ": TLS failed: "
                        + rootMessage(c), t);
            }
        }
        return new VimException(VimException.Kind.UNREACHABLE, "", method + " to " + where + ": " + describe(t), t);
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    /** The innermost message: for a pin mismatch, the trust manager's sentence with both thumbprints. */
    private static String rootMessage(Throwable t) {
        String msg = describe(t);
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                msg = c.getMessage();
            }
        }
        return msg;
    }

    private Document parse(String method, HttpResponse<byte[]> resp) throws VimException {
        try {
            DocumentBuilder b = FACTORY.newDocumentBuilder();
            b.setErrorHandler(null);
            return b.parse(new ByteArrayInputStream(resp.body()));
        } catch (SAXException | IOException | ParserConfigurationException e) {
            String start = new String(resp.body(), 0, Math.min(resp.body().length, 120), StandardCharsets.UTF_8)
                    .replaceAll("\\s+", " ");
            throw new VimException(VimException.Kind.PROTOCOL, "", method + " to " + url.getHost() + ": HTTP "
                    + resp.statusCode() + ", not a SOAP answer (" + e.getMessage() + "): " + start, e);
        }
    }

    private static final DocumentBuilderFactory FACTORY = factory();

    private static DocumentBuilderFactory factory() {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        try {
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks secure processing", e);
        }
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return f;
    }

    private VimException fault(String method, Element fault) {
        String text = child(fault, null, "faultstring").map(Element::getTextContent).orElse("").trim();
        String type = child(fault, null, "detail").flatMap(Soap::firstElement).map(d -> {
            String xt = d.getAttributeNS(XSI, "type");
            if (!xt.isEmpty()) {
                return xt.contains(":") ? xt.substring(xt.indexOf(':') + 1) : xt;
            }
            String n = d.getLocalName();
            return n.endsWith("Fault") ? n.substring(0, n.length() - 5) : n;
        }).orElse("");
        VimException.Kind kind = switch (type) {
            case "InvalidLogin" -> VimException.Kind.LOGIN_FAILED;
            case "NotAuthenticated" -> VimException.Kind.NOT_AUTHENTICATED;
            case "ManagedObjectNotFound" -> VimException.Kind.NOT_FOUND;
            default -> VimException.Kind.FAULT;
        };
        if (type.isEmpty() && text.contains("session is not authenticated")) {
            kind = VimException.Kind.NOT_AUTHENTICATED;
        }
        return new VimException(kind, type, method + " on " + url.getHost() + ": " + (type.isEmpty() ? "" : type
                + ": ") + (text.isEmpty() ? "(no fault text)" : text), null);
    }

    private static byte[] envelope(String method, MoRef self, Body body) throws VimException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try {
            XMLStreamWriter w = OUT.createXMLStreamWriter(out, "UTF-8");
            w.writeStartDocument("UTF-8", "1.0");
            w.writeStartElement("soapenv", "Envelope", ENV);
            w.writeNamespace("soapenv", ENV);
            w.writeNamespace("xsi", XSI);
            w.writeStartElement("soapenv", "Body", ENV);
            w.writeStartElement("", method, VIM);
            w.writeDefaultNamespace(VIM);
            moRef(w, "_this", self);
            body.write(w);
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new VimException(VimException.Kind.PROTOCOL, "", "cannot write the " + method + " request: "
                    + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    // --- writing helpers

    static void moRef(XMLStreamWriter w, String name, MoRef ref) throws XMLStreamException {
        w.writeStartElement(VIM, name);
        w.writeAttribute("type", ref.type());
        w.writeCharacters(ref.value());
        w.writeEndElement();
    }

    static void text(XMLStreamWriter w, String name, String value) throws XMLStreamException {
        w.writeStartElement(VIM, name);
        w.writeCharacters(value);
        w.writeEndElement();
    }

    // --- reading helpers

    static Optional<Element> firstElement(Element parent) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The first child element named {@code local} (any namespace when {@code ns} is null). */
    static Optional<Element> child(Element parent, String ns, String local) {
        return children(parent, local).stream()
                .filter(e -> ns == null || ns.equals(e.getNamespaceURI())).findFirst();
    }

    static List<Element> children(Element parent, String local) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && local.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    static String childText(Element parent, String local) {
        return child(parent, null, local).map(e -> e.getTextContent().trim()).orElse("");
    }

    static MoRef moRef(Element e) throws VimException {
        String type = e.getAttribute("type");
        String value = e.getTextContent().trim();
        if (type.isEmpty() || value.isEmpty()) {
            throw new VimException(VimException.Kind.PROTOCOL, "element " + e.getLocalName()
                    + " is not a managed object reference");
        }
        return new MoRef(type, value);
    }
}
